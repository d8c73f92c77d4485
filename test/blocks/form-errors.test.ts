import { describe, expect, it } from 'vitest';
import {
  chosenForAnother,
  describeError,
  expressionRefusal,
  mustBeANumber,
} from '../../blocks/form-errors.js';
import { EXPRESSION_START } from '../../src/forms/expressions.js';
import { describeField } from '../../src/forms/form-field.js';
import type { JsonSchema, JsonValue } from '../../src/forms/json-schema.js';
import { validateAgainst } from '../../src/forms/json-schema.js';

/** The sentence a person sees under a field whose value `property` refuses (blocks/form-errors.ts). */
function errorFor(property: JsonSchema, value: JsonValue | undefined): string {
  const { field } = describeField('f', property, true);
  if (field === undefined) throw new Error('field not described');
  const schema: JsonSchema = { type: 'object', properties: { f: field.schema }, required: ['f'] };
  const [err] = validateAgainst(schema, value === undefined ? {} : { f: value });
  if (err === undefined) throw new Error('value passed');
  return describeError(field, err);
}

describe('form errors', () => {
  it('names the field by its title and says what it needs', () => {
    expect(errorFor({ type: 'string', title: 'Service' }, undefined)).toBe('Service is required');
    expect(errorFor({ type: 'integer', title: 'Replicas' }, 'x')).toBe('Replicas must be a whole number');
    expect(errorFor({ type: 'number', title: 'Ratio' }, 'x')).toBe('Ratio must be a number');
    expect(errorFor({ type: 'boolean', title: 'Force' }, 'x')).toBe('Force must be boolean');
  });

  it('limits on numbers: a range when both ends are known, else the end that was crossed', () => {
    expect(errorFor({ type: 'integer', title: 'Replicas', minimum: 1, maximum: 9 }, 12)).toBe(
      'Replicas must be between 1 and 9',
    );
    expect(errorFor({ type: 'integer', title: 'Replicas', minimum: 1 }, 0)).toBe(
      'Replicas must be at least 1',
    );
    expect(errorFor({ type: 'integer', title: 'Replicas', maximum: 9 }, 10)).toBe(
      'Replicas must be at most 9',
    );
    expect(errorFor({ type: 'integer', title: 'Replicas', exclusiveMinimum: 0 }, 0)).toBe(
      'Replicas must be greater than 0',
    );
    expect(errorFor({ type: 'integer', title: 'Replicas', exclusiveMaximum: 5 }, 5)).toBe(
      'Replicas must be less than 5',
    );
    expect(errorFor({ type: 'integer', title: 'Size', multipleOf: 4 }, 6)).toBe(
      'Size must be a multiple of 4',
    );
  });

  it('limits on text, patterns and formats', () => {
    expect(errorFor({ type: 'string', title: 'Name', minLength: 1 }, '')).toBe(
      'Name must be at least 1 character long',
    );
    expect(errorFor({ type: 'string', title: 'Name', minLength: 3 }, 'ab')).toBe(
      'Name must be at least 3 characters long',
    );
    expect(errorFor({ type: 'string', title: 'Name', maxLength: 2 }, 'abc')).toBe(
      'Name must be at most 2 characters long',
    );
    expect(errorFor({ type: 'string', title: 'Ticket', pattern: '^[A-Z]+-[0-9]+$' }, 'x')).toBe(
      'Ticket is not in the expected format (^[A-Z]+-[0-9]+$)',
    );
    expect(
      errorFor(
        { type: 'string', title: 'Ticket', pattern: '^[A-Z]+-[0-9]+$', description: 'like OPS-12' },
        'x',
      ),
    ).toBe('Ticket is not in the expected format: like OPS-12');
    expect(errorFor({ type: 'string', title: 'Email', format: 'email' }, 'x')).toBe(
      'Email must be an email address (name@example.com)',
    );
    expect(errorFor({ type: 'string', title: 'Link', format: 'uri' }, 'x')).toBe(
      'Link must be a full URL (https://…)',
    );
    expect(errorFor({ type: 'string', title: 'When', format: 'date' }, 'x')).toBe('When must be a date');
    expect(errorFor({ type: 'string', title: 'Id', format: 'uuid' }, 'x')).toBe('Id must be in uuid format');
  });

  it('choices and lists', () => {
    expect(errorFor({ type: 'string', title: 'Env', enum: ['dev', 'prod'] }, 'qa')).toBe(
      'Env must be one of the listed choices',
    );
    const list = (extra: JsonSchema): JsonSchema => ({
      type: 'array',
      title: 'Owners',
      items: { type: 'string' },
      ...extra,
    });
    expect(errorFor(list({ minItems: 2 }), ['a'])).toBe('Choose at least 2 for Owners');
    expect(errorFor(list({ maxItems: 1 }), ['a', 'b'])).toBe('Choose at most 1 for Owners');
    expect(errorFor(list({ uniqueItems: true }), ['a', 'a'])).toBe('Owners lists the same value twice');
  });

  it('refuses a Harness expression, quoting how one starts', () => {
    expect(expressionRefusal('Summary', EXPRESSION_START)).toBe(
      `Summary cannot contain "<+": Harness would run it as an expression with the bot's access. Remove it`,
    );
  });
});

describe('answers read from the modal', () => {
  it('a number box holding something else', () => {
    expect(mustBeANumber('Replicas')).toBe('Replicas must be a number');
  });

  it('a choice from a list its answers no longer give', () => {
    expect(chosenForAnother('Infrastructure', ['Environment'])).toBe(
      'Infrastructure was chosen for another Environment; choose it again from the list.',
    );
    expect(chosenForAnother('Service', ['Org', 'Project'])).toBe(
      'Service was chosen for another Org and Project; choose it again from the list.',
    );
  });
});
