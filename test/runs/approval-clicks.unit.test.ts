import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalInstance } from '../../src/harness-model/types.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/ports/store.js';
import { approvalCardRecord } from '../helpers/approval-rig.js';
import { ClickLedger, decisionComment } from '../../src/runs/approval-clicks.js';
import { openStore } from '../../src/store/open-store.js';
import {
  FakeHarness,
  harnessErrors,
  holdAnswer,
  ManualClock,
  runRecord,
  waitingApproval,
} from '../helpers/fake-ports.js';

/**
 * One decision per person per approval, as intention (claim) and outcome, with the real store:
 * leftovers of a crash are settled from what Harness recorded.
 */
let store: Store;
let harness: FakeHarness;
let clock: ManualClock;
let shown: ApprovalInstance[];
let ledger: ClickLedger;
const run = runRecord();
const card = approvalCardRecord(run);

beforeEach(async () => {
  store = await openStore({ databasePath: ':memory:' });
  harness = new FakeHarness();
  harness.approvals.set('ap1', waitingApproval({ id: 'ap1' }));
  clock = new ManualClock();
  shown = [];
  ledger = new ClickLedger(
    { store, harness: harness.client(), logger: createLogger('silent'), now: clock.now },
    async (_run, _card, approval) => {
      shown.push(approval);
      await Promise.resolve();
    },
  );
  await store.runs.create(run);
  await store.approvalCards.save(card);
});
afterEach(async () => {
  await store.close();
});

/** A send that waits until the test lets it answer. */
function heldSend<T>(answer: T) {
  let go: () => void = () => undefined;
  const released = new Promise<void>((r) => {
    go = r;
  });
  let started = false;
  return {
    send: async () => {
      started = true;
      await released;
      return answer;
    },
    release: () => {
      go();
    },
    started: () => started,
  };
}

const audited = async (action: string) =>
  (await store.audit.trail({ runId: run.id })).filter((e) => e.action === action);

describe('ClickLedger', () => {
  it('one decision per person, even with concurrent clicks; another person decides on their own', async () => {
    const first = heldSend('approved');
    const pending = ledger.whileSending('ap1', 'U0BOB', 'APPROVE', first.send);
    const second = heldSend('rejected');
    await expect(ledger.whileSending('ap1', 'U0BOB', 'REJECT', second.send)).resolves.toBeUndefined();
    first.release();
    await expect(pending).resolves.toBe('approved');
    expect(second.started()).toBe(false);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ action: 'APPROVE' });
    // Later clicks of the same person find the claim taken.
    await expect(ledger.whileSending('ap1', 'U0BOB', 'REJECT', second.send)).resolves.toBeUndefined();
    expect(second.started()).toBe(false);
    await expect(ledger.whileSending('ap1', 'U0CAROL', 'APPROVE', () => Promise.resolve('ok'))).resolves.toBe(
      'ok',
    );
  });

  it('confirm records the outcome and who decided', async () => {
    await ledger.whileSending('ap1', 'U0BOB', 'APPROVE', () => Promise.resolve());
    await ledger.confirm(run, 'U0BOB', 'ap1', 'APPROVE', { reason: '' });
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: true });
    expect(await store.claims.unconfirmedApprovalClicks()).toEqual([]);
    expect(await audited('approval.approved')).toMatchObject([
      { actor: 'U0BOB', details: { approvalId: 'ap1' } },
    ]);
  });

  it('a leftover claim Harness recorded (by the comment naming the person) is confirmed and shown', async () => {
    await store.claims.claimApprovalClick('ap1', 'U0BOB', 'APPROVE', clock.now());
    const a = harness.approvals.get('ap1');
    a?.activities.push({
      user: { uuid: 'u-bot', name: 'idp-bot', email: undefined },
      action: 'APPROVE',
      comments: decisionComment('APPROVE', 'U0BOB', 'Bob', 'bob@example.com', ''),
      at: clock.now(),
      approverInputs: [],
    });
    if (a !== undefined) a.status = 'APPROVED';
    await expect(ledger.recover()).resolves.toBe(1);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: true, action: 'APPROVE' });
    expect(await audited('approval.approved')).toMatchObject([
      { actor: 'U0BOB', details: { approvalId: 'ap1', recovered: true } },
    ]);
    expect(shown.map((x) => x.status)).toEqual(['APPROVED']);
  });

  it('a leftover claim sent with the person’s own token is found by their Harness user', async () => {
    await store.identities.save({
      slackUser: 'U0BOB',
      harnessUuid: 'u-bob',
      harnessEmail: 'bob@example.com',
      sealedToken: 'sealed-FAKE',
      createdAt: 0,
    });
    await store.claims.claimApprovalClick('ap1', 'U0BOB', 'REJECT', clock.now());
    harness.approvals.get('ap1')?.activities.push({
      user: { uuid: 'u-bob', name: 'Bob', email: 'bob@example.com' },
      action: 'REJECT',
      comments: 'not now',
      at: clock.now(),
      approverInputs: [],
    });
    await expect(ledger.recover()).resolves.toBe(1);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: true, action: 'REJECT' });
  });

  it('a leftover claim Harness has no record of is released and audited, so the person can decide again', async () => {
    await store.claims.claimApprovalClick('ap1', 'U0BOB', 'APPROVE', clock.now());
    // Someone else's decision, with a comment that only looks similar, does not count.
    harness.approvals.get('ap1')?.activities.push({
      user: { uuid: 'u-mallory', name: 'Mallory', email: undefined },
      action: 'APPROVE',
      comments: 'Approved in Slack (U0MALLORY) by U0BOB',
      at: clock.now(),
      approverInputs: [],
    });
    await expect(ledger.recover()).resolves.toBe(1);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toBeUndefined();
    expect(await audited('approval.released')).toMatchObject([
      { actor: 'U0BOB', details: { approvalId: 'ap1', action: 'APPROVE' } },
    ]);
    expect(shown).toEqual([]);
    await expect(
      ledger.whileSending('ap1', 'U0BOB', 'APPROVE', () => Promise.resolve('again')),
    ).resolves.toBe('again');
  });

  it('Harness not answering the read-back keeps the claim for the next check', async () => {
    await store.claims.claimApprovalClick('ap1', 'U0BOB', 'APPROVE', clock.now());
    harness.fail('getApproval', harnessErrors.timeout());
    await expect(ledger.recover()).resolves.toBe(0);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ sent: false });
    expect(await audited('approval.released')).toEqual([]);
  });

  it('a leftover check while a decision is being claimed and sent does not release that claim', async () => {
    // The claim's answer is slow (as a server database's can be): the row is written, the
    // sender has not heard back yet. A check for leftovers meanwhile must see it as in flight.
    const claimed = holdAnswer(store.claims, 'claimApprovalClick');
    const send = heldSend('approved');
    const pending = ledger.whileSending('ap1', 'U0BOB', 'APPROVE', send.send);
    await claimed.reached;
    expect(await store.claims.unconfirmedApprovalClicks()).toHaveLength(1);
    await expect(ledger.recover()).resolves.toBe(0);
    expect(await audited('approval.released')).toEqual([]);
    expect(harness.argsOf('getApproval')).toEqual([]);
    claimed.release();
    // And while Harness is being asked (the claim answered), the same holds.
    await expect(ledger.recover()).resolves.toBe(0);
    send.release();
    await expect(pending).resolves.toBe('approved');
    expect(send.started()).toBe(true);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ action: 'APPROVE' });
    expect(await audited('approval.released')).toEqual([]);
  });
});
