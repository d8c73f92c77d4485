import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import { runRecord } from '../helpers/fake-ports.js';
import { STORE_BACKENDS } from '../helpers/store-backends.js';

// Millisecond times beyond 32 bits, as Date.now() gives them.
const T = 1_764_000_000_000;
const TTL = 30_000;

describe.each(STORE_BACKENDS)('owed cards on $name', (backend) => {
  let store: Store;
  let other: Store | undefined;
  let tearDown: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    tearDown = undefined;
    const fresh = await backend.setUp();
    store = await fresh.open();
    other = backend.name === 'postgres' ? await fresh.open() : undefined;
    tearDown = () => fresh.tearDown();
  });
  afterEach(async () => {
    if (tearDown === undefined) return;
    await store.close();
    await other?.close();
    await tearDown();
  });

  async function owed(id: string, at: number): Promise<void> {
    await store.runs.create(runRecord({ id, executionId: `ex-${id}`, finishedAt: at, createdAt: at }));
    await store.owedCards.owe(id, at);
  }

  it('claims only rows untouched since the cutoff, and each once', async () => {
    await owed('r1', T);
    await owed('r2', T);
    await owed('r3', T);
    // r2's owner is alive: it touched the row since.
    await store.owedCards.touch(['r2'], T + TTL);
    expect(await store.owedCards.claimStale(T, T)).toEqual([]);
    const now = T + TTL + 1;
    expect(await store.owedCards.claimStale(now - TTL, now)).toEqual(['r1', 'r3']);
    // Claimed rows are touched: a second replica asking now finds nothing to repay.
    expect(await (other ?? store).owedCards.claimStale(now - TTL, now)).toEqual([]);
    // Still owed until repaid (a claimer that dies leaves them for the next, a lease's life later).
    expect(await store.owedCards.list()).toEqual(['r2', 'r1', 'r3']);
    const later = now + TTL + 1;
    expect(await store.owedCards.claimStale(later - TTL, later)).toEqual(['r2', 'r1', 'r3']);
  });

  it('leaves the card of a run some replica holds a live lease on', async () => {
    await owed('r1', T);
    const now = T + TTL + 1;
    expect(await store.leases.acquire('r1', 'B', now, TTL)).toBe(true);
    expect(await store.owedCards.claimStale(now - TTL, now)).toEqual([]);
    expect(await store.owedCards.claimStale(now + TTL + 1 - TTL, now + TTL + 1)).toEqual(['r1']);
  });

  it('two stores claiming at once: each row goes to one of them', async () => {
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) await owed(id, T);
    const now = T + TTL + 1;
    const [mine, theirs] = await Promise.all([
      store.owedCards.claimStale(now - TTL, now),
      (other ?? store).owedCards.claimStale(now - TTL, now),
    ]);
    expect([...mine, ...theirs].sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });
});
