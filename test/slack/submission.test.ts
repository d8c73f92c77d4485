import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeModalMetadata } from '../../blocks/modal-metadata.js';
import { handleSubmission } from '../../src/slack/submission.js';
import { mustLoad, workflowYaml, modalFor } from '../helpers/workflow.js';

const PAGES = `    - title: What
      required: [service, replicas]
      properties:
        service: { title: Service, type: string, pattern: "^[a-z-]+$" }
        replicas: { title: Target Replicas, type: integer, minimum: 0, maximum: 50 }
        env: { title: Env, type: string, enum: [staging, prod], default: staging }
        dry_run: { title: Dry run, type: boolean }
    - title: Why
      required: [reason, contact]
      properties:
        reason: { title: Reason, type: string, ui:widget: textarea }
        contact: { title: Contact, type: string, format: email }
        regions: { title: Regions, type: array, items: { type: string, enum: [eu, us, ap] } }
        start: { title: Start, type: string, format: date }
        at: { title: At, type: string, format: time }
        when: { title: When, type: string, format: date-time }
        hosts: { title: Hosts, type: array, items: { type: string }, maxItems: 2 }`;

const INPUTSET = `          service: \${{ parameters.service }}
          replicas: \${{ parameters.replicas }}
          env: \${{ parameters.env | upper }}
          dry_run: \${{ parameters.dry_run }}
          reason: \${{ parameters.reason }}
          regions: \${{ parameters.regions | join(',') }}
          pipeline.stages.notify.variables.contact: \${{ parameters.contact }}
          summary: "\${{ parameters.service }} -> \${{ parameters.replicas }}"`;

const wf = mustLoad(workflowYaml(PAGES, INPUTSET));
const text = (value: string) => ({ idp_field: { type: 'plain_text_input', value } });
const num = (value: string) => ({ idp_field: { type: 'number_input', value } });

const page1 = {
  'f:0:service': text('payments-api'),
  'f:0:replicas': num('5'),
  'f:0:env': { idp_field: { type: 'radio_buttons', selected_option: { value: '1' } } },
  'f:0:dry_run': { idp_field: { type: 'checkboxes', selected_options: [] } },
};
const page2 = {
  'f:1:reason': text('bad release\nkey: value\n- item\n'),
  'f:1:contact': { idp_field: { type: 'email_text_input', value: 'sre@example.com' } },
  'f:1:regions': { idp_field: { type: 'checkboxes', selected_options: [{ value: '0' }, { value: '2' }] } },
  'f:1:start': { idp_field: { type: 'datepicker', selected_date: '2026-12-24' } },
  'f:1:at': { idp_field: { type: 'timepicker', selected_time: '09:30' } },
  'f:1:when': { idp_field: { type: 'datetimepicker', selected_date_time: 1767225600 } },
  'f:1:hosts': text('a.example\n\n b.example \n'),
};

describe('handleSubmission', () => {
  it('turns numbers, choices and booleans into typed values and moves to the next page', () => {
    expect(handleSubmission(wf, 0, page1, {})).toEqual({
      kind: 'next-page',
      page: 1,
      values: { service: 'payments-api', replicas: 5, env: 'prod', dry_run: false },
    });
  });

  it('words errors for a person, keyed by block_id', () => {
    const r = handleSubmission(
      wf,
      0,
      { ...page1, 'f:0:replicas': num('80'), 'f:0:service': text('Bad Name') },
      {},
    );
    expect(r).toMatchObject({
      kind: 'errors',
      errors: {
        'f:0:replicas': 'Target Replicas must be between 0 and 50',
        'f:0:service': 'Service is not in the expected format (^[a-z-]+$)',
      },
    });
    expect(handleSubmission(wf, 0, { ...page1, 'f:0:replicas': num('2.5') }, {})).toMatchObject({
      errors: { 'f:0:replicas': 'Target Replicas must be a whole number' },
    });
    expect(handleSubmission(wf, 0, { ...page1, 'f:0:replicas': num('lots') }, {})).toMatchObject({
      errors: { 'f:0:replicas': 'Target Replicas must be a number' },
    });
    expect(handleSubmission(wf, 0, { ...page1, 'f:0:service': text('   ') }, {})).toMatchObject({
      errors: { 'f:0:service': 'Service is required' },
    });
  });

  it('keeps earlier answers across pages and renders the runtime input on the last page', () => {
    const first = handleSubmission(wf, 0, page1, {});
    if (first.kind !== 'next-page') throw new Error(first.kind);
    const view = modalFor({ workflow: wf, page: 1, values: first.values });
    const carried = decodeModalMetadata(view.private_metadata ?? '');
    expect(carried?.values).toEqual(first.values);
    expect(view.submit?.text).toBe('Run');
    expect(view.blocks.some((b) => b.type === 'actions')).toBe(true);

    const done = handleSubmission(wf, 1, page2, carried?.values ?? {});
    if (done.kind !== 'complete') throw new Error(JSON.stringify(done));
    expect(done.values).toMatchObject({
      reason: 'bad release\nkey: value\n- item',
      regions: ['eu', 'ap'],
      start: '2026-12-24',
      at: '09:30:00',
      when: '2026-01-01T00:00:00.000Z',
      hosts: ['a.example', 'b.example'],
    });
    expect(parse(done.runtimeInputYaml)).toEqual({
      pipeline: {
        identifier: 'pipe',
        stages: [
          {
            stage: {
              identifier: 'notify',
              variables: [{ name: 'contact', type: 'String', value: 'sre@example.com' }],
            },
          },
        ],
        variables: [
          { name: 'service', type: 'String', value: 'payments-api' },
          { name: 'replicas', type: 'String', value: '5' },
          { name: 'env', type: 'String', value: 'PROD' },
          { name: 'dry_run', type: 'String', value: 'false' },
          { name: 'reason', type: 'String', value: 'bad release\nkey: value\n- item' },
          { name: 'regions', type: 'String', value: 'eu,ap' },
          { name: 'summary', type: 'String', value: 'payments-api -> 5' },
        ],
      },
    });
  });

  it('shows the first page again when earlier answers come back invalid', () => {
    const r = handleSubmission(wf, 1, page2, { service: 'x', replicas: 500 });
    expect(r).toMatchObject({
      kind: 'errors',
      page: 0,
      errors: { 'f:0:replicas': 'Target Replicas must be between 0 and 50' },
    });
  });

  it('rejects choices that were not offered and lists that are too long', () => {
    const bad = handleSubmission(
      wf,
      0,
      { ...page1, 'f:0:env': { idp_field: { type: 'radio_buttons', selected_option: { value: '7' } } } },
      {},
    );
    expect(bad).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:env': 'Env: choose one of the listed options' },
    });
    const long = handleSubmission(
      wf,
      1,
      { ...page2, 'f:1:hosts': text('a\nb\nc') },
      { service: 'x', replicas: 1 },
    );
    expect(long).toMatchObject({ errors: { 'f:1:hosts': 'Choose at most 2 for Hosts' } });
    const mail = handleSubmission(
      wf,
      1,
      { ...page2, 'f:1:contact': text('not-an-email') },
      { service: 'x', replicas: 1 },
    );
    expect(mail).toMatchObject({
      errors: { 'f:1:contact': 'Contact must be an email address (name@example.com)' },
    });
  });

  it('ignores state it does not know and survives a malformed payload', () => {
    expect(handleSubmission(wf, 0, { junk: 1, 'f:0:service': 'nope' }, {})).toMatchObject({ kind: 'errors' });
    expect(handleSubmission(wf, 0, null, {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:service': 'Service is required' },
    });
  });
});
