import type { ErrorObject } from 'ajv';
import { expressionError } from './expressions.js';
import type { FormField } from './form-field.js';
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
          ? `${t} must be a number`
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
