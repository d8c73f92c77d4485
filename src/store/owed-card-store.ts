import { z } from 'zod';
import type { OwedCardStore } from '../ports/store.js';
import type { Db } from './database.js';

const owedRow = z.object({ run_id: z.string() });

/** One row per run card that still owes its run's end; owing twice keeps the first time. */
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
  };
}
