import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalDecision } from '../../src/ports/harness.js';
import type { ApprovalInstance } from '../../src/harness-model/types.js';
import type { SlackMessageContent } from '../../src/ports/slack.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import type { ApprovalService } from '../../src/runs/approval-service.js';
import { approvalRig, approvalStep } from '../helpers/approval-rig.js';
import type { ApprovalRig } from '../helpers/approval-rig.js';
import { harnessErrors, slackErrors } from '../helpers/fake-ports.js';
import type { FakeHarness, FakeSlack, ManualClock } from '../helpers/fake-ports.js';

/**
 * Approvals in Slack through the ports: what Slack received (cards, edits, notes to the
 * requester), what Harness was asked, and what the store and audit trail say. The real store,
 * updater and deliveries; fakes of Slack and Harness.
 */
let rig: ApprovalRig;
let store: Store;
let slack: FakeSlack;
let harness: FakeHarness;
let clock: ManualClock;
let service: ApprovalService;
let run: RunRecord;
const step = approvalStep;

beforeEach(async () => {
  // Built as the bot builds it: the audit trail hears of approvals through the run's events.
  rig = await approvalRig({ approvers: ['Alice', 'Bob'], others: ['Mallory'] });
  ({ store, slack, harness, clock, service, run } = rig);
});
afterEach(() => rig.close());

const hasButtons = (c: SlackMessageContent | undefined) =>
  c?.blocks.some((b) => b.type === 'actions') ?? false;
const approvalCards = () => slack.in('C0OPS').filter((m) => m.threadTs === run.cardTs);
const notes = () => slack.in('U0ALICE');
const audited = async (action: string) =>
  (await store.audit.trail({ runId: run.id })).filter((e) => e.action === action);
const decisions = () => harness.argsOf('decideApproval');

/** The approval card, posted; its ts. */
async function posted(): Promise<string> {
  await service.ensureCard(run, step);
  const ts = (await store.approvalCards.get('ap1'))?.ts;
  if (ts === undefined) throw new Error('the approval card was not posted');
  return ts;
}

function setApproval(patch: Partial<ApprovalInstance>): void {
  const a = harness.approvals.get('ap1');
  if (a !== undefined) Object.assign(a, patch);
}

