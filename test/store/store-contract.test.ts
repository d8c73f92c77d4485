import { describe, expect, it } from 'vitest';
import { STORE_BACKENDS } from '../helpers/store-backends.js';
import { storePerTest } from '../helpers/store-per-test.js';
import { runRecord } from '../helpers/fake-ports.js';
import type { RunRecord, Store } from '../../src/ports/store.js';

const backends = STORE_BACKENDS;

// Millisecond times beyond 32 bits, as Date.now() gives them.
const T = 1_764_000_000_000;

/** A run as these tests store it (runRecord's shape, with their own ids and times). */
function run(id: string, over: Partial<RunRecord> = {}): RunRecord {
  const at = T;
  return runRecord({
    id,
    workflowId: 'deploy-service',
    requesterId: 'U1',
    channelId: 'C1',
    cardTs: undefined,
    executionId: undefined,
    pipelineId: 'deploy',
    status: 'starting',
    executionUrl: undefined,
    createdAt: at,
    updatedAt: at,
    ...over,
  });
}

describe.each(backends)('store on $name', (backend) => {
  let store: Store;
  const others: Store[] = [];
  const open = storePerTest(backend, {
    opened: (s) => (store = s),
    toClose: () => [store, ...others.splice(0)],
  });

  describe('runs', () => {
    it('gives back a created run as it was written, absent fields undefined', async () => {
      const r = run('r1');
      await store.runs.create(r);
      expect(await store.runs.get('r1')).toEqual(r);
      expect(await store.runs.get('nope')).toBeUndefined();
    });

    it('updates and returns the stored run; a key given as undefined clears its column', async () => {
      await store.runs.create(run('r1', { error: 'boom', cardTs: '1.1' }));
      const updated = await store.runs.update('r1', {
        executionId: 'exec-1',
        status: 'Success',
        finishedAt: T + 5,
        inputs: { changed: 1 },
        error: undefined,
      });
      expect(updated).toEqual(
        run('r1', {
          cardTs: '1.1',
          executionId: 'exec-1',
          status: 'Success',
          finishedAt: T + 5,
          inputs: { changed: 1 },
        }),
      );
      expect(await store.runs.get('r1')).toEqual(updated);
      expect(await store.runs.update('r1', {})).toEqual(updated);
    });

    it('throws when updating a run that does not exist', async () => {
      await expect(store.runs.update('ghost', { status: 'x' })).rejects.toThrow('no run ghost');
    });

    it('finds a run by its execution, lists open runs oldest first and a person’s recent runs newest first', async () => {
      await store.runs.create(run('a', { createdAt: T + 2, executionId: 'e-a' }));
      await store.runs.create(run('b', { createdAt: T + 1, finishedAt: T + 9 }));
      await store.runs.create(run('c', { createdAt: T + 3 }));
      await store.runs.create(run('d', { createdAt: T, requesterId: 'U2' }));
      expect((await store.runs.findByExecution('e-a'))?.id).toBe('a');
      expect(await store.runs.findByExecution('e-none')).toBeUndefined();
      expect((await store.runs.open()).map((r) => r.id)).toEqual(['d', 'a', 'c']);
      expect((await store.runs.recent('U1', 2)).map((r) => r.id)).toEqual(['c', 'a']);
      expect((await store.runs.recent('U2', 10)).map((r) => r.id)).toEqual(['d']);
    });

    it('refuses a second run with the same id or execution', async () => {
      await store.runs.create(run('a', { executionId: 'e' }));
      await expect(store.runs.create(run('a'))).rejects.toThrow();
      await expect(store.runs.create(run('b', { executionId: 'e' }))).rejects.toThrow();
    });
  });

  describe('claims', () => {
    it('claims a submission once', async () => {
      expect(await store.claims.claimSubmission('view-1', 'r1', T)).toBe(true);
      expect(await store.claims.claimSubmission('view-1', 'r2', T)).toBe(false);
      expect(await store.claims.claimSubmission('view-2', 'r2', T)).toBe(true);
    });

    it('records a thread event as an intention, then its outcome, and releases a failed one', async () => {
      expect(await store.claims.threadEvent('r1', 'started')).toBeUndefined();
      expect(await store.claims.claimThreadEvent('r1', 'started', T)).toBe(true);
      expect(await store.claims.claimThreadEvent('r1', 'started', T + 1)).toBe(false);
      expect(await store.claims.threadEvent('r1', 'started')).toEqual({ sent: false, ts: undefined, at: T });
      await store.claims.markThreadEventSent('r1', 'started', '123.456');
      expect(await store.claims.threadEvent('r1', 'started')).toEqual({ sent: true, ts: '123.456', at: T });
      expect(await store.claims.claimThreadEvent('r2', 'started', T)).toBe(true);
      await store.claims.markThreadEventSent('r2', 'started', undefined);
      expect(await store.claims.threadEvent('r2', 'started')).toEqual({ sent: true, ts: undefined, at: T });
      await store.claims.releaseThreadEvent('r1', 'started');
      expect(await store.claims.threadEvent('r1', 'started')).toBeUndefined();
      expect(await store.claims.claimThreadEvent('r1', 'started', T + 2)).toBe(true);
    });

    it('claims one person’s decision once, lists it until confirmed, and frees a released one', async () => {
      expect(await store.claims.claimApprovalClick('ap1', 'U1', 'approve', T)).toBe(true);
      expect(await store.claims.claimApprovalClick('ap1', 'U1', 'reject', T + 1)).toBe(false);
      expect(await store.claims.claimApprovalClick('ap1', 'U2', 'reject', T + 2)).toBe(true);
      expect(await store.claims.approvalClick('ap1', 'U1')).toEqual({
        action: 'approve',
        at: T,
        sent: false,
      });
      await store.claims.confirmApprovalClick('ap1', 'U1');
      expect(await store.claims.approvalClick('ap1', 'U1')).toEqual({ action: 'approve', at: T, sent: true });
      expect(await store.claims.unconfirmedApprovalClicks()).toEqual([
        { approvalId: 'ap1', slackUser: 'U2', action: 'reject', at: T + 2, sent: false },
      ]);
      await store.claims.releaseApprovalClick('ap1', 'U2');
      expect(await store.claims.approvalClick('ap1', 'U2')).toBeUndefined();
      expect(await store.claims.unconfirmedApprovalClicks()).toEqual([]);
      expect(await store.claims.claimApprovalClick('ap1', 'U2', 'approve', T + 3)).toBe(true);
    });

    it('lets exactly one of 20 concurrent claims of one key win, for each kind of claim', async () => {
      const wins = async (claim: (i: number) => Promise<boolean>): Promise<number> =>
        (await Promise.all(Array.from({ length: 20 }, (_, i) => claim(i)))).filter(Boolean).length;
      expect(await wins((i) => store.claims.claimSubmission('view-x', `r${String(i)}`, T))).toBe(1);
      expect(await wins((i) => store.claims.claimThreadEvent('r1', 'finished', T + i))).toBe(1);
      expect(
        await wins((i) => store.claims.claimApprovalClick('ap', 'U1', i % 2 ? 'approve' : 'reject', T)),
      ).toBe(1);
    });

    it('lets exactly one claim win when two stores (two replicas) race on one database', async () => {
      const second = await open();
      others.push(second);
      const stores = [store, second];
      const wins = async (claim: (s: Store, i: number) => Promise<boolean>): Promise<number> =>
        (await Promise.all(Array.from({ length: 20 }, (_, i) => claim(stores[i % 2] ?? store, i)))).filter(
          Boolean,
        ).length;
      expect(await wins((s, i) => s.claims.claimSubmission('view-r', `r${String(i)}`, T))).toBe(1);
      expect(await wins((s, i) => s.claims.claimThreadEvent('r1', 'k', T + i))).toBe(1);
      expect(await wins((s) => s.claims.claimApprovalClick('ap', 'U9', 'approve', T))).toBe(1);
      // What one replica wrote, the other reads.
      expect(await second.claims.approvalClick('ap', 'U9')).toEqual({
        action: 'approve',
        at: T,
        sent: false,
      });
    });
  });

  describe('approval cards', () => {
    it('saves a card, updates what it shows, and lists a run’s cards oldest first', async () => {
      const card = {
        approvalId: 'ap1',
        runId: 'r1',
        channelId: 'C1',
        ts: '1.1',
        stepName: 'Approve prod',
        status: 'WAITING',
        updatedAt: T + 5,
      };
      await store.approvalCards.save(card);
      await store.approvalCards.save({ ...card, approvalId: 'ap0', updatedAt: T + 1 });
      await store.approvalCards.save({ ...card, approvalId: 'other', runId: 'r2' });
      expect(await store.approvalCards.get('ap1')).toEqual(card);
      // Only status, ts and updatedAt change on a later save.
      await store.approvalCards.save({
        ...card,
        runId: 'rX',
        stepName: 'X',
        channelId: 'CX',
        ts: '2.2',
        status: 'APPROVED',
        updatedAt: T + 9,
      });
      expect(await store.approvalCards.get('ap1')).toEqual({
        ...card,
        ts: '2.2',
        status: 'APPROVED',
        updatedAt: T + 9,
      });
      expect((await store.approvalCards.forRun('r1')).map((c) => c.approvalId)).toEqual(['ap0', 'ap1']);
      expect(await store.approvalCards.get('none')).toBeUndefined();
    });

    it('lists the cards still waiting, the latest first, up to a limit (App Home)', async () => {
      const card = { runId: 'r1', channelId: 'C1', ts: '1.1', stepName: 'Approve', status: 'WAITING' };
      await store.approvalCards.save({ ...card, approvalId: 'old', updatedAt: T + 1 });
      await store.approvalCards.save({ ...card, approvalId: 'new', updatedAt: T + 3 });
      await store.approvalCards.save({ ...card, approvalId: 'mid', updatedAt: T + 2 });
      await store.approvalCards.save({ ...card, approvalId: 'done', status: 'APPROVED', updatedAt: T + 9 });
      expect((await store.approvalCards.waiting(10)).map((c) => c.approvalId)).toEqual(['new', 'mid', 'old']);
      expect((await store.approvalCards.waiting(2)).map((c) => c.approvalId)).toEqual(['new', 'mid']);
      await store.approvalCards.save({ ...card, approvalId: 'new', status: 'REJECTED', updatedAt: T + 10 });
      expect((await store.approvalCards.waiting(10)).map((c) => c.approvalId)).toEqual(['mid', 'old']);
    });
  });

  describe('audit', () => {
    it('gives the latest events oldest first, by run, the latest 100 by default', async () => {
      for (let i = 0; i < 105; i++) {
        await store.audit.record({
          at: T + i,
          actor: 'U1',
          action: `a${String(i)}`,
          workflowId: i % 2 ? 'wf' : undefined,
          runId: i % 3 === 0 ? 'r3' : undefined,
          details: { i, nested: { ok: true } },
        });
      }
      const all = await store.audit.trail();
      expect(all).toHaveLength(100);
      expect(all[0]).toEqual({
        at: T + 5,
        actor: 'U1',
        action: 'a5',
        workflowId: 'wf',
        runId: undefined,
        details: { i: 5, nested: { ok: true } },
      });
      expect(all[99]?.action).toBe('a104');
      expect((await store.audit.trail({ limit: 3 })).map((e) => e.action)).toEqual(['a102', 'a103', 'a104']);
      expect((await store.audit.trail({ runId: 'r3', limit: 2 })).map((e) => e.action)).toEqual([
        'a99',
        'a102',
      ]);
      expect(await store.audit.trail({ runId: 'none' })).toEqual([]);
    });
  });

  describe('identities', () => {
    it('saves, replaces and deletes a person’s link', async () => {
      const link = {
        slackUser: 'U1',
        harnessUuid: 'h-1',
        harnessEmail: undefined,
        sealedToken: 'sealed-FAKE-1',
        createdAt: T,
      };
      await store.identities.save(link);
      expect(await store.identities.get('U1')).toEqual(link);
      const again = {
        ...link,
        harnessUuid: 'h-2',
        harnessEmail: 'a@example.com',
        sealedToken: 'sealed-FAKE-2',
        createdAt: T + 1,
      };
      await store.identities.save(again);
      expect(await store.identities.get('U1')).toEqual(again);
      expect(await store.identities.delete('U1')).toBe(true);
      expect(await store.identities.delete('U1')).toBe(false);
      expect(await store.identities.get('U1')).toBeUndefined();
    });
  });

  describe('drafts', () => {
    it('keeps a draft for its owner only, replaces it, and drops drafts older than a day on save', async () => {
      await store.drafts.save('d1', 'U1', { page: 1, answers: { a: 'x' } }, T);
      expect(await store.drafts.get('d1', 'U1')).toEqual({ page: 1, answers: { a: 'x' } });
      expect(await store.drafts.get('d1', 'U2')).toBeUndefined();
      await store.drafts.save('d1', 'U1', { page: 2 }, T + 1);
      expect(await store.drafts.get('d1', 'U1')).toEqual({ page: 2 });
      await store.drafts.save('d2', 'U1', { fresh: true }, T + 1 + 86_400_000);
      expect(await store.drafts.get('d1', 'U1')).toEqual({ page: 2 });
      await store.drafts.save('d3', 'U1', {}, T + 2 + 86_400_000);
      expect(await store.drafts.get('d1', 'U1')).toBeUndefined();
      expect(await store.drafts.get('d2', 'U1')).toEqual({ fresh: true });
    });
  });

  it('keeps everything across a close and a reopen', async () => {
    await store.runs.create(run('kept'));
    await store.claims.claimSubmission('v', 'kept', T);
    await store.close();
    store = await open();
    expect((await store.runs.get('kept'))?.id).toBe('kept');
    expect(await store.claims.claimSubmission('v', 'kept', T)).toBe(false);
  });
});
