import { sameEntity } from '../harness-model/entity-ref.js';
import type { Binding } from '../catalogue/bindings.js';
import type { Workflow } from '../catalogue/workflow.js';
import type { FormField } from './form-field.js';
import { toText } from './json-schema.js';
import type { FormValues } from './json-schema.js';
import { resolvePickerParams } from './option-source.js';
import { untilAborted } from '../until-aborted.js';
import {
  ignoredWord,
  lookupTooSlow,
  needsFirst,
  notAChoice,
  notANumber,
  notExactlyOne,
  notFromCommandLine,
  pickedFromList,
} from '../../blocks/form-text.js';
import type { OptionSource } from '../ports/option-source.js';

/**
 * Text after a slash command fills the binding's `prefill` fields in order, but only where a
 * word maps to one value without doubt: an exact option of a choice, exactly one match of a
 * picker, any text for a text field. Everything else is left empty and explained, never guessed.
 */
export async function prefillFromText(
  workflow: Workflow,
  binding: Binding,
  text: string,
  options: OptionSource | undefined,
  timeoutMs = 800,
): Promise<{ values: FormValues; notes: string[] }> {
  const words = text.trim() === '' ? [] : text.trim().split(/\s+/);
  const fields = new Map(workflow.pages.flatMap((p) => p.allFields.map((f) => [f.key, f] as const)));
  const values: FormValues = {};
  const notes: string[] = [];
  for (const [i, word] of words.entries()) {
    const key = binding.prefill[i];
    const field = key === undefined ? undefined : fields.get(key);
    if (field === undefined) {
      notes.push(ignoredWord(word, binding.command ?? '/idp run', binding.prefill));
      continue;
    }
    const r = await valueFor(workflow, field, word, values, options, timeoutMs);
    if ('value' in r) values[field.key] = r.value;
    else notes.push(r.note);
  }
  return { values, notes };
}

async function valueFor(
  workflow: Workflow,
  field: FormField,
  word: string,
  values: FormValues,
  options: OptionSource | undefined,
  timeoutMs: number,
): Promise<{ value: string | number } | { note: string }> {
  const input = field.input;
  switch (input.type) {
    case 'text':
      return { value: word };
    case 'number':
      return Number.isFinite(Number(word))
        ? { value: Number(word) }
        : { note: notANumber(word, field.title) };
    case 'choice': {
      const lower = word.toLowerCase();
      const matches = input.options.filter(
        (o) => toText(o.value).toLowerCase() === lower || o.label.toLowerCase() === lower,
      );
      const only = matches[0];
      return matches.length === 1 &&
        only !== undefined &&
        (typeof only.value === 'string' || typeof only.value === 'number')
        ? { value: only.value }
        : { note: notAChoice(word, field.title) };
    }
    case 'picker': {
      if (options === undefined) return { note: pickedFromList(field.title) };
      const params = resolvePickerParams(input.source, values);
      if (!params.ok) return { note: needsFirst(field.title, params.missing) };
      const signal = AbortSignal.timeout(timeoutMs);
      const found = await untilAborted(
        options.search(
          {
            workflowId: workflow.id,
            field: field.key,
            source: input.source,
            params: params.params,
            text: word,
          },
          signal,
        ),
        signal,
        () => undefined,
      ).catch(() => undefined);
      if (found === undefined) return { note: lookupTooSlow(word, field.title) };
      const lower = word.toLowerCase();
      const catalog = input.source.endpoint === 'catalogEntities';
      const exact = found.filter(
        (o) =>
          o.value.toLowerCase() === lower ||
          // An owner written as IDP or Backstage writes it (`group:default/sre`) is the catalog's entity.
          (catalog && sameEntity(word, o.value)) ||
          o.label.toLowerCase() === lower ||
          o.label.toLowerCase().startsWith(`${lower} (`),
      );
      const pick = exact.length === 1 ? exact[0] : found.length === 1 ? found[0] : undefined;
      return pick === undefined ? { note: notExactlyOne(word, field.title) } : { value: pick.value };
    }
    default:
      return { note: notFromCommandLine(field.title) };
  }
}
