import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** JSON values as forms and pipelines see them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type FormValues = Record<string, JsonValue>;
/** A JSON Schema (draft-07, react-jsonschema-form dialect, `ui:*` keys allowed inline). */
export type JsonSchema = Record<string, unknown>;

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule.default;

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();

/** Compiles once per distinct schema: forms re-validate the same pages over and over. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (fn === undefined) {
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

export function validateAgainst(schema: JsonSchema, value: unknown): ErrorObject[] {
  const fn = compileSchema(schema);
  return fn(value) ? [] : [...(fn.errors ?? [])];
}

/** Whether a schema is one ajv accepts at all (used when loading workflows). */
export function schemaProblem(schema: JsonSchema): string | undefined {
  try {
    compileSchema(schema);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema without its `ui:*` presentation keys, recursively, as a validator wants it. */
export function stripUiKeys(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripUiKeys);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('ui:')) continue;
    // Slack's time picker gives "HH:mm" without a zone; draft `time` demands one.
    out[k] = k === 'format' && v === 'time' ? 'iso-time' : stripUiKeys(v);
  }
  return out;
}

/** A value counts as given when a person actually entered something. */
export function hasValue(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A value as text: strings as they are, null as empty, anything else as JSON. */
export function toText(v: JsonValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
