import { describeField } from './form-field.js';
import type { FieldProblem, FormField } from './form-field.js';
import { hasValue, isRecord, validateAgainst } from './json-schema.js';
import type { FormValues, JsonSchema } from './json-schema.js';

/**
 * One page of a workflow form (one entry of `spec.parameters`). Conditional fields come from
 * `dependencies` (array or schema, with oneOf/anyOf/allOf branches) and from allOf/anyOf/oneOf
 * and if/then/else at page level, as react-jsonschema-form reads them.
 */
export interface FormPage {
  index: number;
  title: string;
  description: string | undefined;
  schema: JsonSchema;
  /** Every field the page can ever show, base and conditional, in display order. */
  allFields: FormField[];
  /**
   * Fields whose value decides which conditional fields appear or what another field's picker
   * lists: Slack must tell the bot when they change (options requests never carry them).
   */
  controllingKeys: string[];
}

export interface PageProblem {
  /** Path below the page object. */
  path: (string | number)[];
  message: string;
}

/** The fields a page shows for the values given so far, in display order. */
export function resolvePage(page: FormPage, values: FormValues): FormField[] {
  const c = new Collector();
  collect(page.schema, c, { values, anchor: undefined, path: [] });
  return fieldsOf(c).fields;
}

/** Reads a page once at load time: every possible field, with the problems found. */
export function buildFormPage(
  raw: JsonSchema,
  index: number,
): { page: FormPage; problems: PageProblem[]; warnings: PageProblem[] } {
  const c = new Collector();
  const problems: PageProblem[] = [];
  const warnings: PageProblem[] = [];
  collect(raw, c, { values: undefined, anchor: undefined, path: [], problems, warnings });
  const { fields, fieldProblems, fieldWarnings } = fieldsOf(c);
  problems.push(...fieldProblems);
  warnings.push(...fieldWarnings);
  for (const key of c.required) {
    if (!c.props.has(key))
      problems.push({
        path: ['required'],
        message: `"${key}" is listed as required but is not a property of this page; add it or remove it from required`,
      });
  }
  for (const key of c.controlling) {
    if (!c.props.has(key))
      problems.push({
        path: ['dependencies'],
        message: `the condition refers to "${key}", which is not a property of this page`,
      });
  }
  const title = typeof raw.title === 'string' && raw.title.trim() !== '' ? raw.title : `Page ${index + 1}`;
  return {
    page: {
      index,
      title,
      description: typeof raw.description === 'string' ? raw.description : undefined,
      schema: raw,
      allFields: fields,
      controllingKeys: [
        ...new Set([
          ...c.controlling,
          ...fields.flatMap((f) => (f.input.type === 'picker' ? f.input.source.dependsOn : [])),
        ]),
      ].filter((k) => c.props.has(k)),
    },
    problems,
    warnings,
  };
}

class Collector {
  readonly order: string[] = [];
  readonly props = new Map<string, { schema: JsonSchema; path: (string | number)[] }>();
  readonly required = new Set<string>();
  readonly controlling = new Set<string>();
  private readonly tails = new Map<string, string>();

  add(key: string, schema: JsonSchema, path: (string | number)[], anchor: string | undefined): void {
    if (this.props.has(key)) return;
    this.props.set(key, { schema, path });
    if (anchor === undefined || !this.order.includes(anchor)) {
      this.order.push(key);
      return;
    }
    const after = this.tails.get(anchor) ?? anchor;
    this.order.splice(this.order.indexOf(after) + 1, 0, key);
    this.tails.set(anchor, key);
  }
}

interface Walk {
  /** undefined = load time: take every branch, to know every field the page may show. */
  values: FormValues | undefined;
  anchor: string | undefined;
  path: (string | number)[];
  problems?: PageProblem[];
  warnings?: PageProblem[];
}

