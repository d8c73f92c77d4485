import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flagRun } from '../helpers/fake-ports.js';
import { createLogger } from '../../src/logger.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import { leaseTiming, RunLeases } from '../../src/runs/run-leases.js';
import type { TakeOver } from '../../src/runs/run-leases.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { eventually } from '../helpers/stack.js';

/** Two replicas' lease keepers on one PostgreSQL schema, with real time and a short TTL. */
const TTL = 900;

const run = (id: string, over: Partial<RunRecord> = {}): RunRecord => flagRun(id, over);

/** What a replica was asked to do with runs it took over or lost. */
function recorder(): TakeOver & { followed: string[]; repaired: string[]; lostIds: string[] } {
  const r = {
    followed: [] as string[],
    repaired: [] as string[],
    lostIds: [] as string[],
    follow: (x: RunRecord) => {
      r.followed.push(x.id);
    },
    repair: (x: RunRecord) => {
      r.repaired.push(x.id);
    },
    lost: (id: string) => {
      r.lostIds.push(id);
    },
  };
  return r;
}

describe('run leases between two replicas', () => {
  let schema: TestSchema;
  let stores: Store[];
  let keepers: RunLeases[];

  beforeEach(async () => {
    schema = await createTestSchema();
    stores = [];
    keepers = [];
  });
  afterEach(async () => {
    await Promise.all(keepers.map((k) => k.stop()));
    await Promise.all(stores.map((s) => s.close()));
    await schema.drop();
  });

  async function replica(owner: string, ttlMs = TTL): Promise<{ leases: RunLeases; store: Store }> {
    const store = await openStore({ databaseUrl: schema.url, databasePath: ':memory:' });
    stores.push(store);
    const leases = new RunLeases({
      store,
      owner,
      timing: leaseTiming(ttlMs),
      now: Date.now,
      logger: createLogger('silent'),
    });
    keepers.push(leases);
    return { leases, store };
  }

  it('takes over a dead replica’s runs once their leases expire: followed, or repaired when never confirmed started', async () => {
    const a = await replica('A', 60_000);
    const b = await replica('B');
    await a.store.runs.create(run('r1'));
    await a.store.runs.create(run('r2', { executionId: undefined, status: 'starting' }));
    expect(await a.leases.acquire('r1')).toBe(true);
    // A's leases were taken with a short life, and A never renews them: A died.
    await a.store.leases.acquire('r2', 'A', Date.now(), TTL);
    await a.store.leases.acquire('r1', 'A', Date.now(), TTL);
    const took = recorder();
    b.leases.start(took);
    await b.leases.scan();
    expect(took.followed).toEqual([]);
    await eventually(
      () => took.followed.length + took.repaired.length,
      (n) => n === 2,
      5000,
    );
    expect(took.followed).toEqual(['r1']);
    expect(took.repaired).toEqual(['r2']);
    expect(b.leases.held).toBe(2);
    expect(await a.leases.acquire('r1')).toBe(false);
  });

  it('hands its runs over at once on a graceful stop, well before the TTL', async () => {
    const a = await replica('A', 60_000);
    const b = await replica('B', 60_000);
    await a.store.runs.create(run('r1'));
    expect(await a.leases.acquire('r1')).toBe(true);
    const took = recorder();
    b.leases.start(took);
    await b.leases.scan();
    expect(took.followed).toEqual([]);
    // The lease would live a minute: B's next scan after A's stop takes the run anyway.
    await a.leases.stop();
    await b.leases.scan();
    expect(took.followed).toEqual(['r1']);
  });

  it('stops following a run whose lease it lost, and lets a finished run’s lease go', async () => {
    const a = await replica('A');
    const b = await replica('B');
    await a.store.runs.create(run('r1'));
    await a.store.runs.create(run('r2'));
    expect(await a.leases.acquire('r1')).toBe(true);
    expect(await a.leases.acquire('r2')).toBe(true);
    const aLost = recorder();
    a.leases.start(aLost);
    // B steals r1 as if A's lease had expired (A paused past its TTL); r2's run finishes.
    await b.store.leases.acquire('r1', 'B', Date.now() + 60_000, TTL);
    await a.store.runs.update('r2', { finishedAt: Date.now() });
    await eventually(
      () => [...aLost.lostIds].sort(),
      (ids) => ids.length === 2,
      5000,
    );
    expect(a.leases.held).toBe(0);
    expect(await b.store.leases.held('A', Date.now())).toEqual([]);
    expect(await b.store.leases.held('B', Date.now())).toEqual(['r1']);
  });
});
