import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { handleSubmission } from '../../src/slack/submission.js';
import { mustLoad, workflowYaml } from '../helpers/workflow.js';

const wf = mustLoad(
  workflowYaml(
    `    - title: What
      required: [summary]
      properties:
        summary: { title: Jira summary, type: string }
        hosts: { title: Hosts, type: array, items: { type: string } }
        tag: { title: Tag, type: string, default: "<+pipeline.sequenceId>" }
    - title: Why
      properties:
        reason: { title: Reason, type: string, ui:widget: textarea }`,
    `          summary: \${{ parameters.summary }}
          hosts: \${{ parameters.hosts | join(',') }}
          tag: \${{ parameters.tag }}
          reason: \${{ parameters.reason }}`,
  ),
);

const STEAL = '<+secrets.getValue("prod_db_password")>';
const text = (value: string) => ({ v: { type: 'plain_text_input', value } });
const page0 = (summary: string, hosts = 'a.example', tag = '<+pipeline.sequenceId>') => ({
  'f:0:summary': text(summary),
  'f:0:hosts': text(hosts),
  'f:0:tag': text(tag),
});
const refusal = (title: string): string =>
  `${title} cannot contain "<+": Harness would run it as an expression with the bot's access. Remove it`;

describe('Harness expressions in people’s values', () => {
  it('are refused under the field that holds one', () => {
    expect(handleSubmission(wf, 0, page0(`Fix login ${STEAL}`), {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:summary': refusal('Jira summary') },
    });
  });

  it('are refused inside a list, one line among others', () => {
    expect(handleSubmission(wf, 0, page0('ok', `a.example\n${STEAL}`), {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:hosts': refusal('Hosts') },
    });
  });

  it('are refused in an earlier page’s answer when the last page re-checks every page', () => {
    const r = handleSubmission(
      wf,
      1,
      { 'f:1:reason': text('fine') },
      { summary: STEAL, tag: '<+pipeline.sequenceId>' },
    );
    expect(r).toMatchObject({ kind: 'errors', page: 0, errors: { 'f:0:summary': refusal('Jira summary') } });
  });

  it('are refused when a person changes the workflow’s own default', () => {
    expect(handleSubmission(wf, 0, page0('ok', 'a', '<+secrets.getValue("x")>'), {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:tag': refusal('Tag') },
    });
  });

  it('pass where the binding allows expressions for that field, and in the workflow’s own default', () => {
    const first = handleSubmission(wf, 0, page0('Fix login'), {}, new Set(['reason']));
    expect(first).toMatchObject({ kind: 'next-page' });
    const done = handleSubmission(
      wf,
      1,
      { 'f:1:reason': text('see <+pipeline.executionUrl>') },
      first.values,
      new Set(['reason']),
    );
    expect(done.kind).toBe('complete');
    const yaml = done.kind === 'complete' ? done.runtimeInputYaml : '';
    expect(parse(yaml)).toMatchObject({
      pipeline: {
        variables: expect.arrayContaining([
          { name: 'reason', type: 'String', value: 'see <+pipeline.executionUrl>' },
          { name: 'tag', type: 'String', value: '<+pipeline.sequenceId>' },
        ]),
      },
    });
  });
});
