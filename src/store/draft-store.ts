import { z } from 'zod';
import type { DraftStore } from '../ports/store.js';
import type { Db } from './database.js';

const DAY_MS = 86_400_000;

export function createDraftStore(db: Db): DraftStore {
  return {
    async save(id, userId, values, at) {
      await db
        .insertInto('drafts')
        .values({ id, user_id: userId, values_json: JSON.stringify(values), at })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            values_json: eb.ref('excluded.values_json'),
            at: eb.ref('excluded.at'),
          })),
        )
        .execute();
      // Drafts older than a day belong to forms nobody will submit.
      await db
        .deleteFrom('drafts')
        .where('at', '<', at - DAY_MS)
        .execute();
    },
    async get(id, userId) {
      const row = await db
        .selectFrom('drafts')
        .select('values_json')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const json = z.object({ values_json: z.string() }).parse(row).values_json;
      return z.record(z.string(), z.unknown()).parse(JSON.parse(json));
    },
  };
}
