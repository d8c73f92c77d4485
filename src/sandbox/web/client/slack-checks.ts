/**
 * What Slack's own client checks before it sends a view_submission: a required input left empty,
 * a text shorter than `min_length` or longer than `max_length`, a number that is not one, is a
 * decimal where `is_decimal_allowed` is false, or lies outside `min_value`..`max_value`, and an
 * email or URL that is not one (https://api.slack.com/reference/block-kit/block-elements#input,
 * #number, #email, #url). Slack shows these under the field and sends nothing to the app. The
 * wording is the sandbox's own: Slack's exact sentences are not documented.
 */
import type { InputBlock } from '@slack/types';

type Obj = Record<string, unknown>;

export function slackClientErrors(
  blocks: unknown[],
  entered: (blockId: string) => Obj | undefined,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const raw of blocks) {
    if ((raw as { type?: string }).type !== 'input') continue;
    const b = raw as InputBlock;
    if (b.block_id === undefined) continue;
    const e = b.element as unknown as Obj;
    const s = entered(b.block_id);
    const problem = check(e, s, b.optional === true);
    if (problem !== undefined) errors[b.block_id] = problem;
  }
  return errors;
}

function check(e: Obj, s: Obj | undefined, optional: boolean): string | undefined {
  const value = s !== undefined ? s.value : typeof e.initial_value === 'string' ? e.initial_value : undefined;
  const text = typeof value === 'string' ? value : '';
  switch (e.type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      if (text.trim() === '') return optional ? undefined : 'Please fill out this field.';
      if (typeof e.min_length === 'number' && text.length < e.min_length)
        return `Please enter at least ${String(e.min_length)} characters.`;
      if (typeof e.max_length === 'number' && text.length > e.max_length)
        return `Please enter at most ${String(e.max_length)} characters.`;
      if (e.type === 'email_text_input' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text))
        return 'Please enter a valid email address.';
      if (e.type === 'url_text_input' && !/^https?:\/\/\S+$/.test(text)) return 'Please enter a valid URL.';
      if (e.type === 'number_input') return numberProblem(e, text);
      return undefined;
    }
    default: {
      if (optional) return undefined;
      const picked = s ?? initialState(e);
      const empty =
        picked === undefined ||
        (Array.isArray(picked.selected_options)
          ? picked.selected_options.length === 0
          : (picked.selected_option ??
              picked.selected_date ??
              picked.selected_time ??
              picked.selected_date_time) === null ||
            (picked.selected_option ??
              picked.selected_date ??
              picked.selected_time ??
              picked.selected_date_time) === undefined);
      return empty ? 'Please complete this required field.' : undefined;
    }
  }
}

function initialState(e: Obj): Obj | undefined {
  if (Array.isArray(e.initial_options)) return { selected_options: e.initial_options };
  const v = e.initial_option ?? e.initial_date ?? e.initial_time ?? e.initial_date_time;
  return v === undefined ? undefined : { selected_option: v };
}

function numberProblem(e: Obj, text: string): string | undefined {
  const decimal = e.is_decimal_allowed === true;
  if (!(decimal ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/).test(text.trim()))
    return decimal ? 'Please enter a number.' : 'Please enter a whole number.';
  const n = Number(text);
  const min = typeof e.min_value === 'string' ? Number(e.min_value) : undefined;
  const max = typeof e.max_value === 'string' ? Number(e.max_value) : undefined;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    if (min !== undefined && max !== undefined)
      return `Please enter a number between ${String(min)} and ${String(max)}.`;
    return min !== undefined
      ? `Please enter a number of at least ${String(min)}.`
      : `Please enter a number of at most ${String(max)}.`;
  }
  return undefined;
}
