import { describeField } from './form-field.js';
import type { FieldGroup, FieldProblem, FormField } from './form-field.js';
import type { JsonSchema } from './json-schema.js';

/** A problem below the page object, at its path. */
export interface PageProblem {
  path: (string | number)[];
  message: string;
}

export interface Prop {
  schema: JsonSchema;
  /** Where it is in the page (YAML path). */
  path: (string | number)[];
  /** Property names down to it. */
  names: string[];
  /** The choose-one branch it belongs to. */
  branch: FormField['branchOf'];
}

/** What a walk over a page schema found: properties in display order, and what they need. */
export class Collector {
  readonly order: string[] = [];
  readonly props = new Map<string, Prop>();
  readonly required = new Set<string>();
  readonly controlling = new Set<string>();
  readonly groups = new Map<string, FieldGroup>();
  readonly choosers = new Set<string>();
  private readonly tails = new Map<string, string>();

  add(key: string, prop: Prop, anchor: string | undefined): void {
    if (this.props.has(key)) return;
    this.props.set(key, prop);
    if (anchor === undefined || !this.order.includes(anchor)) {
      this.order.push(key);
      return;
    }
    const after = this.tails.get(anchor) ?? anchor;
    this.order.splice(this.order.indexOf(after) + 1, 0, key);
    this.tails.set(anchor, key);
  }
}

export function ordered(keys: string[], uiOrder: unknown): string[] {
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

export function fieldsOf(c: Collector): {
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
    const name = entry.names.at(-1) ?? key;
    const described = describeField(name, entry.schema, c.required.has(key));
    const { problems, warnings } = described;
    const field: FormField | undefined =
      described.field === undefined
        ? undefined
        : {
            ...described.field,
            key,
            path: entry.names,
            groups: entry.names.flatMap((_, i) => {
              const g = c.groups.get(entry.names.slice(0, i).join('.'));
              return g === undefined ? [] : [g];
            }),
            chooser: c.choosers.has(key),
            branchOf: entry.branch,
          };
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
