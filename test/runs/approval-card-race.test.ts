import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_UNKNOWN } from '../../blocks/messages.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import type { ApprovalService } from '../../src/runs/approval-service.js';
import { approvalRig, approvalStep } from '../helpers/approval-rig.js';
import type { ApprovalRig } from '../helpers/approval-rig.js';
import { holdAnswer } from '../helpers/fake-ports.js';
import type { FakeHarness, FakeSlack } from '../helpers/fake-ports.js';

/**
 * An approval card is on Slack a moment before its record is saved (Slack answers, then the
 * record is written). A click in that moment is the click of a real card: it waits for the
 * record instead of being told the approval is not known, and is decided once.
 */
let rig: ApprovalRig;
let store: Store;
let slack: FakeSlack;
let harness: FakeHarness;
let service: ApprovalService;
let run: RunRecord;
const step = approvalStep;

beforeEach(async () => {
  rig = await approvalRig({ approvers: ['Alice', 'Bob'] });
  ({ store, slack, harness, service, run } = rig);
});
afterEach(() => rig.close());

const approvalCardsOnSlack = () => slack.in('C0OPS').filter((m) => m.threadTs === run.cardTs);

describe('a click on an approval card whose record is not saved yet', () => {
  it('waits for the record of the card this process is posting, then is decided once', async () => {
    // The card reaches Slack; Slack's answer (its ts) has not reached the bot yet.
    const answer = holdAnswer(slack, 'postMessage');
    const ensuring = service.ensureCard(run, step);
    await answer.reached;
    expect(approvalCardsOnSlack()).toHaveLength(1);
    expect(await store.approvalCards.get('ap1')).toBeUndefined();

    // Bob clicks Approve on the card he sees.
    const clicked = service.click('U0BOB', 'ap1', 'APPROVE', 'trigger');
    await new Promise((r) => setTimeout(r, 50));
    answer.release();
    await ensuring;
    const said = await clicked;
    expect(said).not.toBe(APPROVAL_UNKNOWN);
    expect(harness.argsOf('decideApproval')).toHaveLength(1);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ action: 'APPROVE', sent: true });
    expect(approvalCardsOnSlack()).toHaveLength(1);
  });

  it('reads again for a moment when another replica is saving the record', async () => {
    const ts = slack.seed('C0OPS', { text: 'approval', blocks: [] }, run.cardTs).ts;
    const clicked = service.click('U0BOB', 'ap1', 'APPROVE', 'trigger');
    await new Promise((r) => setTimeout(r, 300));
    await store.approvalCards.save({
      approvalId: 'ap1',
      runId: run.id,
      channelId: 'C0OPS',
      ts,
      stepName: step.name,
      status: 'WAITING',
      updatedAt: 0,
    });
    const said = await clicked;
    expect(said).not.toBe(APPROVAL_UNKNOWN);
    expect(harness.argsOf('decideApproval')).toHaveLength(1);
  });

  it('a click on a card that never was is still told the approval is not known', async () => {
    await expect(service.click('U0BOB', 'ap-unknown', 'APPROVE', 'trigger')).resolves.toBe(APPROVAL_UNKNOWN);
    expect(harness.argsOf('decideApproval')).toEqual([]);
  });
});
