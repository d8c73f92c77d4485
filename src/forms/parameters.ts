import type { FormField } from './form-field.js';
import { isRecord } from '../is-record.js';
import type { FormValues, JsonValue } from './json-schema.js';

/**
 * The answers as the workflow's `parameters`, the object IDP hands to `${{ parameters.… }}`:
 * fields of nested objects reassembled into objects (`{ database: { name, size } }`) and
 * choose-one selects left out (rjsf keeps only the chosen branch's data). Answers the form
 * does not know stay as they are.
 */
export function toParameters(fields: readonly FormField[], values: FormValues): FormValues {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const out: FormValues = {};
  for (const [key, value] of Object.entries(values)) {
    const field = byKey.get(key);
    if (field?.chooser === true) continue;
    setAt(out, field?.path ?? [key], value);
  }
  return out;
}

function setAt(target: Record<string, JsonValue>, path: readonly string[], value: JsonValue): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const existing = target[head];
  const child: Record<string, JsonValue> = isRecord(existing) ? existing : {};
  target[head] = child;
  setAt(child, rest, value);
}

export type Reference =
  { kind: 'field'; field: FormField; rest: string[] } | { kind: 'group'; example: string } | { kind: 'none' };

/**
 * What `parameters.<path>` reads: a field (with any access beyond it), a nested object as a
 * whole (`parameters.database`), or nothing on the form. Choose-one selects are not parameters.
 */
export function referenceOf(fields: readonly FormField[], path: readonly string[]): Reference {
  let best: FormField | undefined;
  for (const f of fields) {
    if (f.chooser || f.path.length > path.length) continue;
    if (f.path.every((seg, i) => seg === path[i]) && (best === undefined || f.path.length > best.path.length))
      best = f;
  }
  if (best !== undefined) return { kind: 'field', field: best, rest: path.slice(best.path.length) };
  const inside = fields.find(
    (f) => !f.chooser && f.path.length > path.length && path.every((seg, i) => seg === f.path[i]),
  );
  return inside === undefined ? { kind: 'none' } : { kind: 'group', example: inside.path.join('.') };
}

/**
 * The reverse of toParameters, for answers written by hand (`idp-chatops inputs --values`):
 * `{ database: { name } }` becomes `database.name`; keys already flat stay as they are.
 */
export function fromParameters(fields: readonly FormField[], values: FormValues): FormValues {
  const keys = new Set(fields.map((f) => f.key));
  const out: FormValues = {};
  const walk = (prefix: readonly string[], object: Record<string, JsonValue>): void => {
    for (const [name, value] of Object.entries(object)) {
      const path = [...prefix, name];
      const key = path.join('.');
      const group =
        !keys.has(key) &&
        fields.some((f) => f.path.length > path.length && path.every((s, i) => f.path[i] === s));
      if (group && isRecord(value)) walk(path, value);
      else out[key] = value;
    }
  };
  walk([], values);
  // As rjsf picks the option the data matches: a branch whose fields were answered is chosen.
  for (const f of fields) {
    const chooser = f.branchOf?.chooser;
    if (f.branchOf === undefined || chooser === undefined || out[chooser] !== undefined) continue;
    if (out[f.key] !== undefined) out[chooser] = f.branchOf.answer;
  }
  return out;
}
