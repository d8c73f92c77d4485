import path from 'node:path';
import { inject } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestSchema } from './postgres.js';

/** Which database a test's bot uses: SQLite, or PostgreSQL in the `pg` vitest project. */
export type StoreKind = 'sqlite' | 'pg';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set per vitest project (vitest.config.ts). */
    store: StoreKind;
  }
}

export interface TestDatabase {
  kind: StoreKind;
  /** `DATABASE_PATH`, and on PostgreSQL `DATABASE_URL`: for a bot's environment. */
  env: Record<string, string>;
  /** Opens a store on this database, as the bot does from `env`. */
  open(): Promise<Store>;
  /** Drops the PostgreSQL schema (the SQLite file goes with its folder). */
  drop(): Promise<void>;
}

/**
 * A database of the test's own: an SQLite file in `dir`, or, for `pg`, a fresh schema of the
 * test database, named in `DATABASE_URL`'s search_path so parallel tests never meet.
 */
export async function createTestDatabase(
  dir: string,
  kind: StoreKind = inject('store'),
): Promise<TestDatabase> {
  const databasePath = path.join(dir, 'bot.db');
  if (kind === 'sqlite') {
    return {
      kind,
      env: { DATABASE_PATH: databasePath },
      open: () => openStore({ databasePath }),
      drop: () => Promise.resolve(),
    };
  }
  const schema = await createTestSchema();
  return {
    kind,
    env: { DATABASE_PATH: databasePath, DATABASE_URL: schema.url },
    open: () => openStore({ databaseUrl: schema.url, databasePath }),
    drop: () => schema.drop(),
  };
}
