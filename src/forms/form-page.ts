import { Collector, fieldsOf, ordered } from './field-collector.js';
import type { PageProblem } from './field-collector.js';
import type { FormField } from './form-field.js';
import { chooserName, chooserSchema, chosenBranch, isFieldGroup, withGroupDefaults } from './form-groups.js';
import { hasValue, validateAgainst } from './json-schema.js';
import { isRecord } from '../is-record.js';
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

export type { PageProblem } from './field-collector.js';

/** The fields a page shows for the values given so far, in display order. */
/** The fields a page shows for these answers (none past the last page): what its modal draws. */
export function fieldsOfPage(page: FormPage | undefined, values: FormValues): FormField[] {
  return page === undefined ? [] : resolvePage(page, values);
}

export function resolvePage(page: FormPage, values: FormValues): FormField[] {
  const c = new Collector();
  collect(page.schema, c, {
    values,
    anchor: undefined,
    path: [],
    prefix: [],
    page: page.index,
    branch: undefined,
  });
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
  collect(raw, c, {
    values: undefined,
    anchor: undefined,
    path: [],
    prefix: [],
    page: index,
    branch: undefined,
    problems,
    warnings,
  });
  const { fields, fieldProblems, fieldWarnings } = fieldsOf(c);
  problems.push(...fieldProblems);
  warnings.push(...fieldWarnings);
  for (const key of c.required) {
    // A required object is fine: rjsf then requires the fields its own `required` lists.
    if (!c.props.has(key) && !c.groups.has(key))
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

interface Walk {
  /** undefined = load time: take every branch, to know every field the page may show. */
  values: FormValues | undefined;
  anchor: string | undefined;
  path: (string | number)[];
  /** Property names of the nested object being walked ([] for the page itself). */
  prefix: string[];
  page: number;
  /** The choose-one branch being walked, if any. */
  branch: FormField['branchOf'];
  problems?: PageProblem[];
  warnings?: PageProblem[];
}

const keyOf = (w: Walk, name: string): string => [...w.prefix, name].join('.');

function collect(schema: JsonSchema, c: Collector, w: Walk): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const name of ordered(Object.keys(properties), schema['ui:order'])) {
    const prop = properties[name];
    const path = [...w.path, 'properties', name];
    if (!isRecord(prop)) {
      w.problems?.push({ path, message: 'must be a mapping (a JSON Schema)' });
      continue;
    }
    if (w.prefix.length > 0 && name.includes('.')) {
      w.problems?.push({
        path,
        message: `"${name}" has a "." in its name, which the bot uses to reach fields inside objects; rename it`,
      });
      continue;
    }
    const key = keyOf(w, name);
    if (isFieldGroup(prop)) {
      // rjsf renders a nested object as a titled group of its own properties.
      const title = typeof prop.title === 'string' && prop.title.trim() !== '' ? prop.title : name;
      const description = typeof prop.description === 'string' ? prop.description : undefined;
      c.groups.set(key, { key, title, description });
      collect(withGroupDefaults(prop), c, { ...w, path, prefix: [...w.prefix, name] });
      continue;
    }
    c.add(key, { schema: prop, path, names: [...w.prefix, name], branch: w.branch }, w.anchor);
  }
  if (Array.isArray(schema.required)) {
    for (const r of schema.required) if (typeof r === 'string') c.required.add(keyOf(w, r));
  }
  if (isRecord(schema.dependencies)) {
    for (const [name, dep] of Object.entries(schema.dependencies)) {
      const key = keyOf(w, name);
      c.controlling.add(key);
      if (w.values !== undefined && !hasValue(w.values[key])) continue;
      if (Array.isArray(dep)) {
        for (const r of dep) if (typeof r === 'string') c.required.add(keyOf(w, r));
      } else if (isRecord(dep)) {
        collect(dep, c, { ...w, anchor: key, path: [...w.path, 'dependencies', name] });
      }
    }
  }
  for (const combinator of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = schema[combinator];
    if (!Array.isArray(branches)) continue;
    if (combinator !== 'allOf' && undiscriminated(branches, c, w)) {
      chooseOne(schema, combinator, branches, c, w);
      continue;
    }
    let taken = false;
    branches.forEach((branch, i) => {
      if (!isRecord(branch)) return;
      const path = [...w.path, combinator, i];
      const selector = selectorOf(branch, c, w);
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
        (!(combinator === 'oneOf' && taken) && matches(branch, selector, w));
      if (!applies) return;
      taken = true;
      collect(branch, c, { ...w, anchor: selector.at(-1) ?? w.anchor, path });
    });
  }
  if (isRecord(schema.if)) {
    const condition = schema.if;
    const keys = isRecord(condition.properties)
      ? Object.keys(condition.properties).map((k) => keyOf(w, k))
      : [];
    for (const k of keys) c.controlling.add(k);
    const anchor = keys.at(-1) ?? w.anchor;
    const values = w.values;
    // Neither branch applies until the condition's fields are answered.
    const answered = values === undefined || keys.every((k) => hasValue(values[k]));
    const holds = values === undefined ? undefined : matches(condition, keys, w);
    if (answered && isRecord(schema.then) && holds !== false)
      collect(schema.then, c, { ...w, anchor, path: [...w.path, 'then'] });
    if (answered && isRecord(schema.else) && holds !== true)
      collect(schema.else, c, { ...w, anchor, path: [...w.path, 'else'] });
  }
}

