import { expressionRefusal as refusal } from '../../blocks/form-errors.js';
import type { FormField } from './form-field.js';
import type { JsonValue } from './json-schema.js';

/**
 * Harness evaluates `<+…>` expressions in runtime input values, under the principal of the key
 * that runs the pipeline (https://developer.harness.io/docs/platform/variables-and-expressions/harness-variables/):
 * `<+secrets.getValue("prod_db_password")>` typed into a Jira summary would put the secret where
 * the person can read it. So a person's value may not hold one, unless the workflow's binding
 * says that field takes expressions (`allowExpressions` in commands.yaml).
 */
export const EXPRESSION_START = '<+';

/** Whether a value (strings nested in lists and objects too) holds the start of an expression. */
export function holdsExpression(value: JsonValue | undefined): boolean {
  if (typeof value === 'string') return value.includes(EXPRESSION_START);
  if (Array.isArray(value)) return value.some(holdsExpression);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
  return false;
}

/** The sentence shown under a field (or next to a text) that holds an expression. */
export function expressionRefusal(label: string): string {
  return refusal(label, EXPRESSION_START);
}

/**
 * The refusal for a field's value, if any. The workflow's own default is the platform team's
 * text, not a person's, and passes unchanged.
 */
export function expressionError(
  field: FormField,
  value: JsonValue | undefined,
  allowed: ReadonlySet<string>,
): string | undefined {
  if (allowed.has(field.key) || !holdsExpression(value)) return undefined;
  if (field.default !== undefined && JSON.stringify(field.default) === JSON.stringify(value))
    return undefined;
  return expressionRefusal(field.title);
}
