import { toText } from '../forms/json-schema.js';
import type { JsonValue } from '../forms/json-schema.js';

/**
 * The `${{ parameters.x | filter(arg) }}` expressions of a workflow's `inputset`, parsed once
 * at load time so that anything the bot cannot evaluate is a load error, not a failed run.
 * Supported: `parameters.<key>` (dot or ['key'] access), the method `.join(sep)`, and the
 * filters real workflows use: join, lower, upper, trim, default, replace, dump, first, last, length.
 */
export interface Filter {
  name: FilterName;
  args: (string | number)[];
}
const FILTERS = [
  'join',
  'lower',
  'upper',
  'trim',
  'default',
  'replace',
  'dump',
  'first',
  'last',
  'length',
] as const;
type FilterName = (typeof FILTERS)[number];

export interface Expression {
  source: string;
  /** The form field it reads. */
  key: string;
  /** Deeper access into the value (rare: object values). */
  path: string[];
  filters: Filter[];
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; expr: Expression };

export interface Template {
  /** A literal that is not a string (a number or boolean in the YAML). */
  literal?: JsonValue;
  parts: TemplatePart[];
}

const EXPR = /\$\{\{([\s\S]*?)\}\}/g;

export function parseTemplate(value: unknown): { template: Template } | { error: string } {
  if (typeof value !== 'string') {
    if (value === null || ['number', 'boolean'].includes(typeof value))
      return { template: { literal: value as JsonValue, parts: [] } };
    return { error: 'must be a string, number or boolean' };
  }
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of value.matchAll(EXPR)) {
    const start = m.index;
    if (start > last) parts.push({ kind: 'text', text: value.slice(last, start) });
    const parsed = parseExpression((m[1] ?? '').trim());
    if ('error' in parsed) return { error: `cannot evaluate "${m[0]}": ${parsed.error}` };
    parts.push({ kind: 'expr', expr: parsed.expr });
    last = start + m[0].length;
  }
  if (last < value.length) parts.push({ kind: 'text', text: value.slice(last) });
  if (parts.some((p) => p.kind === 'text' && p.text.includes('${{'))) {
    return { error: `"${value}" has an unclosed \${{ … }} expression` };
  }
  return { template: { parts } };
}

type Token = { t: 'id' | 'str' | 'num' | 'punct'; v: string };