describe('ApprovalService: the card', () => {
  it('a waiting approval gets one card (in the thread and the channel) and one note to the requester', async () => {
    await Promise.all([service.ensureCard(run, step), service.ensureCard(run, step)]);
    await service.ensureCard(run, step);
    expect(approvalCards()).toMatchObject([{ broadcast: true, deliveryKey: `${run.id}:approval:ap1` }]);
    expect(hasButtons(approvalCards()[0]?.content)).toBe(true);
    expect(notes()).toMatchObject([{ deliveryKey: `${run.id}:dm-approval:ap1` }]);
    expect(notes()[0]?.content.text).toMatch(/Approve scaling/);
    expect(slack.argsOf('postMessage')).toHaveLength(2);
    expect(await store.approvalCards.get('ap1')).toMatchObject({
      status: 'WAITING',
      ts: approvalCards()[0]?.ts,
    });
    expect(await audited('approval.requested')).toHaveLength(1);
  });

  it('Slack refusing the card for good: the requester is told once where to decide, nothing is retried', async () => {
    slack.fail('postMessage', slackErrors.platform('is_archived'), {
      when: (a) => a[0] === 'C0OPS',
      times: Infinity,
    });
    await service.ensureCard(run, step);
    await service.ensureCard(run, step);
    expect(slack.argsOf('postMessage').filter((a) => a[0] === 'C0OPS')).toHaveLength(1);
    expect(approvalCards()).toEqual([]);
    expect(notes()).toHaveLength(1);
    expect(notes()[0]?.content.text).toMatch(/is_archived/);
    expect(await store.approvalCards.get('ap1')).toBeUndefined();
    expect(await audited('slack.gave_up')).toHaveLength(1);
  });

  it('an approval Slack cannot decide (Jira) gets a card without buttons, and the requester hears where', async () => {
    setApproval({
      type: 'JiraApproval',
      ticket: { key: 'OPS-42', url: 'https://jira.example/browse/OPS-42' },
    });
    await service.ensureCard(run, step);
    expect(approvalCards()).toHaveLength(1);
    expect(hasButtons(approvalCards()[0]?.content)).toBe(false);
    expect(notes()).toHaveLength(1);
    expect(notes()[0]?.content.text).toMatch(/OPS-42/);
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/Jira/);
    expect(decisions()).toEqual([]);
  });

  const ended: [string, Partial<ApprovalInstance> & { status: string }][] = [
    ['expired', { status: 'EXPIRED' }],
    [
      'decided in Harness',
      {
        status: 'APPROVED',
        activities: [
          {
            user: { uuid: 'u-carol', name: 'Carol', email: 'carol@example.com' },
            action: 'APPROVE',
            comments: 'ok',
            at: 0,
            approverInputs: [],
          },
        ],
      },
    ],
  ];
  it.each(ended)(
    'an approval %s updates the card once and tells the requester once',
    async (_what, patch) => {
      const ts = await posted();
      setApproval(structuredClone(patch));
      await service.refresh(run);
      await service.refresh(run);
      const card = slack.message('C0OPS', ts);
      expect(card?.edits).toHaveLength(1);
      expect(hasButtons(card?.content)).toBe(false);
      expect(notes().map((n) => n.deliveryKey)).toEqual([
        `${run.id}:dm-approval:ap1`,
        `${run.id}:approval-outcome:ap1`,
      ]);
      expect(await store.approvalCards.get('ap1')).toMatchObject({ status: patch.status });
      expect(await audited('approval.outcome')).toMatchObject([{ details: { status: patch.status } }]);
      // A click after the end is told so, and nothing reaches Harness or the requester again.
      await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(
        new RegExp(patch.status.toLowerCase()),
      );
      expect(decisions()).toEqual([]);
      expect(hasButtons(slack.message('C0OPS', ts)?.content)).toBe(false);
      expect(notes()).toHaveLength(2);
      expect(await audited('approval.outcome')).toHaveLength(1);
    },
  );
});

