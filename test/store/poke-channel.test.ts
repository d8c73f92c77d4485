import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flagRun } from '../helpers/fake-ports.js';
import { createLogger } from '../../src/logger.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import { routePoke } from '../../src/runs/route-poke.js';
import { openStore } from '../../src/store/open-store.js';
import { listenForPokes, type PokeChannel } from '../../src/store/poke-channel.js';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../helpers/postgres.js';
import { eventually } from '../helpers/stack.js';
import pg from 'pg';

const logger = createLogger('silent');

const run = (id: string, over: Partial<RunRecord> = {}): RunRecord => flagRun(id, over, 1);

describe('webhook pokes between replicas (PostgreSQL LISTEN/NOTIFY)', () => {
  let schema: TestSchema;
  let other: TestSchema;
  let channels: PokeChannel[];

  beforeEach(async () => {
    schema = await createTestSchema();
    other = await createTestSchema();
    channels = [];
  });
  afterEach(async () => {
    await Promise.all(channels.map((c) => c.close()));
    await schema.drop();
    await other.drop();
  });

  function listen(url: string, heard: string[]): PokeChannel {
    const c = listenForPokes(url, (id) => heard.push(id), logger, 100);
    channels.push(c);
    return c;
  }

  it('reaches every replica on the same schema, and no bot on another schema', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const elsewhere: string[] = [];
    const ca = listen(schema.url, a);
    listen(schema.url, b);
    const cx = listen(other.url, elsewhere);
    // Each listens before anything is sent: a notification sent earlier is not for it.
    await Promise.all(channels.map((c) => c.ready));
    await ca.notify('exec-1');
    await eventually(
      () => a.length + b.length,
      (n) => n === 2,
    );
    expect(b).toEqual(['exec-1']);
    await cx.notify('exec-x');
    await eventually(
      () => elsewhere,
      (e) => e.length === 1,
    );
    expect([a, b]).toEqual([['exec-1'], ['exec-1']]);
  });

  it('listens again after its connection is dropped', async () => {
    const heard: string[] = [];
    // Named, so only this listener's connection is ended (other tests' bots listen too).
    const named = new URL(schema.url);
    named.searchParams.set('application_name', `pokes_${schema.schema}`);
    const c = listen(named.toString(), heard);
    await c.notify('before');
    await eventually(
      () => heard,
      (h) => h.length === 1,
    );
    // The server ends the LISTEN connection (as a restart or a failover would).
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1',
        [`pokes_${schema.schema}`],
      );
      expect(rows).toEqual([{ ended: true }]);
    } finally {
      await admin.end();
    }
    const sender = listen(schema.url, []);
    await eventually(
      async () => {
        await sender.notify('after').catch(() => undefined);
        return heard;
      },
      (h) => h.includes('after'),
    );
  });

  it('routes a webhook to the replica that follows the run: poked here, passed on, or unknown', async () => {
    let store: Store | undefined;
    try {
      store = await openStore({ databaseUrl: schema.url, databasePath: ':memory:' });
      await store.runs.create(run('r1'));
      await store.runs.create(run('r2', { finishedAt: 2 }));
      const heard: string[] = [];
      const relay = listen(schema.url, heard);
      const follows = (ids: string[]) => ({ poke: (id: string) => Promise.resolve(ids.includes(id)) });
      expect(await routePoke('exec-r1', follows(['exec-r1']), store, relay)).toBe(true);
      expect(await routePoke('exec-r1', follows([]), store, relay)).toBe(true);
      expect(await routePoke('exec-r2', follows([]), store, relay)).toBe(false);
      expect(await routePoke('exec-none', follows([]), store, relay)).toBe(false);
      expect(await routePoke('exec-r1', follows([]), store, undefined)).toBe(false);
      await eventually(
        () => heard,
        (h) => h.length === 1,
      );
      expect(heard).toEqual(['exec-r1']);
    } finally {
      await store?.close();
    }
  });
});
