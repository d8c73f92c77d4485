import { z } from 'zod';
import type { LeaseStore } from '../ports/store.js';
import type { Db } from './database.js';

const idRow = z.object({ run_id: z.string() });
const runIdRow = z.object({ id: z.string() });

/**
 * Run leases as one row per run. Taking a lease is a single upsert whose update only applies
 * when the lease expired or is already ours, so the database decides between two replicas
 * trying at once: the count of written rows says who won (PostgreSQL's row lock on the
 * conflicting row, SQLite's single writer).
 */
export function createLeaseStore(db: Db): LeaseStore {
  return {
    async acquire(runId, owner, now, ttlMs) {
      const result = await db
        .insertInto('run_leases')
        .values({ run_id: runId, owner, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('run_id')
            .doUpdateSet((eb) => ({
              owner: eb.ref('excluded.owner'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where((eb) =>
              eb.or([eb('run_leases.expires_at', '<', now), eb('run_leases.owner', '=', owner)]),
            ),
        )
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) === 1n;
    },
    async renew(owner, runIds, now, ttlMs) {
      if (runIds.length === 0) return [];
      const rows = await db
        .updateTable('run_leases')
        .set({ expires_at: now + ttlMs })
        .where('owner', '=', owner)
        .where('run_id', 'in', runIds)
        // A finished run needs no follower: its lease lapses (the run's starter takes the lease
        // before it writes the run, so a run not written yet is not finished).
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('runs')
                .select('runs.id')
                .whereRef('runs.id', '=', 'run_leases.run_id')
                .where('runs.finished_at', 'is not', null),
            ),
          ),
        )
        .returning('run_id')
        .execute();
      return rows.map((r) => idRow.parse(r).run_id);
    },
    async release(owner, runIds) {
      if (runIds.length === 0) return;
      await db.deleteFrom('run_leases').where('owner', '=', owner).where('run_id', 'in', runIds).execute();
    },
    async unleasedOpenRuns(now) {
      const rows = await db
        .selectFrom('runs')
        .leftJoin('run_leases', 'run_leases.run_id', 'runs.id')
        .select('runs.id')
        .where('runs.finished_at', 'is', null)
        .where((eb) => eb.or([eb('run_leases.run_id', 'is', null), eb('run_leases.expires_at', '<', now)]))
        .orderBy('runs.created_at')
        .execute();
      return rows.map((r) => runIdRow.parse(r).id);
    },
    async held(owner, now) {
      const rows = await db
        .selectFrom('run_leases')
        .select('run_id')
        .where('owner', '=', owner)
        .where('expires_at', '>=', now)
        .execute();
      return rows.map((r) => idRow.parse(r).run_id);
    },
  };
}
