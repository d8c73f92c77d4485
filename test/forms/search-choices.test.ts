import { describe, expect, it } from 'vitest';
import { buildSuggestionOptions } from '../../blocks/field-input.js';
import { checkModalView } from '../../blocks/limits.js';
import { handleSubmission } from '../../src/slack/submission.js';
import { searchChoices } from '../../src/forms/search-choices.js';
import { mustLoad, workflowYaml, modalFor } from '../helpers/workflow.js';

const zones = Array.from({ length: 150 }, (_, i) => `zone-${String(i).padStart(3, '0')}`);
const wf = mustLoad(
  workflowYaml(`    - required: [zone]
      properties:
        zone: { title: Zone, type: string, enum: [${zones.join(', ')}], enumNames: [${zones.map((z) => `"${z.toUpperCase()} ${'long label '.repeat(8)}"`).join(', ')}] }`),
);
const field = wf.pages[0]?.allFields[0];
if (field === undefined) throw new Error('no field');

describe('external select for long enums', () => {
  it('filters by what was typed, labels starting with it first, at most 100', () => {
    expect(searchChoices(field, '')).toHaveLength(100);
    const hits = searchChoices(field, 'zone-14');
    expect(hits.map((h) => h.value)).toEqual(Array.from({ length: 10 }, (_, i) => String(140 + i)));
    expect(searchChoices(field, 'long label zone')).toEqual([]);
    expect(searchChoices(field, 'ZONE-003')[0]).toEqual({
      value: '3',
      label: expect.stringMatching(/^ZONE-003 long label/),
    });
    expect(searchChoices(field, 'nothing like it')).toEqual([]);
  });

  it('answers Slack with options within its limits, whose values the submission understands', () => {
    const body = buildSuggestionOptions(searchChoices(field, '149'));
    expect(body.options).toHaveLength(1);
    expect(Array.from(body.options[0]?.text.text ?? '').length).toBeLessThanOrEqual(75);
    const picked = body.options[0]?.value ?? '';
    const state = {
      'f:0:zone': { 'idp_field:options': { type: 'external_select', selected_option: { value: picked } } },
    };
    expect(handleSubmission(wf, 0, state, {})).toMatchObject({
      kind: 'complete',
      values: { zone: 'zone-149' },
    });
  });

  it('drops option values Slack would reject', () => {
    const body = buildSuggestionOptions([
      { value: 'x'.repeat(76), label: 'too long' },
      { value: '', label: 'empty' },
      { value: 'ok', label: 'ok', description: 'd' },
    ]);
    expect(body.options).toEqual([
      {
        text: { type: 'plain_text', text: 'ok', emoji: true },
        value: 'ok',
        description: { type: 'plain_text', text: 'd', emoji: true },
      },
    ]);
  });

  it('renders the chosen value as the initial option of the external select', () => {
    const view = modalFor({ workflow: wf, page: 0, values: { zone: 'zone-007' } });
    expect(view.blocks.find((b) => b.block_id === 'f:0:zone')).toMatchObject({
      element: { type: 'external_select', initial_option: { value: '7' } },
    });
    expect(checkModalView(view)).toEqual([]);
  });
});
