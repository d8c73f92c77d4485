import type { PickerSource } from '../ports/option-source.js';
import type { ChoiceOption } from './choice-input.js';
import { inputFor, secretInput } from './field-input-kind.js';
import { schemaProblem, schemaWarnings, stripUiKeys, validateAgainst } from './json-schema.js';
import { isRecord } from '../is-record.js';
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
  /** For a field of a choose-one branch: the select and the answer that shows the field. */
  branchOf: { chooser: string; answer: string } | undefined;
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
      branchOf: undefined,
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

/**
 * How an answer is labelled outside the form (cards, approvals): with its groups' titles. A
 * group's choose-one select is labelled by the group itself ("Build from: A pull request").
 */
export function fieldLabel(field: Pick<FormField, 'title' | 'groups' | 'chooser'>): string {
  const groups = field.groups.map((g) => g.title);
  return (field.chooser && groups.length > 0 ? groups : [...groups, field.title]).join(' › ');
}
