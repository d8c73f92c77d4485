import { describe, expect, it } from 'vitest';
import { buildApprovalCard } from '../../blocks/build-approval-card.js';
import { buildRunFinishedMessage } from '../../blocks/build-run-messages.js';
import { buildRunCard } from '../../blocks/build-run-card.js';
import { quoteValue } from '../../blocks/text.js';
import type { ApprovalInstance, ExecutionView } from '../../src/harness-model/types.js';

/** A value typed to pass for the bot's own status line, with a right-to-left override. */
const FAKE = 'payments\n✅ *Succeeded* <!channel> :tada: `x` \u202Edesrever\u2066';
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/** Every mrkdwn text of a message, as Slack would render it line by line. */
function linesOf(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(...o.text.split('\n'));
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

/** What a reader sees outside code spans: where a fake status line would have to be. */
const outsideCode = (line: string): string => line.replace(/`[^`]*`/g, '');

function expectNoForgery(blocks: unknown): void {
  const lines = linesOf(blocks);
  expect(lines.some((l) => l.includes('Succeeded'))).toBe(true);
  for (const line of lines) {
    expect(outsideCode(line)).not.toMatch(/Succeeded|✅|<!channel>|:tada:/);
    expect(line).not.toMatch(BIDI);
  }
}

describe('people’s values cannot pass for the bot’s own text', () => {
  it('quotes a value as one line in a code span, backticks and bidi controls neutralised', () => {
    expect(quoteValue(FAKE, 300)).toBe('`payments ⏎ ✅ *Succeeded* &lt;!channel&gt; :tada: ˋxˋ desrever`');
    expect(quoteValue('', 300)).toBe('`-`');
  });

  it('on the run card', () => {
    const card = buildRunCard({
      runId: 'r1',
      workflowTitle: 'Scale',
      requesterId: 'U1',
      inputs: [{ label: 'Service', value: FAKE }],
      status: 'Running',
      bucket: 'running',
      execution: undefined,
      executionUrl: undefined,
      note: undefined,
      terminal: false,
      now: 0,
    });
    expectNoForgery(card.blocks);
  });

  const approval: ApprovalInstance = {
    id: 'ap1',
    type: 'HarnessApproval',
    status: 'WAITING',
    deadline: undefined,
    errorMessage: undefined,
    approvalMessage: 'Please approve',
    userGroups: ['sre'],
    minimumCount: 2,
    disallowPipelineExecutor: false,
    approverInputs: [],
    ticket: undefined,
    activities: [
      {
        action: 'APPROVE',
        user: { uuid: 'u', name: 'Bob\n✅ *Succeeded*', email: 'bob@example.com' },
        comments: `Approved in Slack by bob: ${FAKE}`,
        at: undefined,
        approverInputs: [],
      },
    ],
  };

  it('on the approval card, its activities and its confirmation dialog', () => {
    const card = buildApprovalCard({
      approval,
      stepName: 'Approve scale',
      workflowTitle: 'Scale',
      requesterId: 'U1',
      inputs: [{ label: 'Service', value: FAKE }],
      risky: true,
      setupProblem: undefined,
      buttons: true,
      harnessUrl: undefined,
      external: undefined,
    });
    expectNoForgery(card.blocks);
  });

  it('in the thread, where Harness repeats a value in a failure reason', () => {
    const view: ExecutionView = {
      executionId: 'e1',
      pipelineId: 'p',
      name: 'p',
      runSequence: 1,
      status: 'Failed',
      bucket: 'failed',
      startTs: 0,
      endTs: 1000,
      failureMessage: undefined,
      modules: ['cd'],
      git: undefined,
      stages: [],
      steps: [
        {
          id: 's1',
          name: 'Scale',
          type: 'K8sScale',
          stageId: 'st',
          status: 'Failed',
          bucket: 'failed',
          startTs: 0,
          endTs: 1000,
          failureMessage: `workload ${FAKE} not found`,
          outputs: {},
          approvalInstanceId: undefined,
        },
      ],
    };
    const lines = linesOf(buildRunFinishedMessage(view, 'Scale', undefined, 1000).blocks);
    expect(lines.filter((l) => l.includes('Succeeded'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('Succeeded'))).toMatch(/^Step \*Scale\*: /);
    for (const l of lines) expect(l).not.toMatch(BIDI);
  });
});
