import type { InputBlock, InputBlockElement, PlainTextOption } from '@slack/types';
import type { ChoiceOption, FormField } from '../src/forms/form-field.js';
import type { JsonValue } from '../src/forms/json-schema.js';
import { fieldActionId, fieldBlockId } from './ids.js';
import { LIMITS } from './limits.js';
import { plain, truncate } from './text.js';

/**
 * One form field as a Block Kit input block. Choices travel as their index, so any enum
 * value (long, numeric, boolean) fits Slack's 75-character option value.
 */
export function buildFieldInput(
  field: FormField,
  page: number,
  value: JsonValue | undefined,
  dispatch: boolean,
  revision?: string,
): InputBlock {
  const element = elementFor(field, value, dispatch);
  const hint = hintFor(field);
  const block: InputBlock = {
    type: 'input',
    block_id: fieldBlockId(page, field.key, revision),
    label: plain(field.title, LIMITS.inputLabel),
    element,
    // An unticked checkbox is a valid "false", so a boolean never blocks submission.
    optional: !field.required || field.input.type === 'boolean',
  };
  if (hint !== undefined) block.hint = plain(hint, LIMITS.inputHint);
  if (dispatch) block.dispatch_action = true;
  return block;
}

export function choiceOption(option: ChoiceOption, index: number): PlainTextOption {
  return { text: plain(option.label, LIMITS.optionText), value: String(index) };
}

/** The option for a picker value the bot knows only by its identifier. */
export function pickerOption(value: string, label?: string): PlainTextOption {
  return { text: plain(label ?? value, LIMITS.optionText), value: truncate(value, LIMITS.optionValue) };
}

function hintFor(field: FormField): string | undefined {
  const parts = [field.description];
  if (field.input.type === 'list') parts.push('One per line.');
  const text = parts.filter((p): p is string => p !== undefined && p.trim() !== '').join(' ');
  return text === '' ? undefined : text;
}

function indexOfValue(options: ChoiceOption[], value: JsonValue | undefined): number {
  return options.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(value));
}

