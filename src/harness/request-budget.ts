import pThrottle from 'p-throttle';

/**
 * One budget of requests for everything that talks to Harness with one key: many tracked runs,
 * pickers and approvals share it, so together they stay under Harness's 1,000 requests per
 * minute per key (https://developer.harness.io/docs/platform/rate-limits/). Requests beyond it
 * wait their turn instead of failing.
 */
export interface RequestBudget {
  acquire(): Promise<void>;
  /** Requests waiting for their turn now. */
  readonly waiting: number;
}

/** Default: well under Harness's per-key limit, leaving room for people using the same key. */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;

export function createRequestBudget(perMinute = DEFAULT_REQUESTS_PER_MINUTE): RequestBudget {
  if (!Number.isFinite(perMinute) || perMinute < 1)
    throw new RangeError('the request budget must allow at least 1 request per minute');
  // Twelve windows a minute: smooth enough that a burst cannot spend the whole minute at once.
  const windows = Math.min(12, Math.max(1, Math.floor(perMinute)));
  const throttled = pThrottle({
    limit: Math.max(1, Math.floor(perMinute / windows)),
    interval: 60_000 / windows,
  })(async () => {
    // Nothing to do: the turn itself is the point.
  });
  return {
    acquire: async () => {
      await throttled();
    },
    get waiting() {
      return throttled.queueSize;
    },
  };
}
