import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_BACKENDS } from '../helpers/store-backends.js';
import { runRecord } from '../helpers/fake-ports.js';
import type { RunRecord, Store } from '../../src/ports/store.js';

/** Two stores on one fresh database: two replicas. */
const backends = STORE_BACKENDS;

const T = 1_764_000_000_000;
const TTL = 15_000;

/** A run as these tests store it (runRecord's shape, with their own ids and times). */
function run(id: string, over: Partial<RunRecord> = {}): RunRecord {
  const at = T;
  return runRecord({
    id,
    workflowId: 'deploy-service',
    requesterId: 'U1',
    channelId: 'C1',
    cardTs: '1.1',
    executionId: `exec-${id}`,
    pipelineId: 'deploy',
    status: 'Running',
    executionUrl: undefined,
    createdAt: at,
    updatedAt: at,
    ...over,
  });
}

describe.each(backends)('run leases on $name', (backend) => {
  let a: Store;
  let b: Store;
  let tearDown: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    tearDown = undefined;
    const fresh = await backend.setUp();
    a = await fresh.open();
    b = await fresh.open();
    tearDown = () => fresh.tearDown();
  });
  afterEach(async () => {
    if (tearDown === undefined) return;
    await Promise.all([a.close(), b.close()]);
    await tearDown();
  });

  it('gives a free lease to the first replica, refuses it to another until it expires, and keeps it for its owner', async () => {
    expect(await a.leases.acquire('r1', 'A', T, TTL)).toBe(true);
    expect(await b.leases.acquire('r1', 'B', T + 1000, TTL)).toBe(false);
    expect(await a.leases.acquire('r1', 'A', T + 1000, TTL)).toBe(true);
    // A's lease now runs to T + 1000 + TTL: still live just before, taken just after.
    expect(await b.leases.acquire('r1', 'B', T + 1000 + TTL - 1, TTL)).toBe(false);
    expect(await b.leases.acquire('r1', 'B', T + 1000 + TTL + 1, TTL)).toBe(true);
    expect(await a.leases.held('A', T + 1000 + TTL + 2)).toEqual([]);
    expect(await b.leases.held('B', T + 1000 + TTL + 2)).toEqual(['r1']);
  });

  it('lets exactly one of many replicas acquiring at once win', async () => {
    const owners = ['A', 'B', 'C', 'D', 'E', 'F'];
    const wins = await Promise.all(
      owners.map((owner, i) => (i % 2 === 0 ? a : b).leases.acquire('r1', owner, T, TTL)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = owners[wins.indexOf(true)] ?? '';
    expect(await a.leases.held(winner, T)).toEqual(['r1']);
    // The same once the lease expired: one of the racers takes it over, never two.
    const later = T + TTL + 1;
    const again = await Promise.all(
      owners.map((owner, i) => (i % 2 === 0 ? b : a).leases.acquire('r1', owner, later, TTL)),
    );
    expect(again.filter(Boolean)).toHaveLength(1);
  });

  it('renews only the leases still held, so a lost one is reported lost', async () => {
    await a.leases.acquire('r1', 'A', T, TTL);
    await a.leases.acquire('r2', 'A', T, TTL);
    // r2 expired and B took it over: A's renewal keeps r1 and loses r2.
    expect(await b.leases.acquire('r2', 'B', T + TTL + 1, TTL)).toBe(true);
    expect((await a.leases.renew('A', ['r1', 'r2'], T + TTL + 2, TTL)).sort()).toEqual(['r1']);
    expect(await b.leases.acquire('r1', 'B', T + TTL + 3, TTL)).toBe(false);
    expect(await a.leases.renew('A', [], T, TTL)).toEqual([]);
  });

  it('stops renewing the lease of a finished run, and renews one whose run is not written yet', async () => {
    await a.runs.create(run('r1'));
    await a.leases.acquire('r1', 'A', T, TTL);
    await a.leases.acquire('r2', 'A', T, TTL);
    expect((await a.leases.renew('A', ['r1', 'r2'], T + 1, TTL)).sort()).toEqual(['r1', 'r2']);
    await a.runs.update('r1', { finishedAt: T + 2 });
    expect(await a.leases.renew('A', ['r1', 'r2'], T + 3, TTL)).toEqual(['r2']);
  });

  it('frees released leases at once, and only the owner’s', async () => {
    await a.leases.acquire('r1', 'A', T, TTL);
    await b.leases.release('B', ['r1']);
    expect(await b.leases.acquire('r1', 'B', T + 1, TTL)).toBe(false);
    await a.leases.release('A', ['r1']);
    expect(await b.leases.acquire('r1', 'B', T + 2, TTL)).toBe(true);
  });

  it('lists open runs without a live lease: never leased, expired or released, not finished ones', async () => {
    await a.runs.create(run('r1', { createdAt: T }));
    await a.runs.create(run('r2', { createdAt: T + 1 }));
    await a.runs.create(run('r3', { createdAt: T + 2 }));
    await a.runs.create(run('r4', { createdAt: T + 3, finishedAt: T + 5 }));
    await a.leases.acquire('r1', 'A', T, TTL);
    await a.leases.acquire('r2', 'A', T, 1000);
    expect(await b.leases.unleasedOpenRuns(T + 500)).toEqual(['r3']);
    expect(await b.leases.unleasedOpenRuns(T + 1001)).toEqual(['r2', 'r3']);
    await a.leases.release('A', ['r1']);
    expect(await b.leases.unleasedOpenRuns(T + 1001)).toEqual(['r1', 'r2', 'r3']);
  });
});
