import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { z } from 'zod';
import type { RateGate, RateRule } from '../ports/rate-gate.js';
import type { Db } from './database.js';

/**
 * Rate budgets shared by every replica on one PostgreSQL database (migration `0003-rate-budgets`).
 *
 * One row per budget key holds the times of its last `limit` turns (`grants`, milliseconds, the
 * database's clock, oldest first). Taking a turn is one upsert: under the row's lock, the new
 * turn is at the later of now and the turn `limit` back plus the window, so any `limit + 1`
 * consecutive turns span at least the window: never more than `limit` in any sliding window,
 * whichever replicas took them. A turn may lie ahead (a reservation): the caller sleeps until it,
 * so replicas queue in the order they asked and nobody polls. The database's clock, not each
 * replica's, dates every turn, so clock skew between nodes cannot overspend.
 *
 * Why shared rather than each replica taking 1/N: a split needs the live replica count, and while
 * one joins or leaves the others have already spent by the old share, so a split either
 * overspends during the change or must stall. This is exact at any moment, for one statement per
 * turn (measured in the README: Several replicas).
 */
export const SEND_MARGIN_MS = 250;

/**
 * A turn is used a little after the database granted it (the answer travels back, the event loop
 * runs, the request travels to Slack or Harness), and not equally late on every replica: turns
 * are spaced by the window plus this margin (at most 5% of the window).
 */
export function marginFor(windowMs: number): number {
  return Math.min(SEND_MARGIN_MS, Math.floor(windowMs / 20));
}

const waitRow = z.object({ wait_ms: z.coerce.number() });

/** Reserves `key`'s next turn and returns how many milliseconds until it (0 or less: now). */
export async function reserveTurn(db: Db, key: string, rule: RateRule): Promise<number> {
  const limit = Math.max(1, Math.floor(rule.limit));
  const spacing = Math.ceil(rule.windowMs) + marginFor(rule.windowMs);
  // Out-of-range array subscripts are NULL in PostgreSQL: with fewer than `limit` turns kept,
  // nothing constrains the new one. The slice keeps the last `limit` turns.
  const { rows } = await sql`
    insert into rate_budgets as b (key, grants)
    values (${key}, array[(extract(epoch from clock_timestamp()) * 1000)::bigint])
    on conflict (key) do update set grants = (
      select (b.grants || next.at)[greatest(1, cardinality(b.grants) + 2 - ${limit}::int):]
      from (
        select greatest(
          (extract(epoch from clock_timestamp()) * 1000)::bigint,
          coalesce(b.grants[cardinality(b.grants) + 1 - ${limit}::int] + ${spacing}::bigint, 0)
        ) as at
      ) as next
    )
    returning grants[cardinality(grants)] - (extract(epoch from clock_timestamp()) * 1000)::bigint as wait_ms
  `.execute(db);
  const row = rows[0];
  if (row === undefined) throw new Error(`the rate budget ${key} answered no turn`);
  return waitRow.parse(row).wait_ms;
}

/** How long to wait before asking the database again when it did not answer. */
const RETRY_MS = [250, 500, 1000, 2000, 2000] as const;

/** Sleeps `ms`; when `signal` aborts, rejects with its reason (the caller's own error). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (err) {
    signal?.throwIfAborted();
    throw err;
  }
}

/**
 * The shared gate. A database that does not answer is asked again for about 6 s (a failover, a
 * dropped connection) and then the turn fails: a call is never made without its turn.
 */
export function createSharedRateGate(db: Db): RateGate {
  return {
    shared: true,
    async turn(key, rule, signal) {
      signal?.throwIfAborted();
      let wait: number | undefined;
      for (let attempt = 0; wait === undefined; attempt++) {
        try {
          wait = await reserveTurn(db, key, rule);
        } catch (err) {
          const retryIn = RETRY_MS[attempt];
          if (retryIn === undefined) throw err;
          await pause(retryIn, signal);
        }
      }
      if (wait > 0) await pause(wait, signal);
      signal?.throwIfAborted();
    },
  };
}
