import { MULTI_PICKER_FIELDS, pickerSourceFor } from './option-source.js';
import type { PickerSource } from './option-source.js';
import {
  booleanChoices,
  choiceDisplay,
  choicesOf,
  multiChoiceDisplay,
  requestedDisplay,
} from './choice-input.js';
import type { ChoiceOption } from './choice-input.js';
import { isRecord, schemaProblem, schemaWarnings, stripUiKeys, validateAgainst } from './json-schema.js';
import type { JsonSchema, JsonValue } from './json-schema.js';

export type { ChoiceOption } from './choice-input.js';

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
  /** The field's property path joined with `.` (`database.name` for a field of a nested object). */
  key: string;
  /** Property names from the page down to this field. */
  path: string[];
  /** The nested objects it sits in, outermost first: shown as labelled groups. */
  groups: FieldGroup[];
  /** The "choose one" select of a oneOf/anyOf: its answer picks a branch and is no parameter. */
  chooser: boolean;
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

export interface FieldGroup {
  key: string;
  title: string;
  description: string | undefined;
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
  if (invalid !== undefined) problems.push({ path: [], message: `is not a valid JSON Schema: ${invalid}` });
  else warnings.push(...schemaWarnings(schema).map(validatorWarning));

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
      path: [key],
      groups: [],
      chooser: false,
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

/**
 * ajv's compile-time notes (`unknown format "data-url" ignored in schema at path "#/items"`),
 * placed at the keyword they are about and worded for the person who wrote the form.
 */
function validatorWarning(note: string): FieldProblem {
  const at = /at path "#([^"]*)"/.exec(note)?.[1] ?? '';
  const path = at
    .split('/')
    .filter((seg) => seg !== '')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'));
  const format = /^unknown format "([^"]*)"/.exec(note)?.[1];
  if (format !== undefined) {
    return {
      path: [...path, 'format'],
      message: `the format "${format}" is unknown to the validator, so answers are not checked against it`,
    };
  }
  return { path, message: `the JSON Schema validator notes: ${note}` };
}
