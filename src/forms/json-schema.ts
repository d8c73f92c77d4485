import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';
import { errorMessage } from '../errors.js';
import { isRecord } from '../is-record.js';

/** JSON values as forms and pipelines see them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type FormValues = Record<string, JsonValue>;
/** A JSON Schema (draft-07, react-jsonschema-form dialect, `ui:*` keys allowed inline). */
export type JsonSchema = Record<string, unknown>;

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule.default;

/**
 * What ajv says while compiling (e.g. `unknown format "data-url" ignored in schema at path "#"`)
 * is collected here instead of reaching the console: the loader reports it as a warning with
 * the file position, and nothing is printed raw at runtime.
 */
let heard: string[] | undefined;
const listen = (...args: unknown[]): void => {
  heard?.push(args.map(String).join(' '));
};

/** A workflow `pattern` RE2 cannot run (lookaround, backreferences): refused at load. */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(
      `${JSON.stringify(pattern)} cannot be checked in linear time (${reason}); ` +
        'the bot runs patterns on RE2, which has no lookahead, lookbehind or backreferences: rewrite it without them',
    );
  }
}

/**
 * Workflow `pattern`s run on RE2 (through re2js, a pure-JS port), whose matching time is
 * linear in the input: `^(a+)+$` against 34 characters would hold a backtracking engine
 * (JavaScript's RegExp) for minutes, and with it every person using the bot.
 */
function linearTimeRegExp(pattern: string): { test: (s: string) => boolean; toString: () => string } {
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    throw new UnsupportedPatternError(pattern, errorMessage(err));
  }
  // ajv keys its compiled patterns by toString(): each pattern must give its own.
  return { test: (s: string) => re.test(s), toString: () => `re2:${pattern}` };
}
linearTimeRegExp.code = 'linearTimeRegExp';

const ajv = new Ajv({
  allErrors: true,
  strict: false,
  coerceTypes: false,
  useDefaults: false,
  logger: { log: listen, warn: listen, error: listen },
  code: { regExp: linearTimeRegExp },
});
addFormats(ajv);

const compiled = new Map<string, { fn: ValidateFunction; warnings: string[] }>();

/** Compiles once per distinct schema: forms re-validate the same pages over and over. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  return compileWithWarnings(schema).fn;
}

function compileWithWarnings(schema: JsonSchema): { fn: ValidateFunction; warnings: string[] } {
  const key = JSON.stringify(schema);
  let entry = compiled.get(key);
  if (entry === undefined) {
    heard = [];
    try {
      // ajv repeats some warnings; once each is enough.
      entry = { fn: ajv.compile(schema), warnings: [...new Set(heard)] };
    } finally {
      heard = undefined;
    }
    compiled.set(key, entry);
  }
  return entry;
}

/** What the validator warned about when it compiled this schema (empty when it did not compile). */
export function schemaWarnings(schema: JsonSchema): string[] {
  try {
    return [...compileWithWarnings(schema).warnings];
  } catch {
    return [];
  }
}

export function validateAgainst(schema: JsonSchema, value: unknown): ErrorObject[] {
  const fn = compileSchema(schema);
  return fn(value) ? [] : [...(fn.errors ?? [])];
}

/**
 * Why ajv refuses a schema (used when loading workflows), and where in it: a pattern RE2
 * cannot run is placed at its own `pattern` key.
 */
export function schemaProblem(
  schema: JsonSchema,
): { path: (string | number)[]; message: string } | undefined {
  try {
    compileSchema(schema);
    return undefined;
  } catch (err) {
    if (err instanceof UnsupportedPatternError)
      return { path: pathOf(schema, 'pattern', err.pattern) ?? [], message: err.message };
    return { path: [], message: `is not a valid JSON Schema: ${errorMessage(err)}` };
  }
}

/** Where `key: value` first appears inside a schema. */
function pathOf(node: unknown, key: string, value: unknown): (string | number)[] | undefined {
  if (Array.isArray(node) || isRecord(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === key && v === value) return [k];
      const below = pathOf(v, key, value);
      if (below !== undefined) return [Array.isArray(node) ? Number(k) : k, ...below];
    }
  }
  return undefined;
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
