import { z } from 'zod';
import type { ApprovalCardRecord, ApprovalCardStore } from '../ports/store.js';
import type { Db } from './database.js';

const cardRow = z.object({
  approval_id: z.string(),
  run_id: z.string(),
  channel_id: z.string(),
  ts: z.string(),
  step_name: z.string(),
  status: z.string(),
  updated_at: z.number(),
});

function fromRow(raw: unknown): ApprovalCardRecord {
  const r = cardRow.parse(raw);
  return {
    approvalId: r.approval_id,
    runId: r.run_id,
    channelId: r.channel_id,
    ts: r.ts,
    stepName: r.step_name,
    status: r.status,
    updatedAt: r.updated_at,
  };
}

export function createApprovalCardStore(db: Db): ApprovalCardStore {
  return {
    async save(c) {
      await db
        .insertInto('approval_cards')
        .values({
          approval_id: c.approvalId,
          run_id: c.runId,
          channel_id: c.channelId,
          ts: c.ts,
          step_name: c.stepName,
          status: c.status,
          updated_at: c.updatedAt,
        })
        // The card of an approval stays in its run and channel; what it shows and where it is change.
        .onConflict((oc) =>
          oc.column('approval_id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            updated_at: eb.ref('excluded.updated_at'),
            ts: eb.ref('excluded.ts'),
          })),
        )
        .execute();
    },
    async get(approvalId) {
      const row = await db
        .selectFrom('approval_cards')
        .selectAll()
        .where('approval_id', '=', approvalId)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async forRun(runId) {
      const rows = await db
        .selectFrom('approval_cards')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('updated_at')
        .execute();
      return rows.map(fromRow);
    },
    async waiting(limit) {
      const rows = await db
        .selectFrom('approval_cards')
        .selectAll()
        .where('status', '=', 'WAITING')
        .orderBy('updated_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
  };
}
