import { MULTI_PICKER_FIELDS, pickerSourceFor } from './option-source.js';
import type { PickerSource } from './option-source.js';
import { isRecord, schemaProblem, stripUiKeys, toText, validateAgainst } from './json-schema.js';
import type { JsonSchema, JsonValue } from './json-schema.js';

/** Radio buttons and checkboxes hold at most 10 options; static selects 100 (Slack limits). */
export const MAX_RADIO_OPTIONS = 10;
export const MAX_STATIC_OPTIONS = 100;

export interface ChoiceOption {
  value: JsonValue;
  label: string;
}

export type FieldInput =
  | {
      type: 'text';
      multiline: boolean;
      format: 'email' | 'uri' | undefined;
      minLength: number | undefined;
      maxLength: number | undefined;
    }
  | { type: 'date' }
  | { type: 'time' }
  | { type: 'datetime' }
  | { type: 'number'; integer: boolean; minimum: number | undefined; maximum: number | undefined }
  | { type: 'choice'; options: ChoiceOption[]; display: 'radio' | 'select' | 'external' }
  | {
      type: 'multichoice';
      options: ChoiceOption[];
      display: 'checkboxes' | 'select' | 'external';
      maxItems: number | undefined;
    }
  | { type: 'boolean' }
  | { type: 'list'; maxItems: number | undefined }
  | { type: 'picker'; source: PickerSource; multi: boolean };

/**
 * One form field, normalised once from its JSON Schema property: how it is asked for in
 * Slack, whether it is shown at all, and the schema its value is validated against.
 */
export interface FormField {
  key: string;
  title: string;
  description: string | undefined;
  placeholder: string | undefined;
  required: boolean;
  default: JsonValue | undefined;
  input: FieldInput;
  /** `hidden` fields are sent with their default; `secret` fields are never asked for in Slack. */
  visibility: 'shown' | 'hidden' | 'secret';
  /** The property's schema without `ui:*` keys. */
  schema: JsonSchema;
}

export interface FieldProblem {
  /** Path below the property, e.g. ['default'] or ['ui:options', 'path']. */
  path: (string | number)[];
  message: string;
}

const SECRET_FIELDS = new Set(['HarnessAuthToken']);
const TEXT_FIELDS = new Set(['RepoUrlPicker', 'EntityNamePicker', 'EntityTagsPicker']);

export function describeField(
  key: string,
  property: JsonSchema,
  required: boolean,
): { field: FormField | undefined; problems: FieldProblem[]; warnings: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const uiField = typeof property['ui:field'] === 'string' ? property['ui:field'] : undefined;
  const uiWidget = typeof property['ui:widget'] === 'string' ? property['ui:widget'] : undefined;
  const uiOptions = isRecord(property['ui:options']) ? property['ui:options'] : {};
  const schema = stripUiKeys(property) as JsonSchema;
  const title = typeof property.title === 'string' && property.title.trim() !== '' ? property.title : key;

  const invalid = schemaProblem(schema);
  if (invalid !== undefined) problems.push(invalid);

  let visibility: FormField['visibility'] = 'shown';
  if ((uiField !== undefined && SECRET_FIELDS.has(uiField)) || uiWidget === 'password') visibility = 'secret';
  else if (uiWidget === 'hidden' || uiField === 'hidden' || property['ui:hidden'] === true)
    visibility = 'hidden';

  const input =
    visibility === 'secret' ? secretInput() : inputFor(property, schema, uiField, uiWidget, uiOptions);
  if ('problem' in input) {
    problems.push(input.problem);
    return { field: undefined, problems, warnings };
  }
  if (input.warning) warnings.push(input.warning);

  const def = property.default as JsonValue | undefined;
  if (def !== undefined && invalid === undefined) {
    const errors = validateAgainst(schema, def);
    if (errors.length > 0) {
      problems.push({
        path: ['default'],
        message: `the default ${JSON.stringify(def)} is not allowed by this field (${errors[0]?.message ?? 'invalid'}); fix the default or the field`,
      });
    }
  }
  if (visibility === 'hidden' && required && def === undefined) {
    problems.push({
      path: [],
      message: 'is hidden and required but has no default, so nobody could ever fill it; add a default',
    });
  }

  return {
    field: {
      key,
      title,
      description: typeof property.description === 'string' ? property.description : undefined,
      placeholder: typeof property['ui:placeholder'] === 'string' ? property['ui:placeholder'] : undefined,
      required: visibility === 'secret' ? false : required,
      default: def,
      input: input.input,
      visibility,
      schema,
    },
    problems,
    warnings,
  };
}

type InputResult = { input: FieldInput; warning?: FieldProblem } | { problem: FieldProblem };

function secretInput(): InputResult {
  return {
    input: { type: 'text', multiline: false, format: undefined, minLength: undefined, maxLength: undefined },
  };
}

