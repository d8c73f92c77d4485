import { isRecord } from '../../is-record.js';

/**
 * An answer as a person gives it: text, a number, an option's label (or value), several labels, a
 * tick, or the very options picked (what a select sends back: the option object as the menu, or
 * the app's options response for external selects, offered it).
 */
export type Answer = string | number | boolean | string[] | { picked: Record<string, unknown>[] };

type Obj = Record<string, unknown>;

function text(o: unknown): string {
  return isRecord(o) && typeof o.text === 'string' ? o.text : '';
}

function pick(options: Obj[], want: string): Obj | undefined {
  return options.find((o) => text(o.text) === want) ?? options.find((o) => o.value === want);
}

function inputBlocks(view: Obj): (Obj & { block_id: string; element: Obj })[] {
  const blocks = Array.isArray(view.blocks) ? (view.blocks as unknown[]) : [];
  return blocks.filter(
    (b): b is Obj & { block_id: string; element: Obj } =>
      isRecord(b) && b.type === 'input' && isRecord(b.element) && typeof b.block_id === 'string',
  );
}

function actionIdOf(el: Obj): string {
  return typeof el.action_id === 'string' ? el.action_id : 'input';
}

/**
 * `view.state.values` as Slack sends it with block_actions and view_submission: what the person
 * entered in each input block, else the element's initial value.
 */
export function stateFor(
  view: Obj,
  input: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of inputBlocks(view)) {
    const actionId = actionIdOf(block.element);
    const entered = input[block.block_id]?.[actionId];
    values[block.block_id] = { [actionId]: entered ?? elementState(block.element, undefined) };
  }
  return values;
}

/**
 * A person's answer put into the input block it belongs to, matched by block_id or by the field
 * key at its end (`f:0:replicas` ← `replicas`), in that element's own state shape. `dispatches`
 * says whether Slack tells the app at once: only input blocks with `dispatch_action` do
 * (https://api.slack.com/reference/block-kit/blocks#input).
 */
export function enter(
  view: Obj,
  name: string,
  answer: Answer,
): { blockId: string; actionId: string; state: Obj; dispatches: boolean } | undefined {
  const block = findInput(view, name);
  if (block === undefined) return undefined;
  const actionId = actionIdOf(block.element);
  return {
    blockId: block.block_id,
    actionId,
    state: elementState(block.element, answer),
    dispatches: block.dispatch_action === true,
  };
}

/** The input block named by its block_id or by the field key at its end. */
export function findInput(view: Obj, name: string): (Obj & { block_id: string; element: Obj }) | undefined {
  const blocks = inputBlocks(view);
  return blocks.find((b) => b.block_id === name) ?? blocks.find((b) => b.block_id.split(':').at(-1) === name);
}

/**
 * What survives a views.update (or a `response_action: update`): Slack keeps what was entered
 * in input blocks whose block_id and action_id are unchanged, and drops the rest ("Preserving
 * input entry in views", https://api.slack.com/reference/surfaces/views).
 */
export function preserveInput(
  input: Record<string, Record<string, unknown>>,
  next: Obj,
): Record<string, Record<string, unknown>> {
  const kept: Record<string, Record<string, unknown>> = {};
  for (const block of inputBlocks(next)) {
    const actionId = actionIdOf(block.element);
    const entered = input[block.block_id]?.[actionId];
    if (entered !== undefined) kept[block.block_id] = { [actionId]: entered };
  }
  return kept;
}

function elementState(el: Obj, answer: Answer | undefined): Obj {
  const type = String(el.type);
  const options = Array.isArray(el.options) ? (el.options as Obj[]) : [];
  const initialText = typeof el.initial_value === 'string' ? el.initial_value : null;
  if (isRecord(answer)) {
    const picked = Array.isArray(answer.picked) ? (answer.picked as Obj[]) : [];
    const single = type === 'radio_buttons' || type === 'static_select' || type === 'external_select';
    return single ? { type, selected_option: picked[0] ?? null } : { type, selected_options: picked };
  }
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
