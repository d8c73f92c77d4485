import type { ErrorObject } from 'ajv';
import type { FormField } from '../src/forms/form-field.js';

/**
 * The inline errors a modal shows under a field: JSON Schema validation failures
 * (src/forms/validate-page.ts) and refused Harness expressions (src/forms/expressions.ts).
 */

const FORMATS: Record<string, string> = {
  email: 'an email address (name@example.com)',
  uri: 'a full URL (https://…)',
  url: 'a full URL (https://…)',
  date: 'a date',
  'iso-time': 'a time',
  time: 'a time',
  'date-time': 'a date and time',
};

/** One sentence, naming the field the way the form labels it. */
export function describeError(field: FormField, err: ErrorObject): string {
  const t = field.title;
  const s = field.schema;
  const p = err.params as Record<string, unknown>;
  const num = (v: unknown): string => String(v);
  switch (err.keyword) {
    case 'required':
      return `${t} is required`;
    case 'type':
      return p.type === 'integer'
        ? `${t} must be a whole number`
        : p.type === 'number'
          ? mustBeANumber(t)
          : `${t} must be ${String(p.type)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      if (typeof s.minimum === 'number' && typeof s.maximum === 'number')
        return `${t} must be between ${num(s.minimum)} and ${num(s.maximum)}`;
      if (err.keyword === 'minimum') return `${t} must be at least ${num(p.limit)}`;
      if (err.keyword === 'maximum') return `${t} must be at most ${num(p.limit)}`;
      return `${t} must be ${err.keyword === 'exclusiveMinimum' ? 'greater' : 'less'} than ${num(p.limit)}`;
    }
    case 'multipleOf':
      return `${t} must be a multiple of ${num(p.multipleOf)}`;
    case 'minLength':
      return `${t} must be at least ${num(p.limit)} character${p.limit === 1 ? '' : 's'} long`;
    case 'maxLength':
      return `${t} must be at most ${num(p.limit)} characters long`;
    case 'pattern':
      return field.description === undefined
        ? `${t} is not in the expected format (${String(p.pattern)})`
        : `${t} is not in the expected format: ${field.description}`;
    case 'format':
      return `${t} must be ${FORMATS[String(p.format)] ?? `in ${String(p.format)} format`}`;
    case 'enum':
    case 'const':
      return `${t} must be one of the listed choices`;
    case 'minItems':
      return `Choose at least ${num(p.limit)} for ${t}`;
    case 'maxItems':
      return `Choose at most ${num(p.limit)} for ${t}`;
    case 'uniqueItems':
      return `${t} lists the same value twice`;
    default:
      return `${t} ${err.message ?? 'is not valid'}`;
  }
}

/**
 * The sentence shown under a field (or next to a text) that holds a Harness expression; `start`
 * is how an expression begins (EXPRESSION_START in src/forms/expressions.ts).
 */
export function expressionRefusal(label: string, start: string): string {
  return `${label} cannot contain "${start}": Harness would run it as an expression with the bot's access. Remove it`;
}

/** A number box whose text is not a number (src/slack/read-state.ts). */
export function mustBeANumber(fieldTitle: string): string {
  return `${fieldTitle} must be a number`;
}

/**
 * A choice made from a list that the answers it depends on no longer give (src/slack/submission.ts);
 * `dependsOn` names those answers' fields.
 */
export function chosenForAnother(fieldTitle: string, dependsOn: readonly string[]): string {
  return `${fieldTitle} was chosen for another ${dependsOn.join(' and ')}; choose it again from the list.`;
}
