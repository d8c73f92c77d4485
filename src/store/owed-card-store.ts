import { z } from 'zod';
import type { OwedCardStore } from '../ports/store.js';
import type { Db } from './database.js';

const owedRow = z.object({ run_id: z.string() });

/**
 * One row per run card that still owes its run's end; owing twice keeps the first time. `at` is
 * when the row was last known to be looked after: its owing replica touches it at every lease
 * scan, so a row left untouched past the lease TTL is a dead replica's, for another to claim.
 */
export function createOwedCardStore(db: Db): OwedCardStore {
  return {
    async owe(runId, at) {
      await db
        .insertInto('owed_cards')
        .values({ run_id: runId, at })
        .onConflict((oc) => oc.column('run_id').doNothing())
        .execute();
    },
    async paid(runId) {
      await db.deleteFrom('owed_cards').where('run_id', '=', runId).execute();
    },
    async list() {
      const rows = await db
        .selectFrom('owed_cards')
        .select('run_id')
        .orderBy('at')
        .orderBy('run_id')
        .execute();
      return rows.map((r) => owedRow.parse(r).run_id);
    },
    async touch(runIds, now) {
      if (runIds.length === 0) return;
      await db.updateTable('owed_cards').set({ at: now }).where('run_id', 'in', runIds).execute();
    },
    async claimStale(before, now) {
      const rows = await db
        .selectFrom('owed_cards')
        .select('run_id')
        .where('at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('run_leases')
                .select('run_leases.run_id')
                .whereRef('run_leases.run_id', '=', 'owed_cards.run_id')
                .where('run_leases.expires_at', '>=', now),
            ),
          ),
        )
        .orderBy('at')
        .orderBy('run_id')
        .execute();
      const claimed: string[] = [];
      for (const { run_id: runId } of rows.map((r) => owedRow.parse(r))) {
        // A conditional update: of two replicas claiming at once, the second finds the row
        // touched (PostgreSQL re-reads a row updated meanwhile before applying its WHERE; SQLite
        // has one writer), so it updates nothing and leaves the card alone.
        const result = await db
          .updateTable('owed_cards')
          .set({ at: now })
          .where('run_id', '=', runId)
          .where('at', '<', before)
          .executeTakeFirst();
        if (result.numUpdatedRows === 1n) claimed.push(runId);
      }
      return claimed;
    },
  };
}