describe('ApprovalService: a click', () => {
  it('an approver approves: Harness hears it once, naming them; the card ends, the requester hears', async () => {
    const ts = await posted();
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/approved/i);
    const [[id, decision]] = decisions() as [[string, ApprovalDecision]];
    expect(id).toBe('ap1');
    expect(decision).toMatchObject({
      action: 'APPROVE',
      comments: expect.stringMatching(/^Approved in Slack \(U0BOB\)/),
    });
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: true, action: 'APPROVE' });
    expect(await audited('approval.approved')).toMatchObject([
      { actor: 'U0BOB', details: { approvalId: 'ap1' } },
    ]);
    expect(hasButtons(slack.message('C0OPS', ts)?.content)).toBe(false);
    expect(notes().map((n) => n.deliveryKey)).toContain(`${run.id}:approval-outcome:ap1`);
    // Once decided, a second click is told so and costs Harness nothing.
    await expect(service.decide('U0BOB', 'ap1', 'APPROVE', '', [])).resolves.toMatch(/approved/i);
    expect(decisions()).toHaveLength(1);
  });

  it('a decision seen by two looks at once (a click and a poll) is announced once', async () => {
    await posted();
    setApproval({ status: 'APPROVED' });
    await Promise.all([service.refresh(run), service.refresh(run)]);
    expect(await audited('approval.outcome')).toHaveLength(1);
    expect(notes().filter((n) => n.deliveryKey === `${run.id}:approval-outcome:ap1`)).toHaveLength(1);
    expect((await store.approvalCards.get('ap1'))?.status).toBe('APPROVED');
  });

  it('a person outside the approver groups is refused with the reason, audited, and Harness hears nothing', async () => {
    const ts = await posted();
    await expect(service.click('U0MALLORY', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/ops_approvers/);
    expect(await audited('approval.denied')).toMatchObject([
      { actor: 'U0MALLORY', details: { approvalId: 'ap1' } },
    ]);
    expect(decisions()).toEqual([]);
    expect(await store.claims.approvalClick('ap1', 'U0MALLORY')).toBeUndefined();
    expect(slack.message('C0OPS', ts)?.edits).toEqual([]);
  });

  it('a person whose Slack email Harness does not know is refused and audited', async () => {
    slack.person('U0EVE', { name: 'Eve', email: 'eve@example.com' });
    await posted();
    await expect(service.click('U0EVE', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/eve@example\.com/);
    expect(await audited('approval.denied')).toMatchObject([{ actor: 'U0EVE' }]);
    expect(decisions()).toEqual([]);
  });

  it('the requester is refused where the step does not let the person who asked approve', async () => {
    setApproval({ disallowPipelineExecutor: true });
    await posted();
    await expect(service.click('U0ALICE', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/asked/i);
    expect(await audited('approval.denied')).toMatchObject([
      { actor: 'U0ALICE', details: { approvalId: 'ap1', reason: 'requester' } },
    ]);
    expect(decisions()).toEqual([]);
    // Another approver of the same step is not held back by it.
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/approved/i);
    expect(decisions()).toHaveLength(1);
  });

  it('the requester may approve where the step allows it', async () => {
    await posted();
    await expect(service.click('U0ALICE', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/approved/i);
    expect(decisions()).toHaveLength(1);
    expect(await audited('approval.denied')).toEqual([]);
  });

  it('Harness would refuse every key the bot has: the card has no buttons, a click claims and sends nothing', async () => {
    harness.refuse(undefined, 'the bot is not in ops_approvers');
    const ts = await posted();
    expect(hasButtons(slack.message('C0OPS', ts)?.content)).toBe(false);
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/Harness/);
    // The same from a modal's submission (a reason given), which goes straight to decide.
    await expect(service.decide('U0BOB', 'ap1', 'REJECT', 'not now', [])).resolves.toMatch(/Harness/);
    expect(decisions()).toEqual([]);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toBeUndefined();
  });

  it('Harness refusing the decision leaves no claim: the person hears why and can click again', async () => {
    const ts = await posted();
    harness.fail('decideApproval', harnessErrors.http(403, 'principal lacks approve permission'));
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/approve permission/);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toBeUndefined();
    expect(await audited('approval.failed')).toMatchObject([{ actor: 'U0BOB' }]);
    expect(await audited('approval.approved')).toEqual([]);
    expect(hasButtons(slack.message('C0OPS', ts)?.content)).toBe(true);
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/approved/i);
    expect(decisions()).toHaveLength(2);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: true });
  });

  it('Harness failing without recording the decision (5xx): read back, the claim is freed', async () => {
    await posted();
    harness.fail('decideApproval', harnessErrors.http(502, 'bad gateway'));
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger')).resolves.toMatch(/click again/i);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toBeUndefined();
    expect(await audited('approval.released')).toHaveLength(1);
    expect(await audited('approval.approved')).toEqual([]);
  });

  it('Harness recording the decision but the answer lost: read back, the decision is confirmed once', async () => {
    const ts = await posted();
    const gate = harness.hold('decideApproval');
    const reply = service.click('U0BOB', 'ap1', 'APPROVE', 'trigger');
    const [, decision] = (await gate.reached) as [string, ApprovalDecision];
    // A second click while the first is being sent is told to wait; it is not sent.
    await expect(service.click('U0BOB', 'ap1', 'APPROVE', 'trigger2')).resolves.toMatch(/being sent/i);
    setApproval({
      status: 'APPROVED',
      activities: [
        {
          user: { uuid: 'u-bot', name: 'idp-bot', email: undefined },
          action: 'APPROVE',
          comments: decision.comments,
          at: clock.now(),
          approverInputs: [],
        },
      ],
    });
    gate.fail(harnessErrors.timeout());
    await expect(reply).resolves.toMatch(/approved/i);
    expect(decisions()).toHaveLength(1);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: true });
    expect(await audited('approval.approved')).toMatchObject([
      { actor: 'U0BOB', details: { recovered: true } },
    ]);
    expect(hasButtons(slack.message('C0OPS', ts)?.content)).toBe(false);
  });
});
