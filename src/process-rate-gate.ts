import pThrottle from 'p-throttle';
import type { RateGate, RateRule } from './ports/rate-gate.js';

type Turn = (() => Promise<void>) & { readonly queueSize: number };

/**
 * Budgets kept in this process: p-throttle's strict algorithm per key (never more than `limit`
 * calls in any `interval`). Enough where one process is the whole deployment (SQLite, tests);
 * several replicas share theirs through the database instead (`src/store/budget-store.ts`).
 */
export function createProcessRateGate(): RateGate {
  const turns = new Map<string, Turn>();
  const turnOf = (key: string, rule: RateRule): Turn => {
    let turn = turns.get(key);
    if (turn === undefined) {
      turn = pThrottle({ limit: Math.max(1, Math.floor(rule.limit)), interval: rule.windowMs, strict: true })(
        async () => {
          // Only the turn is throttled; the caller's work runs after it.
        },
      );
      turns.set(key, turn);
    }
    return turn;
  };
  return {
    shared: false,
    async turn(key, rule, signal) {
      signal?.throwIfAborted();
      const turn = turnOf(key, rule)();
      if (signal === undefined) return turn;
      // The throttle cannot forget a queued call: an aborted caller stops waiting, its turn is spent.
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        turn.then(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          (err: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
    },
  };
}
