import type { FormField } from './form-field.js';
import type { PickerOption } from '../ports/option-source.js';

/** Slack shows at most 100 options in a menu. */
export const MAX_SUGGESTIONS = 100;

/**
 * Options for an enum too long for a static select (Slack's external select): the choices whose
 * label or value contains what was typed, case-insensitively, labels that start with it first.
 * Values are the choice's index, as the modal builder encodes them.
 */
export function searchChoices(field: FormField, typed: string): PickerOption[] {
  const input = field.input;
  if (input.type !== 'choice' && input.type !== 'multichoice') return [];
  const q = typed.trim().toLowerCase();
  const scored = input.options.flatMap((o, i) => {
    const label = o.label.toLowerCase();
    const value = typeof o.value === 'string' ? o.value.toLowerCase() : JSON.stringify(o.value);
    if (q !== '' && !label.includes(q) && !value.includes(q)) return [];
    return [{ rank: q !== '' && label.startsWith(q) ? 0 : 1, option: { value: String(i), label: o.label } }];
  });
  return scored
    .sort((a, b) => a.rank - b.rank)
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.option);
}
