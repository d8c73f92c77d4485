import { isRecord } from '../is-record.js';
import type { JsonSchema, JsonValue } from './json-schema.js';

/**
 * A nested `object` property with fields of its own: rjsf's ObjectField renders it as a
 * titled group of them (https://rjsf-team.github.io/react-jsonschema-form/docs/json-schema/objects/).
 * A custom `ui:field` on an object is someone's widget, not a group.
 */
export function isFieldGroup(prop: JsonSchema): boolean {
  if (typeof prop['ui:field'] === 'string') return false;
  const objectType = prop.type === 'object' || (prop.type === undefined && isRecord(prop.properties));
  const combinator = [prop.oneOf, prop.anyOf].some(
    (b) => Array.isArray(b) && b.length > 0 && b.every((x) => isRecord(x) && !('const' in x)),
  );
  return objectType && (isRecord(prop.properties) || combinator);
}

/** An object's `default` fills the defaults of its fields, as rjsf's computeDefaults does. */
export function withGroupDefaults(group: JsonSchema): JsonSchema {
  const defaults = group.default;
  if (!isRecord(defaults) || !isRecord(group.properties)) return group;
  const properties: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(group.properties)) {
    properties[name] =
      isRecord(prop) && prop.default === undefined && defaults[name] !== undefined
        ? { ...prop, default: defaults[name] }
        : prop;
  }
  return { ...group, properties };
}

/**
 * The choose-one select's name: rjsf ids it `<id>__oneof_select` / `__anyof_select`. On a
 * page itself the page number is part of it, so pages never share the answer.
 */
export function chooserName(page: number, prefix: readonly string[], combinator: 'oneOf' | 'anyOf'): string {
  const name = `__${combinator.toLowerCase()}_select`;
  return prefix.length === 0 ? `${name}${page + 1}` : name;
}

/**
 * The select's schema: one option per branch, by title ("Option N" as rjsf words an untitled
 * one). Inside an object, whose title already heads the group, it is labelled "Choose one".
 */
export function chooserSchema(
  owner: JsonSchema,
  branches: readonly JsonSchema[],
  nested: boolean,
): JsonSchema {
  const titles = branchTitles(branches);
  const title = typeof owner.title === 'string' && owner.title.trim() !== '' ? owner.title : undefined;
  return {
    title: nested || title === undefined ? 'Choose one' : title,
    type: 'string',
    enum: titles,
    default: titles[0],
    'ui:widget': 'select',
  };
}

/** Which branch an answer picks; the first until someone chooses (rjsf starts there too). */
export function chosenBranch(chooser: JsonSchema, answer: JsonValue | undefined): number {
  const titles = Array.isArray(chooser.enum) ? chooser.enum : [];
  const i = titles.indexOf(answer);
  return i < 0 ? 0 : i;
}

function branchTitles(branches: readonly JsonSchema[]): string[] {
  const seen = new Set<string>();
  return branches.map((b, i) => {
    const title = typeof b.title === 'string' && b.title.trim() !== '' ? b.title.trim() : `Option ${i + 1}`;
    // Titles are the answers, so two alike would be one; number the later one.
    const unique = seen.has(title) ? `${title} (${i + 1})` : title;
    seen.add(unique);
    return unique;
  });
}