/** Branches that are all mappings and none constrains a field already on the page. */
function undiscriminated(branches: unknown[], c: Collector, w: Walk): branches is JsonSchema[] {
  return branches.length > 1 && branches.every((b) => isRecord(b) && selectorOf(b, c, w).length === 0);
}

/**
 * rjsf's MultiSchemaField: when nothing in the data tells the branches apart, the form shows
 * a select of the branch titles and then the chosen branch's fields
 * (https://rjsf-team.github.io/react-jsonschema-form/docs/json-schema/oneof/). The select is a
 * field of its own that dispatches, so Slack asks for the page again when it changes.
 */
function chooseOne(
  schema: JsonSchema,
  combinator: 'oneOf' | 'anyOf',
  branches: JsonSchema[],
  c: Collector,
  w: Walk,
): void {
  const name = chooserName(w.page, w.prefix, combinator);
  const key = keyOf(w, name);
  const chooser = chooserSchema(schema, branches, w.prefix.length > 0);
  c.add(
    key,
    { schema: chooser, path: [...w.path, combinator], names: [...w.prefix, name], branch: w.branch },
    w.anchor,
  );
  const answers = Array.isArray(chooser.enum) ? chooser.enum.map(String) : [];
  c.controlling.add(key);
  c.choosers.add(key);
  c.required.add(key);
  const chosen = w.values === undefined ? undefined : chosenBranch(chooser, w.values[key]);
  branches.forEach((branch, i) => {
    if (chosen !== undefined && chosen !== i) return;
    const answer = answers[i] ?? '';
    collect(branch, c, {
      ...w,
      anchor: key,
      path: [...w.path, combinator, i],
      branch: { chooser: key, answer },
    });
  });
}

/** The fields a branch constrains that were already on the page: its condition (full keys). */
function selectorOf(branch: JsonSchema, c: Collector, w: Walk): string[] {
  const props = isRecord(branch.properties) ? Object.keys(branch.properties) : [];
  return props.map((k) => keyOf(w, k)).filter((k) => c.props.has(k));
}

/** A condition holds only when its fields were filled and satisfy it (absent never matches). */
function matches(branch: JsonSchema, keys: string[], w: Walk): boolean {
  const values = w.values ?? {};
  const props = isRecord(branch.properties) ? branch.properties : {};
  const properties: Record<string, unknown> = {};
  const local: FormValues = {};
  for (const key of keys) {
    const value = values[key];
    if (value === undefined || !hasValue(value)) return false;
    const name = key.slice(w.prefix.length === 0 ? 0 : w.prefix.join('.').length + 1);
    properties[name] = props[name];
    local[name] = value;
  }
  return validateAgainst({ type: 'object', properties, required: Object.keys(local) }, local).length === 0;
}
