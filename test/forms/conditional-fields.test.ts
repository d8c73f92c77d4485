import { describe, expect, it } from 'vitest';
import { resolvePage } from '../../src/forms/form-page.js';
import { handleSubmission } from '../../src/slack/submission.js';
import { mustLoad, workflowYaml, modalFor } from '../helpers/workflow.js';

const DEPENDENCIES = `    - title: Flag
      required: [action]
      properties:
        action: { title: Action, type: string, enum: [enable, disable, kill] }
        note: { title: Note, type: string }
      dependencies:
        action:
          oneOf:
            - properties:
                action: { enum: [enable] }
                target: { title: Target, type: string }
                percent: { title: Percent, type: integer, minimum: 1, maximum: 100 }
              required: [target]
            - properties:
                action: { enum: [disable] }
                reason: { title: Reason, type: string }
              required: [reason]
            - properties:
                action: { enum: [kill] }
        note: [action]`;

const wf = mustLoad(workflowYaml(DEPENDENCIES));
const page = wf.pages[0];
if (page === undefined) throw new Error('no page');
const keys = (values: Record<string, string>): string[] => resolvePage(page, values).map((f) => f.key);

describe('conditional fields (dependencies with oneOf)', () => {
  it('shows only the base fields until the condition is answered', () => {
    expect(keys({})).toEqual(['action', 'note']);
  });

  it('shows the branch whose condition holds, right after the field that controls it', () => {
    expect(keys({ action: 'enable' })).toEqual(['action', 'target', 'percent', 'note']);
    expect(keys({ action: 'disable' })).toEqual(['action', 'reason', 'note']);
    expect(keys({ action: 'kill' })).toEqual(['action', 'note']);
  });

  it('marks controlling fields to dispatch their changes, so Slack asks for a view update', () => {
    expect(page.controllingKeys).toEqual(expect.arrayContaining(['action', 'note']));
    const view = modalFor({ workflow: wf, page: 0, values: { action: 'enable' } });
    const action = view.blocks.find((b) => b.block_id === 'f:0:action');
    expect(action).toMatchObject({ dispatch_action: true, element: { action_id: 'idp_field:dispatch' } });
    expect(view.blocks.map((b) => b.block_id)).toContain('f:0:target');
  });

  it('requires a branch field only while it is shown, and drops values of hidden branches', () => {
    const state = (values: Record<string, unknown>) => ({
      'f:0:action': {
        'idp_field:dispatch': {
          type: 'radio_buttons',
          selected_option: { value: String(['enable', 'disable', 'kill'].indexOf(String(values.action))) },
        },
      },
      ...(values.target === undefined
        ? {}
        : { 'f:0:target': { idp_field: { type: 'plain_text_input', value: values.target } } }),
      ...(values.reason === undefined
        ? {}
        : { 'f:0:reason': { idp_field: { type: 'plain_text_input', value: values.reason } } }),
    });
    expect(handleSubmission(wf, 0, state({ action: 'enable' }), {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:target': 'Target is required' },
    });
    const done = handleSubmission(wf, 0, state({ action: 'disable', reason: 'noisy', target: 'stale' }), {});
    expect(done).toMatchObject({ kind: 'complete', values: { action: 'disable', reason: 'noisy' } });
    expect(done.kind === 'complete' && 'target' in done.values).toBe(false);
  });

  it('treats a property dependency (array form) as "required when answered"', () => {
    const state = {
      'f:0:action': { 'idp_field:dispatch': { type: 'radio_buttons', selected_option: { value: '2' } } },
      'f:0:note': { 'idp_field:dispatch': { type: 'plain_text_input', value: 'hi' } },
    };
    expect(handleSubmission(wf, 0, state, {})).toMatchObject({
      kind: 'complete',
      values: { action: 'kill', note: 'hi' },
    });
  });
});

describe('conditional fields (allOf with if/then/else, anyOf)', () => {
  const IF_THEN = `    - title: Deploy
      properties:
        env: { title: Environment, type: string, enum: [dev, prod] }
        canary: { title: Canary, type: boolean }
      allOf:
        - if: { properties: { env: { const: prod } } }
          then:
            properties:
              ticket: { title: Change ticket, type: string, pattern: "^CHG-[0-9]+$" }
            required: [ticket]
          else:
            properties:
              ttl: { title: TTL hours, type: integer }
      anyOf:
        - properties:
            canary: { const: true }
            percent: { title: Canary percent, type: integer }`;
  const w = mustLoad(workflowYaml(IF_THEN));
  const p = w.pages[0];
  if (p === undefined) throw new Error('no page');
  const k = (values: Record<string, string | boolean>): string[] => resolvePage(p, values).map((f) => f.key);

  it('applies then or else only once the condition field is answered', () => {
    expect(k({})).toEqual(['env', 'canary']);
    expect(k({ env: 'prod' })).toEqual(['env', 'ticket', 'canary']);
    expect(k({ env: 'dev' })).toEqual(['env', 'ttl', 'canary']);
    expect(k({ env: 'dev', canary: true })).toEqual(['env', 'ttl', 'canary', 'percent']);
  });

  it('validates the branch field with a message a person understands', () => {
    const state = {
      'f:0:env': { 'idp_field:dispatch': { type: 'radio_buttons', selected_option: { value: '1' } } },
      'f:0:ticket': { idp_field: { type: 'plain_text_input', value: 'JIRA-1' } },
    };
    expect(handleSubmission(w, 0, state, {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:ticket': 'Change ticket is not in the expected format (^CHG-[0-9]+$)' },
    });
  });
});
