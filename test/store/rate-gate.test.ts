import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateRule } from '../../src/ports/rate-gate.js';
import type { Store } from '../../src/ports/store.js';
import { createRequestBudget } from '../../src/harness/request-budget.js';
import { STORE_BACKENDS } from '../helpers/store-backends.js';
import { maxInWindow } from '../helpers/rate-windows.js';

/**
 * The store's rate budgets (`store.budgets`): this process's own on SQLite, shared through the
 * database on PostgreSQL. Times are taken when a turn comes; a turn may come a little late on a
 * busy machine (never early), so windows are counted a little shorter than the rule's.
 */
const LATE_MS = 60;

async function takeTurns(store: Store, key: string, rule: RateRule, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      await store.budgets.turn(key, rule);
      return Date.now();
    }),
  );
}

describe.each(STORE_BACKENDS)('rate budgets on $name', (backend) => {
  let store: Store;
  let tearDown: (() => Promise<void>) | undefined;
  let fresh: Awaited<ReturnType<typeof backend.setUp>>;

  beforeEach(async () => {
    tearDown = undefined;
    fresh = await backend.setUp();
    store = await fresh.open();
    tearDown = () => fresh.tearDown();
  });
  afterEach(async () => {
    if (tearDown === undefined) return;
    await store.close();
    await tearDown();
  });

  it('gives at most `limit` turns in any window, and the rest wait their turn', async () => {
    const rule = { limit: 3, windowMs: 800 };
    const started = Date.now();
    const times = await takeTurns(store, 'slack:chat.update', rule, 7);
    expect(maxInWindow(times, rule.windowMs - LATE_MS)).toBeLessThanOrEqual(3);
    // Seven turns at three a window: the seventh waited for two windows to pass.
    expect(Math.max(...times) - started).toBeGreaterThanOrEqual(2 * rule.windowMs - LATE_MS);
  });

  it('keeps keys apart: one key spent does not hold another', async () => {
    const rule = { limit: 2, windowMs: 60_000 };
    await takeTurns(store, 'slack:chat.update', rule, 2);
    const other = store.budgets.turn('slack:chat.postMessage:C1', rule);
    await expect(other).resolves.toBeUndefined();
    const stop = new AbortController();
    const spent = store.budgets.turn('slack:chat.update', rule, stop.signal);
    const first = await Promise.race([
      spent.then(() => 'turn'),
      new Promise((r) => setTimeout(r, 300, 'waiting')),
    ]);
    expect(first).toBe('waiting');
    stop.abort(new Error('done'));
    await expect(spent).rejects.toThrow('done');
  });

  it('ends a wait with the caller signal reason', async () => {
    const rule = { limit: 1, windowMs: 60_000 };
    await store.budgets.turn('harness:requests', rule);
    const stop = new AbortController();
    const waiting = store.budgets.turn('harness:requests', rule, stop.signal);
    setTimeout(() => {
      stop.abort(new Error('the bot stops'));
    }, 100);
    await expect(waiting).rejects.toThrow('the bot stops');
  });

  it('paces the Harness request budget through it', async () => {
    // 12 a minute: one request per 5-second window.
    const budget = createRequestBudget(12, store.budgets);
    await budget.acquire();
    const second = budget.acquire();
    const first = await Promise.race([
      second.then(() => 'turn'),
      new Promise((r) => setTimeout(r, 500, 'waiting')),
    ]);
    expect(first).toBe('waiting');
    expect(budget.waiting).toBe(1);
    void second.catch(() => undefined);
  });

  if (backend.name === 'postgres') {
    it('is one budget for two replicas on one schema: together they stay inside it, and both get turns', async () => {
      const other = await fresh.open();
      try {
        expect(store.budgets.shared && other.budgets.shared).toBe(true);
        const rule = { limit: 2, windowMs: 700 };
        const started = Date.now();
        const [mine, theirs] = await Promise.all([
          takeTurns(store, 'slack:chat.update', rule, 5),
          takeTurns(other, 'slack:chat.update', rule, 5),
        ]);
        const all = [...mine, ...theirs];
        expect(maxInWindow(all, rule.windowMs - LATE_MS)).toBeLessThanOrEqual(2);
        // Ten turns at two a window: the last came four windows after the first (two budgets of
        // their own would have ended in about half that).
        expect(Math.max(...all) - started).toBeGreaterThanOrEqual(4 * rule.windowMs - LATE_MS);
        expect(mine.length).toBe(5);
        expect(theirs.length).toBe(5);
      } finally {
        await other.close();
      }
    });
  } else {
    it('is this process own on SQLite (one process per file)', () => {
      expect(store.budgets.shared).toBe(false);
    });
  }
});