function inputFor(
  property: JsonSchema,
  schema: JsonSchema,
  uiField: string | undefined,
  uiWidget: string | undefined,
  uiOptions: Record<string, unknown>,
): InputResult {
  const type = schemaType(schema);
  if (uiField !== undefined && !TEXT_FIELDS.has(uiField)) {
    const picker = pickerSourceFor(uiField, uiOptions);
    if (picker !== undefined && 'source' in picker) {
      return {
        input: {
          type: 'picker',
          source: picker.source,
          multi: type === 'array' || MULTI_PICKER_FIELDS.has(uiField),
        },
      };
    }
    if (picker !== undefined) {
      return {
        input: textInput(schema, false),
        warning: {
          path: ['ui:options', 'path'],
          message: `the bot cannot list options for "${picker.unknownPath}", so Slack shows a text box; people type the value`,
        },
      };
    }
    if (uiField !== 'hidden') {
      return {
        input: textInput(schema, false),
        warning: {
          path: ['ui:field'],
          message: `the custom field ${uiField} is shown as a text box in Slack`,
        },
      };
    }
  }
  switch (type) {
    case 'string':
      return stringInput(property, schema, uiWidget);
    case 'number':
    case 'integer': {
      const options = choicesOf(property);
      if (options !== undefined)
        return { input: { type: 'choice', options, display: choiceDisplay(options, uiWidget) } };
      return {
        input: {
          type: 'number',
          integer: type === 'integer',
          minimum: numberOr(schema.minimum, schema.exclusiveMinimum),
          maximum: numberOr(schema.maximum, schema.exclusiveMaximum),
        },
      };
    }
    case 'boolean':
      return { input: { type: 'boolean' } };
    case 'array':
      return arrayInput(property, schema, uiWidget);
    case 'object':
      return {
        problem: {
          path: ['type'],
          message: 'nested objects cannot be asked for in a Slack modal; flatten them into separate fields',
        },
      };
    default:
      return {
        problem: {
          path: ['type'],
          message: `the type "${String(type)}" is not supported; use string, number, integer, boolean or array`,
        },
      };
  }
}

function stringInput(property: JsonSchema, schema: JsonSchema, uiWidget: string | undefined): InputResult {
  const options = choicesOf(property);
  if (options !== undefined)
    return { input: { type: 'choice', options, display: choiceDisplay(options, uiWidget) } };
  switch (property.format) {
    case 'date':
      return { input: { type: 'date' } };
    case 'time':
      return { input: { type: 'time' } };
    case 'date-time':
      return { input: { type: 'datetime' } };
    default:
      return { input: textInput(schema, uiWidget === 'textarea') };
  }
}

function textInput(schema: JsonSchema, multiline: boolean): FieldInput {
  const format =
    schema.format === 'email'
      ? 'email'
      : schema.format === 'uri' || schema.format === 'url'
        ? 'uri'
        : undefined;
  return {
    type: 'text',
    multiline,
    format,
    minLength: typeof schema.minLength === 'number' ? schema.minLength : undefined,
    maxLength: typeof schema.maxLength === 'number' ? schema.maxLength : undefined,
  };
}

function arrayInput(property: JsonSchema, schema: JsonSchema, uiWidget: string | undefined): InputResult {
  const items = isRecord(property.items) ? property.items : undefined;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
  const options = items === undefined ? undefined : choicesOf(items);
  if (options !== undefined) {
    let display: 'checkboxes' | 'select' | 'external' =
      options.length > MAX_STATIC_OPTIONS
        ? 'external'
        : options.length > MAX_RADIO_OPTIONS
          ? 'select'
          : 'checkboxes';
    if (display === 'checkboxes' && uiWidget !== undefined && uiWidget !== 'checkboxes') display = 'select';
    return { input: { type: 'multichoice', options, display, maxItems } };
  }
  if (items === undefined || schemaType(items) === 'string') return { input: { type: 'list', maxItems } };
  return {
    problem: {
      path: ['items'],
      message:
        'only lists of strings or of enum values can be asked for in Slack; change items to type: string or add an enum',
    },
  };
}

/** enum/enumNames, or oneOf/anyOf of `{const, title}`: the two ways rjsf spells a choice. */
function choicesOf(property: JsonSchema): ChoiceOption[] | undefined {
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

function choiceDisplay(
  options: ChoiceOption[],
  uiWidget: string | undefined,
): 'radio' | 'select' | 'external' {
  if (options.length > MAX_STATIC_OPTIONS) return 'external';
  if (options.length > MAX_RADIO_OPTIONS) return 'select';
  return uiWidget === 'select' ? 'select' : 'radio';
}

function schemaType(schema: JsonSchema): unknown {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type !== undefined) return schema.type;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const first: unknown = schema.enum[0];
    return typeof first === 'number' ? 'number' : typeof first === 'boolean' ? 'boolean' : 'string';
  }
  return 'string';
}

function numberOr(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number') return a;
  return typeof b === 'number' ? b : undefined;
}
