import { toText } from './json-schema.js';
import { isRecord } from '../is-record.js';
import type { JsonSchema, JsonValue } from './json-schema.js';

/** Radio buttons and checkboxes hold at most 10 options; static selects 100 (Slack limits). */
export const MAX_RADIO_OPTIONS = 10;
export const MAX_STATIC_OPTIONS = 100;

export interface ChoiceOption {
  value: JsonValue;
  label: string;
}

/** How a form asks to show a choice, whatever the widget or field is called. */
export type RequestedDisplay = 'radio' | 'checkboxes' | 'select' | undefined;

/**
 * rjsf's own widgets are `radio`, `checkboxes` and `select`
 * (https://rjsf-team.github.io/react-jsonschema-form/docs/usage/widgets/); templates copied
 * from elsewhere name custom ones after them (`RadioWidget`, `RadioGroup`, `CheckboxGroup`,
 * `MultiSelect`, `Dropdown`). The name says which Slack element fits; anything else is unknown.
 */
export function requestedDisplay(name: string | undefined): RequestedDisplay {
  if (name === undefined) return undefined;
  if (/radio/i.test(name)) return 'radio';
  if (/checkbox/i.test(name)) return 'checkboxes';
  if (/select|dropdown|combo/i.test(name)) return 'select';
  return undefined;
}

/** enum/enumNames, or oneOf/anyOf of `{const, title}`: the two ways rjsf spells a choice. */
export function choicesOf(property: JsonSchema): ChoiceOption[] | undefined {
  if (Array.isArray(property.enum)) {
    const names = Array.isArray(property.enumNames) ? property.enumNames : [];
    return (property.enum as JsonValue[]).map((value, i) => ({
      value,
      label: typeof names[i] === 'string' ? names[i] : toText(value),
    }));
  }
  const alternatives = Array.isArray(property.oneOf)
    ? property.oneOf
    : Array.isArray(property.anyOf)
      ? property.anyOf
      : undefined;
  if (
    alternatives !== undefined &&
    alternatives.length > 0 &&
    alternatives.every((a) => isRecord(a) && 'const' in a)
  ) {
    return (alternatives as Record<string, unknown>[]).map((a) => ({
      value: a.const as JsonValue,
      label: typeof a.title === 'string' ? a.title : toText(a.const as JsonValue),
    }));
  }
  return undefined;
}

/** rjsf's radio widget on a boolean offers Yes and No (or the schema's enumNames). */
export function booleanChoices(property: JsonSchema): ChoiceOption[] {
  const names = Array.isArray(property.enumNames) ? property.enumNames : [];
  return [
    { value: true, label: typeof names[0] === 'string' ? names[0] : 'Yes' },
    { value: false, label: typeof names[1] === 'string' ? names[1] : 'No' },
  ];
}

/** One choice: radio buttons unless a select is asked for or there are too many for radios. */
export function choiceDisplay(
  options: ChoiceOption[],
  requested: RequestedDisplay,
): 'radio' | 'select' | 'external' {
  if (options.length > MAX_STATIC_OPTIONS) return 'external';
  if (options.length > MAX_RADIO_OPTIONS) return 'select';
  return requested === 'select' ? 'select' : 'radio';
}

/**
 * Several choices: checkboxes when none is named or checkboxes are asked for (rjsf's
 * `checkboxes`); a multi-select for any other widget name, or when there are too many.
 */
export function multiChoiceDisplay(
  options: ChoiceOption[],
  widgetName: string | undefined,
): 'checkboxes' | 'select' | 'external' {
  if (options.length > MAX_STATIC_OPTIONS) return 'external';
  if (options.length > MAX_RADIO_OPTIONS) return 'select';
  if (widgetName === undefined) return 'checkboxes';
  const requested = requestedDisplay(widgetName);
  return requested === 'checkboxes' || requested === 'radio' ? 'checkboxes' : 'select';
}
