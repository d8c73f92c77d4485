import { describe, expect, it } from 'vitest';
import { checkMessageBlocks, checkModalView } from '../../blocks/limits.js';

const t = (text: string) => ({ type: 'plain_text', text });
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: t('Title'),
  submit: t('Run'),
  blocks,
  ...extra,
});
const input = (element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'b',
  label: t('L'),
  element: { action_id: 'a', ...element },
  ...extra,
});

describe('checkModalView rejects what Slack rejects', () => {
  it.each([
    [
      'a title over 24 characters',
      modal([], { title: t('x'.repeat(25)) }),
      /title: text is 25 characters; the limit is 24/,
    ],
    [
      'more than 100 blocks',
      modal(Array.from({ length: 101 }, (_, i) => ({ type: 'divider', block_id: `d${i}` }))),
      /101 blocks; a modal holds at most 100/,
    ],
    [
      'private_metadata over 3000',
      modal([], { private_metadata: 'x'.repeat(3001) }),
      /private_metadata is 3001 characters/,
    ],
    [
      'inputs without submit',
      { type: 'modal', title: t('T'), blocks: [input({ type: 'plain_text_input' })] },
      /needs a submit button/,
    ],
    [
      'a duplicate block_id',
      modal([
        { type: 'divider', block_id: 'x' },
        { type: 'divider', block_id: 'x' },
      ]),
      /block_id "x" is used twice/,
    ],
    [
      'an empty text',
      modal([{ type: 'section', text: { type: 'mrkdwn', text: '' } }]),
      /text must not be empty/,
    ],
    [
      'a label over 2000',
      modal([input({ type: 'plain_text_input' }, { label: t('x'.repeat(2001)) })]),
      /label: text is 2001/,
    ],
    [
      '11 radio options',
      modal([
        input({
          type: 'radio_buttons',
          options: Array.from({ length: 11 }, (_, i) => ({ text: t(`o${i}`), value: `${i}` })),
        }),
      ]),
      /radio_buttons needs 1 to 10 options/,
    ],
    [
      '101 select options',
      modal([
        input({
          type: 'static_select',
          options: Array.from({ length: 101 }, (_, i) => ({ text: t(`o${i}`), value: `${i}` })),
        }),
      ]),
      /static_select needs 1 to 100/,
    ],
    [
      'an option text over 75',
      modal([input({ type: 'static_select', options: [{ text: t('x'.repeat(76)), value: '1' }] })]),
      /text is 76 characters; the limit is 75/,
    ],
    [
      'an option value over 75',
      modal([input({ type: 'static_select', options: [{ text: t('x'), value: 'v'.repeat(76) }] })]),
      /option value is 76 characters/,
    ],
    [
      'an initial option not among the options',
      modal([
        input({
          type: 'static_select',
          options: [{ text: t('a'), value: '1' }],
          initial_option: { text: t('b'), value: '2' },
        }),
      ]),
      /initial option "2" is not one of the options/,
    ],
    [
      'max_length over 3000',
      modal([input({ type: 'plain_text_input', max_length: 3001 })]),
      /max_length must be 1 to 3000/,
    ],
    [
      'an initial value longer than max_length',
      modal([input({ type: 'plain_text_input', max_length: 3, initial_value: 'abcd' })]),
      /initial_value is longer than max_length 3/,
    ],
    [
      'a number input without is_decimal_allowed',
      modal([input({ type: 'number_input' })]),
      /needs is_decimal_allowed/,
    ],
    [
      'a number initial value out of bounds',
      modal([input({ type: 'number_input', is_decimal_allowed: false, max_value: '5', initial_value: '6' })]),
      /initial_value is outside/,
    ],
    [
      'a placeholder over 150',
      modal([input({ type: 'plain_text_input', placeholder: t('x'.repeat(151)) })]),
      /placeholder: text is 151/,
    ],
    [
      'a button style Slack does not know',
      modal([
        { type: 'actions', elements: [{ type: 'button', action_id: 'b', text: t('Go'), style: 'green' }] },
      ]),
      /style must be primary or danger/,
    ],
  ])('%s', (_name, view, message) => {
    expect(checkModalView(view).join('\n')).toMatch(message);
  });

  it('accepts a valid view', () => {
    expect(
      checkModalView(
        modal([
          input({ type: 'plain_text_input', max_length: 10, initial_value: 'ok' }),
          { type: 'divider' },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('checkMessageBlocks', () => {
  it('holds messages to 50 blocks and checks section fields', () => {
    expect(checkMessageBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' }))).join()).toMatch(
      /51 blocks; a message holds at most 50/,
    );
    expect(
      checkMessageBlocks([{ type: 'section', fields: Array.from({ length: 11 }, () => t('f')) }]).join(),
    ).toMatch(/11 fields; the limit is 10/);
  });
});
