import type { RateGate, RateRule } from '../ports/rate-gate.js';
import { createProcessRateGate } from '../process-rate-gate.js';

/**
 * One budget of requests for everything that talks to Harness with one key: many tracked runs,
 * pickers and approvals share it, so together they stay under Harness's 1,000 requests per
 * minute per key (https://developer.harness.io/docs/platform/rate-limits/). Requests beyond it
 * wait their turn instead of failing. With several replicas on PostgreSQL the turns are taken
 * through the database (`src/store/budget-store.ts`), so the budget holds for the deployment.
 */
export interface RequestBudget {
  acquire(): Promise<void>;
  /** Requests of this process waiting for their turn now. */
  readonly waiting: number;
}

/** Default: well under Harness's per-key limit, leaving room for people using the same key. */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;

/** The gate key of the Harness budget (one key per deployment: every replica uses the bot's key). */
export const HARNESS_BUDGET_KEY = 'harness:requests';

/**
 * Twelve windows a minute: smooth enough that a burst cannot spend the whole minute at once.
 * At most `limit` in any sliding `windowMs` also keeps any minute (twelve such windows end to
 * end) at or under `perMinute`.
 */
export function harnessRule(perMinute: number): RateRule {
  const windows = Math.min(12, Math.max(1, Math.floor(perMinute)));
  return { limit: Math.max(1, Math.floor(perMinute / windows)), windowMs: 60_000 / windows };
}

export function createRequestBudget(
  perMinute = DEFAULT_REQUESTS_PER_MINUTE,
  gate: RateGate = createProcessRateGate(),
): RequestBudget {
  if (!Number.isFinite(perMinute) || perMinute < 1)
    throw new RangeError('the request budget must allow at least 1 request per minute');
  const rule = harnessRule(perMinute);
  let waiting = 0;
  return {
    acquire: async () => {
      waiting++;
      try {
        await gate.turn(HARNESS_BUDGET_KEY, rule);
      } finally {
        waiting--;
      }
    },
    get waiting() {
      return waiting;
    },
  };
}
