import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import type { StoreBackend } from './store-backends.js';

/**
 * Inside a `describe` of one backend: a fresh, empty database for each test, on which a store is
 * opened before the test (handed to `opened`); after the test the stores `toClose` names are
 * closed and the database goes. Returns `open`, for another store on the same database (a
 * reopen, a second replica).
 */
export function storePerTest(
  backend: StoreBackend,
  held: { opened: (store: Store) => void; toClose: () => Store[] },
): () => Promise<Store> {
  let open: (() => Promise<Store>) | undefined;
  let tearDown: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    tearDown = undefined;
    const fresh = await backend.setUp();
    open = () => fresh.open();
    held.opened(await open());
    tearDown = () => fresh.tearDown();
  });
  afterEach(async () => {
    // A beforeEach that failed (PostgreSQL unreachable) leaves nothing open: its error is the one to see.
    if (tearDown === undefined) return;
    await Promise.all(held.toClose().map((s) => s.close()));
    await tearDown();
  });
  return () => {
    if (open === undefined) throw new Error('no database yet: open() is for inside a test');
    return open();
  };
}
