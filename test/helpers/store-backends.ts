import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Store } from '../../src/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestSchema } from './postgres.js';

/** A fresh, empty database per test, and a way to open a second store on it (a second replica). */
export interface StoreBackend {
  name: string;
  setUp(): Promise<{ open(): Promise<Store>; tearDown(): Promise<void> }>;
}

/** Both stores the bot ships: an SQLite file (in a folder not made yet) and a PostgreSQL schema. */
export const STORE_BACKENDS: StoreBackend[] = [
  {
    name: 'sqlite',
    async setUp() {
      const dir = await mkdtemp(path.join(tmpdir(), 'store-'));
      const databasePath = path.join(dir, 'nested', 'bot.db');
      return {
        open: () => openStore({ databasePath }),
        tearDown: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async setUp() {
      const schema = await createTestSchema();
      return {
        open: () => openStore({ databaseUrl: schema.url, databasePath: ':memory:' }),
        tearDown: () => schema.drop(),
      };
    },
  },
];
