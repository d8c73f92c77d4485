import {
  booleanChoices,
  choiceDisplay,
  choicesOf,
  multiChoiceDisplay,
  requestedDisplay,
} from './choice-input.js';
import type { FieldInput, FieldProblem } from './form-field.js';
import { MULTI_PICKER_FIELDS, pickerSourceFor } from './option-source.js';
import { isRecord } from '../is-record.js';
import type { JsonSchema } from './json-schema.js';

/** IDP's own fields that are text boxes with extra checks in IDP: plain text in Slack. */
const TEXT_FIELDS = new Set(['RepoUrlPicker', 'EntityNamePicker', 'EntityTagsPicker']);

export type InputResult = { input: FieldInput; warning?: FieldProblem } | { problem: FieldProblem };

export function secretInput(): InputResult {
  return {
    input: { type: 'text', multiline: false, format: undefined, minLength: undefined, maxLength: undefined },
  };
}

export function inputFor(
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
    const choice = uiField === 'hidden' ? undefined : enumInput(property, schema, type, uiField);
    if (choice !== undefined) return choice;
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
      const choice = enumInput(property, schema, type, uiWidget);
      if (choice !== undefined) return choice;
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
      return enumInput(property, schema, type, uiWidget) ?? { input: { type: 'boolean' } };
    case 'array':
      return arrayInput(property, schema, uiWidget);
    case 'object':
      return {
        problem: {
          path: ['type'],
          message:
            'an object without properties cannot be asked for in Slack; list its fields under properties (each becomes a field of a labelled group)',
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

/**
 * A field whose values are listed (an enum, `{const, title}` alternatives, a boolean shown as
 * radio buttons, or an array of such) as a Slack choice element, whatever the widget or
 * custom field is called: only the display it asks for is taken from its name.
 */
function enumInput(
  property: JsonSchema,
  schema: JsonSchema,
  type: unknown,
  widget: string | undefined,
): InputResult | undefined {
  if (type === 'array') {
    const r = arrayInput(property, schema, widget);
    return 'input' in r && r.input.type === 'multichoice' ? r : undefined;
  }
  const requested = requestedDisplay(widget);
  const options =
    type === 'boolean' ? (requested === 'radio' ? booleanChoices(property) : undefined) : choicesOf(property);
  if (options === undefined) return undefined;
  return { input: { type: 'choice', options, display: choiceDisplay(options, requested) } };
}

function stringInput(property: JsonSchema, schema: JsonSchema, uiWidget: string | undefined): InputResult {
  const choice = enumInput(property, schema, 'string', uiWidget);
  if (choice !== undefined) return choice;
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
    return {
      input: { type: 'multichoice', options, display: multiChoiceDisplay(options, uiWidget), maxItems },
    };
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