function collect(schema: JsonSchema, c: Collector, w: Walk): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const key of ordered(Object.keys(properties), schema['ui:order'])) {
    const prop = properties[key];
    if (!isRecord(prop)) {
      w.problems?.push({
        path: [...w.path, 'properties', key],
        message: 'must be a mapping (a JSON Schema)',
      });
      continue;
    }
    c.add(key, prop, [...w.path, 'properties', key], w.anchor);
  }
  if (Array.isArray(schema.required)) {
    for (const r of schema.required) if (typeof r === 'string') c.required.add(r);
  }
  if (isRecord(schema.dependencies)) {
    for (const [key, dep] of Object.entries(schema.dependencies)) {
      c.controlling.add(key);
      if (w.values !== undefined && !hasValue(w.values[key])) continue;
      if (Array.isArray(dep)) {
        for (const r of dep) if (typeof r === 'string') c.required.add(r);
      } else if (isRecord(dep)) {
        collect(dep, c, { ...w, anchor: key, path: [...w.path, 'dependencies', key] });
      }
    }
  }
  for (const combinator of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = schema[combinator];
    if (!Array.isArray(branches)) continue;
    let taken = false;
    branches.forEach((branch, i) => {
      if (!isRecord(branch)) return;
      const path = [...w.path, combinator, i];
      const selector = selectorOf(branch, c);
      for (const k of selector) c.controlling.add(k);
      if (combinator !== 'allOf' && selector.length === 0) {
        w.warnings?.push({
          path,
          message: `this ${combinator} branch constrains no field the person fills, so it never applies in Slack`,
        });
        return;
      }
      const applies =
        w.values === undefined ||
        combinator === 'allOf' ||
        (!(combinator === 'oneOf' && taken) && matches(branch, selector, w.values));
      if (!applies) return;
      taken = true;
      collect(branch, c, { ...w, anchor: selector.at(-1) ?? w.anchor, path });
    });
  }
  if (isRecord(schema.if)) {
    const condition = schema.if;
    const keys = isRecord(condition.properties) ? Object.keys(condition.properties) : [];
    for (const k of keys) c.controlling.add(k);
    const anchor = keys.at(-1) ?? w.anchor;
    const values = w.values;
    // Neither branch applies until the condition's fields are answered.
    const answered = values === undefined || keys.every((k) => hasValue(values[k]));
    const holds = values === undefined ? undefined : matches(condition, keys, values);
    if (answered && isRecord(schema.then) && holds !== false)
      collect(schema.then, c, { ...w, anchor, path: [...w.path, 'then'] });
    if (answered && isRecord(schema.else) && holds !== true)
      collect(schema.else, c, { ...w, anchor, path: [...w.path, 'else'] });
  }
}

/** The fields a branch constrains that were already on the page: its condition. */
function selectorOf(branch: JsonSchema, c: Collector): string[] {
  const props = isRecord(branch.properties) ? Object.keys(branch.properties) : [];
  return props.filter((k) => c.props.has(k));
}

/** A condition holds only when its fields were filled and satisfy it (absent never matches). */
function matches(branch: JsonSchema, keys: string[], values: FormValues): boolean {
  const props = isRecord(branch.properties) ? branch.properties : {};
  const properties: Record<string, unknown> = {};
  for (const k of keys) {
    if (!hasValue(values[k])) return false;
    properties[k] = props[k];
  }
  return validateAgainst({ type: 'object', properties, required: keys }, values).length === 0;
}

function ordered(keys: string[], uiOrder: unknown): string[] {
  if (!Array.isArray(uiOrder)) return keys;
  const order = uiOrder.filter((k): k is string => typeof k === 'string');
  const rest = keys.filter((k) => !order.includes(k));
  const out: string[] = [];
  for (const k of order) {
    if (k === '*') out.push(...rest);
    else if (keys.includes(k)) out.push(k);
  }
  if (!order.includes('*')) out.push(...rest);
  return out;
}

function fieldsOf(c: Collector): {
  fields: FormField[];
  fieldProblems: PageProblem[];
  fieldWarnings: PageProblem[];
} {
  const fields: FormField[] = [];
  const fieldProblems: PageProblem[] = [];
  const fieldWarnings: PageProblem[] = [];
  const at = (base: (string | number)[], p: FieldProblem): PageProblem => ({
    path: [...base, ...p.path],
    message: p.message,
  });
  for (const key of c.order) {
    const entry = c.props.get(key);
    if (entry === undefined) continue;
    const { field, problems, warnings } = describeField(key, entry.schema, c.required.has(key));
    fieldProblems.push(
      ...problems.map((p) =>
        at(entry.path, {
          ...p,
          message: `field "${key}" ${p.path.length === 0 ? '' : `(${p.path.join('.')}) `}${p.message}`,
        }),
      ),
    );
    fieldWarnings.push(
      ...warnings.map((p) => at(entry.path, { ...p, message: `field "${key}": ${p.message}` })),
    );
    if (field !== undefined) fields.push(field);
  }
  return { fields, fieldProblems, fieldWarnings };
}
