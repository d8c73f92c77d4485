import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/ports/store.js';
import { approvalCardRecord } from '../helpers/approval-rig.js';
import { ClickLedger } from '../../src/runs/approval-clicks.js';
import { leaseTiming, RunLeases } from '../../src/runs/run-leases.js';
import { openStore } from '../../src/store/open-store.js';
import { FakeHarness, ManualClock, runRecord, waitingApproval } from '../helpers/fake-ports.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';

/**
 * Two replicas (two stores, two ledgers, two lease holders) on one PostgreSQL schema. A click
 * reaches whichever replica Slack's request reached; a replica that starts settles the clicks
 * left without an answer only for the runs whose lease it holds, so another live replica's
 * click on its way to Harness is never freed under it.
 */
const TTL = 15_000;
let schema: TestSchema;
let clock: ManualClock;
let harness: FakeHarness;
const run = runRecord();
const card = approvalCardRecord(run);
const stores: Store[] = [];

async function replica(owner: string) {
  const store = await openStore({ databaseUrl: schema.url, databasePath: ':memory:' });
  stores.push(store);
  const logger = createLogger('silent');
  const leases = new RunLeases({ store, owner, timing: leaseTiming(TTL), now: clock.now, logger });
  const ledger = new ClickLedger({ store, harness: harness.client(), logger, now: clock.now }, () =>
    Promise.resolve(),
  );
  return { store, leases, ledger, recover: () => ledger.recover((id) => leases.holds(id)) };
}

beforeEach(async () => {
  schema = await createTestSchema();
  clock = new ManualClock();
  harness = new FakeHarness();
  harness.approvals.set('ap1', waitingApproval({ id: 'ap1' }));
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await schema.drop();
});

describe('unconfirmed approval clicks with two replicas', () => {
  it('a replica starting does not free a click another live replica is sending; the run’s follower settles it once its lease is taken over', async () => {
    const a = await replica('A');
    await a.store.runs.create(run);
    await a.store.approvalCards.save(card);
    expect(await a.leases.acquire(run.id)).toBe(true);
    // Bob's click reached A: claimed, on its way to Harness (Harness has not recorded it yet).
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((r) => {
      answer = r;
    });
    const sending = a.ledger.whileSending('ap1', 'U0BOB', 'APPROVE', () => answered);
    await expect.poll(() => a.store.claims.unconfirmedApprovalClicks()).toHaveLength(1);

    // B starts meanwhile: the run is A's, so B leaves the click alone.
    const b = await replica('B');
    expect(await b.leases.acquire(run.id)).toBe(false);
    await expect(b.recover()).resolves.toBe(0);
    expect(await b.store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({
      sent: false,
      action: 'APPROVE',
    });
    expect((await b.store.audit.trail({ runId: run.id })).map((e) => e.action)).not.toContain(
      'approval.released',
    );
    expect(harness.argsOf('getApproval')).toEqual([]);

    // A dies before Harness answers, and never hears back: its lease lapses, B takes the run over
    // and settles the click from Harness's record (none: freed, Bob can click again).
    clock.advance(TTL + 1);
    expect(await b.leases.acquire(run.id)).toBe(true);
    await expect(b.recover()).resolves.toBe(1);
    expect(await b.store.claims.approvalClick('ap1', 'U0BOB')).toBeUndefined();
    answer();
    await sending;
  });

  it('clicks of a finished run are settled by any replica (nobody follows it any more)', async () => {
    const a = await replica('A');
    await a.store.runs.create({ ...run, status: 'Success', bucket: 'succeeded', finishedAt: clock.now() });
    await a.store.approvalCards.save(card);
    await a.store.claims.claimApprovalClick('ap1', 'U0BOB', 'APPROVE', clock.now());
    const b = await replica('B');
    await expect(b.recover()).resolves.toBe(1);
    expect(await b.store.claims.approvalClick('ap1', 'U0BOB')).toBeUndefined();
  });
});
