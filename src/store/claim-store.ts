import { z } from 'zod';
import type { ClaimStore } from '../ports/store.js';
import type { Db } from './database.js';

const clickRow = z.object({ action: z.string(), at: z.number(), sent: z.number() });
const unconfirmedRow = clickRow.extend({ approval_id: z.string(), slack_user: z.string() });
const eventRow = z.object({ sent: z.number(), ts: z.string().nullable(), at: z.number() });

/**
 * First writer wins: each claim is an insert that does nothing on a conflicting key, and the
 * count of inserted rows says who won. The database decides, so two replicas (or two taps
 * arriving together) cannot both win.
 */
function inserted(result: { numInsertedOrUpdatedRows?: bigint }[]): boolean {
  return result.reduce((n, r) => n + (r.numInsertedOrUpdatedRows ?? 0n), 0n) === 1n;
}

export function createClaimStore(db: Db): ClaimStore {
  return {
    async claimSubmission(key, runId, at) {
      const result = await db
        .insertInto('submissions')
        .values({ key, run_id: runId, at })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return inserted(result);
    },
    async claimThreadEvent(runId, key, at) {
      const result = await db
        .insertInto('thread_events')
        .values({ run_id: runId, key, at, sent: 0 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return inserted(result);
    },
    async markThreadEventSent(runId, key, ts) {
      await db
        .updateTable('thread_events')
        .set({ sent: 1, ts: ts ?? null })
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .execute();
    },
    async threadEvent(runId, key) {
      const row = await db
        .selectFrom('thread_events')
        .select(['sent', 'ts', 'at'])
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const r = eventRow.parse(row);
      return { sent: r.sent === 1, ts: r.ts ?? undefined, at: r.at };
    },
    async releaseThreadEvent(runId, key) {
      await db.deleteFrom('thread_events').where('run_id', '=', runId).where('key', '=', key).execute();
    },
    async claimApprovalClick(approvalId, slackUser, action, at) {
      const result = await db
        .insertInto('approval_clicks')
        .values({ approval_id: approvalId, slack_user: slackUser, action, at, sent: 0 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return inserted(result);
    },
    async confirmApprovalClick(approvalId, slackUser) {
      await db
        .updateTable('approval_clicks')
        .set({ sent: 1 })
        .where('approval_id', '=', approvalId)
        .where('slack_user', '=', slackUser)
        .execute();
    },
    async releaseApprovalClick(approvalId, slackUser) {
      await db
        .deleteFrom('approval_clicks')
        .where('approval_id', '=', approvalId)
        .where('slack_user', '=', slackUser)
        .execute();
    },
    async approvalClick(approvalId, slackUser) {
      const row = await db
        .selectFrom('approval_clicks')
        .select(['action', 'at', 'sent'])
        .where('approval_id', '=', approvalId)
        .where('slack_user', '=', slackUser)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const r = clickRow.parse(row);
      return { action: r.action, at: r.at, sent: r.sent === 1 };
    },
    async unconfirmedApprovalClicks() {
      const rows = await db
        .selectFrom('approval_clicks')
        .select(['approval_id', 'slack_user', 'action', 'at', 'sent'])
        .where('sent', '=', 0)
        .execute();
      return rows.map((raw) => {
        const r = unconfirmedRow.parse(raw);
        return {
          approvalId: r.approval_id,
          slackUser: r.slack_user,
          action: r.action,
          at: r.at,
          sent: false,
        };
      });
    },
  };
}
