import { z } from 'zod';
import type { IdentityStore } from '../ports/store.js';
import type { Db } from './database.js';

const linkRow = z.object({
  slack_user: z.string(),
  harness_uuid: z.string(),
  harness_email: z.string().nullable(),
  sealed_token: z.string(),
  created_at: z.number(),
});

/** One link per Slack user; linking again replaces it. */
export function createIdentityStore(db: Db): IdentityStore {
  return {
    async save(l) {
      await db
        .insertInto('identity_links')
        .values({
          slack_user: l.slackUser,
          harness_uuid: l.harnessUuid,
          harness_email: l.harnessEmail ?? null,
          sealed_token: l.sealedToken,
          created_at: l.createdAt,
        })
        .onConflict((oc) =>
          oc.column('slack_user').doUpdateSet((eb) => ({
            harness_uuid: eb.ref('excluded.harness_uuid'),
            harness_email: eb.ref('excluded.harness_email'),
            sealed_token: eb.ref('excluded.sealed_token'),
            created_at: eb.ref('excluded.created_at'),
          })),
        )
        .execute();
    },
    async get(slackUser) {
      const row = await db
        .selectFrom('identity_links')
        .selectAll()
        .where('slack_user', '=', slackUser)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const r = linkRow.parse(row);
      return {
        slackUser: r.slack_user,
        harnessUuid: r.harness_uuid,
        harnessEmail: r.harness_email ?? undefined,
        sealedToken: r.sealed_token,
        createdAt: r.created_at,
      };
    },
    async delete(slackUser) {
      const result = await db
        .deleteFrom('identity_links')
        .where('slack_user', '=', slackUser)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },
  };
}