function elementFor(field: FormField, value: JsonValue | undefined, dispatch: boolean): InputBlockElement {
  const input = field.input;
  const placeholder =
    field.placeholder === undefined ? {} : { placeholder: plain(field.placeholder, LIMITS.placeholder) };
  const isOptions =
    input.type === 'picker' ||
    ((input.type === 'choice' || input.type === 'multichoice') && input.display === 'external');
  const action_id = fieldActionId({ options: isOptions, dispatch });
  switch (input.type) {
    case 'text': {
      const initial = typeof value === 'string' && value !== '' ? { initial_value: value } : {};
      const onEnter = dispatch
        ? { dispatch_action_config: { trigger_actions_on: ['on_enter_pressed' as const] } }
        : {};
      if (input.format === 'email')
        return { type: 'email_text_input', action_id, ...initial, ...placeholder, ...onEnter };
      if (input.format === 'uri')
        return { type: 'url_text_input', action_id, ...initial, ...placeholder, ...onEnter };
      const max = Math.min(input.maxLength ?? LIMITS.textInputMax, LIMITS.textInputMax);
      return {
        type: 'plain_text_input',
        action_id,
        multiline: input.multiline,
        ...(input.minLength !== undefined && input.minLength > 0 ? { min_length: input.minLength } : {}),
        ...(max < LIMITS.textInputMax ? { max_length: max } : {}),
        ...(typeof value === 'string' && value !== '' ? { initial_value: truncate(value, max) } : {}),
        ...placeholder,
        ...onEnter,
      };
    }
    case 'list': {
      const text = Array.isArray(value) ? value.map(String).join('\n') : '';
      return {
        type: 'plain_text_input',
        action_id,
        multiline: true,
        ...(text === '' ? {} : { initial_value: truncate(text, LIMITS.textInputMax) }),
        ...placeholder,
      };
    }
    case 'date':
      return {
        type: 'datepicker',
        action_id,
        ...(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {}),
        ...placeholder,
      };
    case 'time': {
      const m = typeof value === 'string' ? /^(\d{2}:\d{2})/.exec(value) : null;
      return {
        type: 'timepicker',
        action_id,
        ...(m?.[1] === undefined ? {} : { initial_time: m[1] }),
        ...placeholder,
      };
    }
    case 'datetime': {
      const seconds = typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : NaN;
      return {
        type: 'datetimepicker',
        action_id,
        ...(Number.isFinite(seconds) ? { initial_date_time: seconds } : {}),
      };
    }
    case 'number': {
      const initial =
        typeof value === 'number' && withinBounds(value, input.minimum, input.maximum)
          ? { initial_value: String(value) }
          : {};
      return {
        type: 'number_input',
        action_id,
        is_decimal_allowed: !input.integer,
        ...(input.minimum === undefined ? {} : { min_value: String(input.minimum) }),
        ...(input.maximum === undefined ? {} : { max_value: String(input.maximum) }),
        ...initial,
        ...placeholder,
      };
    }
    case 'boolean':
      return {
        type: 'checkboxes',
        action_id,
        options: [{ text: plain('Yes', LIMITS.optionText), value: 'true' }],
        ...(value === true
          ? { initial_options: [{ text: plain('Yes', LIMITS.optionText), value: 'true' }] }
          : {}),
      };
    case 'choice': {
      const options = input.options.map(choiceOption);
      const i = indexOfValue(input.options, value);
      const initial = i >= 0 ? { initial_option: options[i] } : {};
      if (input.display === 'radio') return { type: 'radio_buttons', action_id, options, ...initial };
      if (input.display === 'select')
        return { type: 'static_select', action_id, options, ...initial, ...placeholder };
      return { type: 'external_select', action_id, min_query_length: 0, ...initial, ...placeholder };
    }
    case 'multichoice': {
      const options = input.options.map(choiceOption);
      const chosen = Array.isArray(value)
        ? value.map((v) => indexOfValue(input.options, v)).filter((i) => i >= 0)
        : [];
      const initial =
        chosen.length > 0 ? { initial_options: chosen.map((i) => options[i] as PlainTextOption) } : {};
      const maxItems =
        input.maxItems === undefined ? {} : { max_selected_items: Math.max(1, input.maxItems) };
      if (input.display === 'checkboxes') return { type: 'checkboxes', action_id, options, ...initial };
      if (input.display === 'select')
        return { type: 'multi_static_select', action_id, options, ...initial, ...maxItems, ...placeholder };
      return {
        type: 'multi_external_select',
        action_id,
        min_query_length: 0,
        ...initial,
        ...maxItems,
        ...placeholder,
      };
    }
    case 'picker': {
      const given = (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value])
        .map(String)
        .filter((v) => v !== '');
      if (input.multi) {
        return {
          type: 'multi_external_select',
          action_id,
          min_query_length: 0,
          ...(given.length > 0 ? { initial_options: given.map((v) => pickerOption(v)) } : {}),
          ...placeholder,
        };
      }
      const first = given[0];
      return {
        type: 'external_select',
        action_id,
        min_query_length: 0,
        ...(first === undefined ? {} : { initial_option: pickerOption(first) }),
        ...placeholder,
      };
    }
  }
}

function withinBounds(n: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

/** The body of a block_suggestion answer: at most 100 options, each within Slack's limits. */
export function buildSuggestionOptions(
  options: readonly { value: string; label: string; description?: string }[],
): {
  options: PlainTextOption[];
} {
  return {
    options: options
      .filter((o) => o.value !== '' && Array.from(o.value).length <= LIMITS.optionValue)
      .slice(0, LIMITS.staticOptions)
      .map((o) => ({
        ...pickerOption(o.value, o.label),
        ...(o.description === undefined || o.description === ''
          ? {}
          : { description: plain(o.description, LIMITS.optionDescription) }),
      })),
  };
}
