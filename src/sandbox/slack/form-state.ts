import { isRecord } from '../../forms/json-schema.js';

/** An answer as a person gives it: text, a number, an option's label (or value), several labels, a tick. */
export type Answer = string | number | boolean | string[];

type Obj = Record<string, unknown>;

function text(o: unknown): string {
  return isRecord(o) && typeof o.text === 'string' ? o.text : '';
}

function pick(options: Obj[], want: string): Obj | undefined {
  return options.find((o) => text(o.text) === want) ?? options.find((o) => o.value === want);
}

/**
 * Builds `view.state.values` for a modal the way Slack would after a person filled it in:
 * answers are matched to input blocks by block_id or by the field key at its end
 * (`f:0:replicas` ← `replicas`), and each element's value takes that element's own shape.
 */
export function stateFor(view: Obj, answers: Record<string, Answer>): Record<string, Record<string, Obj>> {
  const values: Record<string, Record<string, Obj>> = {};
  const blocks = Array.isArray(view.blocks) ? (view.blocks as unknown[]) : [];
  for (const block of blocks) {
    if (
      !isRecord(block) ||
      block.type !== 'input' ||
      !isRecord(block.element) ||
      typeof block.block_id !== 'string'
    )
      continue;
    const el = block.element;
    const key = block.block_id.split(':').at(-1) ?? block.block_id;
    const answer = answers[block.block_id] ?? answers[key];
    const actionId = typeof el.action_id === 'string' ? el.action_id : 'input';
    values[block.block_id] = { [actionId]: elementState(el, answer) };
  }
  return values;
}

function elementState(el: Obj, answer: Answer | undefined): Obj {
  const type = String(el.type);
  const options = Array.isArray(el.options) ? (el.options as Obj[]) : [];
  const initialText = typeof el.initial_value === 'string' ? el.initial_value : null;
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return {
        type,
        value:
          answer === undefined ? initialText : Array.isArray(answer) ? answer.join('\n') : String(answer),
      };
    case 'radio_buttons':
    case 'static_select':
    case 'external_select': {
      if (answer === undefined)
        return { type, selected_option: isRecord(el.initial_option) ? el.initial_option : null };
      const option = pick(options, String(answer)) ?? {
        text: { type: 'plain_text', text: String(answer) },
        value: String(answer),
      };
      return { type, selected_option: option };
    }
    case 'checkboxes':
    case 'multi_static_select':
    case 'multi_external_select': {
      if (answer === undefined)
        return { type, selected_options: Array.isArray(el.initial_options) ? el.initial_options : [] };
      const first = options[0]?.value;
      const wanted =
        answer === true
          ? [typeof first === 'string' ? first : 'true']
          : answer === false
            ? []
            : Array.isArray(answer)
              ? answer
              : [String(answer)];
      return {
        type,
        selected_options: wanted.map(
          (w) => pick(options, w) ?? { text: { type: 'plain_text', text: w }, value: w },
        ),
      };
    }
    case 'datepicker':
      return { type, selected_date: answer === undefined ? (el.initial_date ?? null) : String(answer) };
    case 'timepicker':
      return { type, selected_time: answer === undefined ? (el.initial_time ?? null) : String(answer) };
    case 'datetimepicker':
      return {
        type,
        selected_date_time: answer === undefined ? (el.initial_date_time ?? null) : Number(answer),
      };
    default:
      return { type, value: answer === undefined ? null : String(answer) };
  }
}
