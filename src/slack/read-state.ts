import { mustBeANumber } from '../../blocks/form-errors.js';
import { dependencyRevision, fieldBlockId, parseFieldBlockId } from '../../blocks/ids.js';
import type { FormField } from '../forms/form-field.js';
import type { FormPage } from '../forms/form-page.js';
import { isRecord } from '../is-record.js';
import type { FormValues, JsonValue } from '../forms/json-schema.js';

export interface PageState {
  values: FormValues;
  errors: Record<string, string>;
  /** Field key → the block id it was read from (errors must name the block on screen). */
  blockIds: Record<string, string>;
}

/**
 * Turns Slack's `view.state.values` for one page into typed values. Slack sends numbers as
 * strings and choices as the option index the builder gave them; nothing here trusts the
 * payload's shape. Empty inputs are left out, so "not answered" is simply absent.
 */
export function readPageState(fields: readonly FormField[], page: number, state: unknown): PageState {
  const values: FormValues = {};
  const errors: Record<string, string> = {};
  const byKey = new Map<string, [string, unknown]>();
  for (const [blockId, block] of Object.entries(isRecord(state) ? state : {})) {
    const id = parseFieldBlockId(blockId);
    if (id?.page === page) byKey.set(id.key, [blockId, block]);
  }
  const blockIds: Record<string, string> = {};
  for (const field of fields) {
    if (field.visibility !== 'shown') continue;
    const [blockId, block] = byKey.get(field.key) ?? [];
    if (blockId === undefined || !isRecord(block)) continue;
    blockIds[field.key] = blockId;
    const action = Object.values(block)[0];
    if (!isRecord(action)) continue;
    const r = readValue(field, action);
    if ('error' in r) errors[field.key] = r.error;
    else if (r.value !== undefined) values[field.key] = r.value;
  }
  return { values, errors, blockIds };
}

/**
 * Pickers answered under other answers than the ones now given: the infrastructure chosen
 * from one environment's list while the environment now says another. Their block id carries
 * the revision of the answers their list was shown for.
 */
export function staleChoices(fields: readonly FormField[], read: PageState, values: FormValues): FormField[] {
  return fields.filter((f) => {
    const blockId = read.blockIds[f.key];
    if (f.input.type !== 'picker' || blockId === undefined || read.values[f.key] === undefined) return false;
    return parseFieldBlockId(blockId)?.revision !== dependencyRevision(f.input.source.dependsOn, values);
  });
}

type Read = { value: JsonValue | undefined } | { error: string };

function readValue(field: FormField, a: Record<string, unknown>): Read {
  const input = field.input;
  const text = typeof a.value === 'string' ? a.value : undefined;
  switch (input.type) {
    case 'text': {
      const v = input.multiline ? text?.replace(/\s+$/, '') : text?.trim();
      return { value: v === undefined || v === '' ? undefined : v };
    }
    case 'list': {
      const lines = (text ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      return { value: lines.length === 0 ? undefined : lines };
    }
    case 'number': {
      if (text === undefined || text.trim() === '') return { value: undefined };
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: mustBeANumber(field.title) };
      return { value: n };
    }
    case 'date':
      return { value: typeof a.selected_date === 'string' ? a.selected_date : undefined };
    case 'time':
      return { value: typeof a.selected_time === 'string' ? `${a.selected_time}:00` : undefined };
    case 'datetime':
      return {
        value:
          typeof a.selected_date_time === 'number'
            ? new Date(a.selected_date_time * 1000).toISOString()
            : undefined,
      };
    case 'boolean':
      return { value: Array.isArray(a.selected_options) && a.selected_options.length > 0 };
    case 'choice': {
      const picked = isRecord(a.selected_option) ? a.selected_option.value : undefined;
      if (typeof picked !== 'string') return { value: undefined };
      const option = input.options[Number(picked)];
      return option === undefined
        ? { error: `${field.title}: choose one of the listed options` }
        : { value: option.value };
    }
    case 'multichoice': {
      const picked = Array.isArray(a.selected_options) ? a.selected_options : [];
      const out: JsonValue[] = [];
      for (const p of picked) {
        const option =
          isRecord(p) && typeof p.value === 'string' ? input.options[Number(p.value)] : undefined;
        if (option === undefined) return { error: `${field.title}: choose from the listed options` };
        out.push(option.value);
      }
      return { value: out.length === 0 ? undefined : out };
    }
    case 'picker': {
      if (input.multi) {
        const picked = (Array.isArray(a.selected_options) ? a.selected_options : [])
          .map((p) => (isRecord(p) && typeof p.value === 'string' ? p.value : ''))
          .filter((v) => v !== '');
        return { value: picked.length === 0 ? undefined : picked };
      }
      const picked = isRecord(a.selected_option) ? a.selected_option.value : undefined;
      // `!…` values are the bot's own placeholders ("Harness is unreachable"), never answers.
      if (typeof picked === 'string' && picked.startsWith('!'))
        return { error: `${field.title}: the list could not be loaded; open it and choose again` };
      return { value: typeof picked === 'string' && picked !== '' ? picked : undefined };
    }
  }
}

/**
 * The block a field is drawn in on `page` with these answers: a picker's id carries the
 * revision of the answers it depends on, so an error lands under the block the person sees.
 */
export function fieldBlockIdOn(page: FormPage, key: string, values: FormValues): string {
  const field = page.allFields.find((f) => f.key === key);
  const revision =
    field?.input.type === 'picker' ? dependencyRevision(field.input.source.dependsOn, values) : undefined;
  return fieldBlockId(page.index, key, revision);
}
