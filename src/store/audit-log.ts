import { z } from 'zod';
import type { AuditEvent, AuditLog } from '../ports/store.js';
import type { Db } from './database.js';

const auditRow = z.object({
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  workflow_id: z.string().nullable(),
  run_id: z.string().nullable(),
  details: z.string(),
});

function fromRow(raw: unknown): AuditEvent {
  const r = auditRow.parse(raw);
  return {
    at: r.at,
    actor: r.actor,
    action: r.action,
    workflowId: r.workflow_id ?? undefined,
    runId: r.run_id ?? undefined,
    details: z.record(z.string(), z.unknown()).parse(JSON.parse(r.details)),
  };
}

/** Append-only; the row id gives the order events were recorded in (two may share a millisecond). */
export function createAuditLog(db: Db): AuditLog {
  return {
    async record(e) {
      await db
        .insertInto('audit')
        .values({
          at: e.at,
          actor: e.actor,
          action: e.action,
          workflow_id: e.workflowId ?? null,
          run_id: e.runId ?? null,
          details: JSON.stringify(e.details),
        })
        .execute();
    },
    async trail(filter = {}) {
      let query = db
        .selectFrom('audit')
        .select(['at', 'actor', 'action', 'workflow_id', 'run_id', 'details'])
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100);
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
      // The latest `limit`, given oldest first.
      return (await query.execute()).map(fromRow).reverse();
    },
  };
}
