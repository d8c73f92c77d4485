import type { ErrorObject } from 'ajv';
import { describeError } from '../../blocks/form-errors.js';
import { expressionError } from './expressions.js';
import { resolvePage } from './form-page.js';
import type { FormPage } from './form-page.js';
import { validateAgainst } from './json-schema.js';
import type { FormValues, JsonSchema } from './json-schema.js';

export interface PageValidation {
  /** The page's answers: only fields the page shows now, hidden fields at their defaults. */
  values: FormValues;
  /** Field key → a sentence a person can act on. */
  errors: Record<string, string>;
}

/**
 * Validates a page's answers with a real JSON Schema validator against the schema of the
 * fields the page shows for these answers (conditional branches resolved first, so a field
 * that is not on screen can neither be required nor leak a stale value), and refuses Harness
 * expressions in them except in the fields listed in `allowExpressions`.
 */
export function validatePage(
  page: FormPage,
  answers: FormValues,
  allowExpressions: ReadonlySet<string> = new Set(),
): PageValidation {
  const fields = resolvePage(page, answers).filter((f) => f.visibility !== 'secret');
  const values: FormValues = {};
  for (const f of fields) {
    const v = f.visibility === 'hidden' ? (answers[f.key] ?? f.default) : answers[f.key];
    if (v !== undefined) values[f.key] = v;
  }
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.key, f.schema])),
    required: fields.filter((f) => f.required).map((f) => f.key),
  };
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const errors: Record<string, string> = {};
  for (const err of validateAgainst(schema, values)) {
    const key = keyOf(err);
    const field = key === undefined ? undefined : byKey.get(key);
    if (field === undefined || errors[field.key] !== undefined) continue;
    errors[field.key] = describeError(field, err);
  }
  for (const field of fields) {
    const refusal =
      errors[field.key] === undefined
        ? expressionError(field, values[field.key], allowExpressions)
        : undefined;
    if (refusal !== undefined) errors[field.key] = refusal;
  }
  return { values, errors };
}

function keyOf(err: ErrorObject): string | undefined {
  if (err.keyword === 'required' && err.instancePath === '') return String(err.params.missingProperty);
  const first = err.instancePath.split('/')[1];
  return first === undefined ? undefined : first.replace(/~1/g, '/').replace(/~0/g, '~');
}