function tokenize(src: string): Token[] | { error: string } {
  const tokens: Token[] = [];
  const re =
    /\s*(?:([A-Za-z_$][\w$-]*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|([.[\](),|]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (m === null) return { error: `unexpected "${src.slice(pos).trim().slice(0, 10)}"` };
    if (m[1] !== undefined) tokens.push({ t: 'id', v: m[1] });
    else if (m[2] !== undefined) tokens.push({ t: 'str', v: m[2].replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) tokens.push({ t: 'str', v: m[3].replace(/\\(.)/g, '$1') });
    else if (m[4] !== undefined) tokens.push({ t: 'num', v: m[4] });
    else tokens.push({ t: 'punct', v: m[5] ?? '' });
    pos = re.lastIndex;
  }
  return tokens;
}

function parseExpression(src: string): { expr: Expression } | { error: string } {
  const tokens = tokenize(src);
  if ('error' in tokens) return tokens;
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isPunct = (v: string): boolean => peek()?.t === 'punct' && peek()?.v === v;
  const root = tokens[i++];
  if (root?.t !== 'id' || root.v !== 'parameters') {
    return { error: 'only values of the form (parameters.<field>) can be evaluated by the bot' };
  }
  const path: string[] = [];
  const filters: Filter[] = [];
  const args = (): (string | number)[] | { error: string } => {
    const out: (string | number)[] = [];
    if (!isPunct('(')) return out;
    i++;
    while (!isPunct(')')) {
      const tok = tokens[i++];
      if (tok === undefined) return { error: 'missing ")"' };
      if (tok.t === 'str') out.push(tok.v);
      else if (tok.t === 'num') out.push(Number(tok.v));
      else return { error: `unexpected "${tok.v}" in arguments; use quoted strings or numbers` };
      if (isPunct(',')) i++;
    }
    i++;
    return out;
  };
  while (isPunct('.') || isPunct('[')) {
    const punct = tokens[i++];
    const tok = tokens[i++];
    if (punct?.v === '[') {
      if (tok?.t !== 'str' || !isPunct(']')) return { error: "use ['name'] with a quoted name" };
      i++;
      path.push(tok.v);
    } else if (tok?.t === 'id' && tok.v === 'join' && isPunct('(')) {
      const a = args();
      if ('error' in a) return a;
      filters.push({ name: 'join', args: a });
    } else if (tok?.t === 'id') {
      path.push(tok.v);
    } else {
      return { error: 'expected a field name after "."' };
    }
  }
  while (isPunct('|')) {
    i++;
    const name = tokens[i++];
    if (name?.t !== 'id' || !(FILTERS as readonly string[]).includes(name.v)) {
      return { error: `unknown filter "${name?.v ?? ''}"; supported: ${FILTERS.join(', ')}` };
    }
    const a = args();
    if ('error' in a) return a;
    filters.push({ name: name.v as FilterName, args: a });
  }
  if (i < tokens.length) return { error: `unexpected "${tokens[i]?.v ?? ''}"` };
  const [key, ...rest] = path;
  if (key === undefined) return { error: 'name a field: parameters.<field>' };
  return { expr: { source: src, key, path: rest, filters } };
}

/** Whether the expression's result is a scalar (pipeline variables hold no lists). */
export function yieldsScalar(expr: Expression, fieldIsList: boolean): boolean {
  let list = fieldIsList && expr.path.length === 0;
  for (const f of expr.filters) {
    if (
      f.name === 'join' ||
      f.name === 'dump' ||
      f.name === 'length' ||
      f.name === 'first' ||
      f.name === 'last'
    )
      list = false;
  }
  return !list;
}

/**
 * Evaluates against the form's values. A template that is one expression keeps the value's
 * type; text around expressions makes a string.
 */
export function evaluateTemplate(template: Template, values: Record<string, JsonValue>): JsonValue {
  if (template.literal !== undefined) return template.literal;
  const only = template.parts.length === 1 ? template.parts[0] : undefined;
  if (only?.kind === 'expr') return evaluate(only.expr, values);
  return template.parts
    .map((p) => (p.kind === 'text' ? p.text : stringify(evaluate(p.expr, values))))
    .join('');
}

function evaluate(expr: Expression, values: Record<string, JsonValue>): JsonValue {
  let v: JsonValue = values[expr.key] ?? null;
  for (const seg of expr.path) {
    v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v[seg] ?? null) : null;
  }
  for (const f of expr.filters) v = applyFilter(f, v);
  return v;
}

function applyFilter(f: Filter, v: JsonValue): JsonValue {
  const arg = (n: number, fallback: string): string => {
    const a = f.args[n];
    return a === undefined ? fallback : String(a);
  };
  switch (f.name) {
    case 'join':
      return Array.isArray(v) ? v.map(stringify).join(arg(0, ',')) : stringify(v);
    case 'lower':
      return stringify(v).toLowerCase();
    case 'upper':
      return stringify(v).toUpperCase();
    case 'trim':
      return stringify(v).trim();
    case 'default':
      return v === null || v === '' ? (f.args[0] ?? '') : v;
    case 'replace':
      return stringify(v).split(arg(0, '')).join(arg(1, ''));
    case 'dump':
      return JSON.stringify(v);
    case 'first':
      return Array.isArray(v) ? (v[0] ?? null) : v;
    case 'last':
      return Array.isArray(v) ? (v.at(-1) ?? null) : v;
    case 'length':
      return Array.isArray(v) || typeof v === 'string' ? v.length : 0;
  }
}

/** Pipeline variables are text. */
export const stringify = toText;
