import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskDatabaseUrl } from '../../src/store/database-url.js';
import { openStore } from '../../src/store/open-store.js';
import { writeLegacyFile } from '../fixtures/store/legacy-sqlite-schema.js';
import { createTestSchema, queryInSchema, urlForSchema, type TestSchema } from '../helpers/postgres.js';

const T = 1_764_000_000_000;
const run = promisify(execFile);

describe('SQLite files of earlier builds', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'legacy-'));
    file = path.join(dir, 'bot.db');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function userVersion(): unknown {
    const db = new Database(file, { readonly: true });
    try {
      return db.pragma('user_version', { simple: true });
    } finally {
      db.close();
    }
  }

  it('opens a file at the last old step with every row, and marks it so an earlier build refuses it', async () => {
    const old = writeLegacyFile(file, 5);
    old.exec(`
      INSERT INTO runs VALUES ('r1', 'deploy', 'U1', 'C1', '1.1', 'exec-1', 'default', 'platform', 'deploy',
        'Running', 'running', '{"service":"api","n":2}', 'https://app.example/x', NULL, ${String(T)}, ${String(T + 1)}, NULL);
      INSERT INTO submissions VALUES ('view-1', 'r1', ${String(T)});
      INSERT INTO thread_events (run_id, key, at, sent, ts) VALUES ('r1', 'started', ${String(T)}, 1, '2.2'), ('r1', 'finished', ${String(T + 1)}, 0, NULL);
      INSERT INTO audit (at, actor, action, workflow_id, run_id, details) VALUES (${String(T)}, 'U1', 'run.start', 'deploy', 'r1', '{"why":"test"}');
      INSERT INTO approval_cards VALUES ('ap1', 'r1', 'C1', '3.3', 'Approve', 'WAITING', ${String(T)});
      INSERT INTO approval_clicks (approval_id, slack_user, action, at, sent) VALUES ('ap1', 'U2', 'approve', ${String(T)}, 0);
      INSERT INTO identity_links VALUES ('U1', 'h-1', 'a@example.com', 'sealed-FAKE', ${String(T)});
      INSERT INTO drafts VALUES ('d1', 'U1', '{"page":2}', ${String(T)});
    `);
    old.close();

    const store = await openStore({ databasePath: file });
    try {
      expect(await store.runs.get('r1')).toEqual({
        id: 'r1',
        workflowId: 'deploy',
        requesterId: 'U1',
        channelId: 'C1',
        cardTs: '1.1',
        executionId: 'exec-1',
        orgId: 'default',
        projectId: 'platform',
        pipelineId: 'deploy',
        status: 'Running',
        bucket: 'running',
        inputs: { service: 'api', n: 2 },
        executionUrl: 'https://app.example/x',
        error: undefined,
        createdAt: T,
        updatedAt: T + 1,
        finishedAt: undefined,
      });
      expect((await store.runs.open()).map((r) => r.id)).toEqual(['r1']);
      expect(await store.claims.claimSubmission('view-1', 'r2', T)).toBe(false);
      expect(await store.claims.threadEvent('r1', 'started')).toEqual({ sent: true, ts: '2.2', at: T });
      expect(await store.claims.threadEvent('r1', 'finished')).toEqual({
        sent: false,
        ts: undefined,
        at: T + 1,
      });
      expect(await store.audit.trail({ runId: 'r1' })).toEqual([
        {
          at: T,
          actor: 'U1',
          action: 'run.start',
          workflowId: 'deploy',
          runId: 'r1',
          details: { why: 'test' },
        },
      ]);
      expect((await store.approvalCards.forRun('r1')).map((c) => c.ts)).toEqual(['3.3']);
      expect(await store.claims.unconfirmedApprovalClicks()).toEqual([
        { approvalId: 'ap1', slackUser: 'U2', action: 'approve', at: T, sent: false },
      ]);
      expect((await store.identities.get('U1'))?.sealedToken).toBe('sealed-FAKE');
      expect(await store.drafts.get('d1', 'U1')).toEqual({ page: 2 });
      // New rows go on after the old ones.
      await store.audit.record({
        at: T + 5,
        actor: 'U1',
        action: 'run.end',
        workflowId: undefined,
        runId: 'r1',
        details: {},
      });
      expect((await store.audit.trail({ runId: 'r1' })).map((e) => e.action)).toEqual([
        'run.start',
        'run.end',
      ]);
    } finally {
      await store.close();
    }
    // Earlier builds refuse a schema above 5 with their own "upgrade the bot".
    expect(userVersion()).toBe(6);
    const again = await openStore({ databasePath: file });
    expect((await again.runs.get('r1'))?.status).toBe('Running');
    await again.close();
  });

  it('adds what a file from before the fifth step lacks: rows it has count as sent, new tables appear', async () => {
    const old = writeLegacyFile(file, 3);
    old.exec(`
      INSERT INTO thread_events VALUES ('r1', 'started', ${String(T)});
      INSERT INTO approval_clicks VALUES ('ap1', 'U2', 'reject', ${String(T)});
    `);
    old.close();
    const store = await openStore({ databasePath: file });
    try {
      expect(await store.claims.threadEvent('r1', 'started')).toEqual({ sent: true, ts: undefined, at: T });
      expect(await store.claims.approvalClick('ap1', 'U2')).toEqual({ action: 'reject', at: T, sent: true });
      expect(await store.claims.unconfirmedApprovalClicks()).toEqual([]);
      expect(await store.claims.claimThreadEvent('r1', 'finished', T)).toBe(true);
      expect(await store.claims.threadEvent('r1', 'finished')).toEqual({ sent: false, ts: undefined, at: T });
      await store.drafts.save('d1', 'U1', { a: 1 }, T);
      expect(await store.drafts.get('d1', 'U1')).toEqual({ a: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuses a file from a newer build (a schema version beyond this build) and leaves it as it was', async () => {
    writeLegacyFile(file, 5).pragma('user_version = 9');
    await expect(openStore({ databasePath: file })).rejects.toThrow(/newer idp-chatops.*upgrade the bot/);
    expect(userVersion()).toBe(9);
  });

  it('refuses a file a newer build migrated further', async () => {
    await (await openStore({ databasePath: file })).close();
    const db = new Database(file);
    db.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run(
      '9999-from-the-future',
      new Date().toISOString(),
    );
    db.close();
    await expect(openStore({ databasePath: file })).rejects.toThrow(
      /newer idp-chatops \(migration 9999-from-the-future.*upgrade the bot/,
    );
  });

  it('lets three processes open one new file at once: one migrates, the others wait for it', async () => {
    if (!existsSync('dist/src/store/open-store.js')) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    // Separate processes: SQLite's lock is per process, and a synchronous driver waiting on
    // itself inside one process would only wait for its own timeout.
    const script = `
      import { openStore } from './dist/src/store/open-store.js';
      const store = await openStore({ databasePath: process.argv[1] });
      const won = await store.claims.claimSubmission('k', 'r', 1);
      await store.close();
      console.log(String(won));`;
    const outputs = await Promise.all(
      [1, 2, 3].map(async () => {
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, file]);
        return stdout.trim();
      }),
    );
    expect(outputs.sort()).toEqual(['false', 'false', 'true']);
  });
});

describe('PostgreSQL schemas', () => {
  let schema: TestSchema;
  beforeEach(async () => {
    schema = await createTestSchema();
  });
  afterEach(() => schema.drop());

  it('runs two migrators at once on one schema: each step is applied once and both stores work', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openStore({ databaseUrl: schema.url, databasePath: ':memory:' })),
    );
    try {
      const { rows } = await queryInSchema(schema.schema, 'SELECT name FROM kysely_migration');
      expect(rows).toEqual([
        { name: '0001-initial-schema' },
        { name: '0002-run-leases' },
        { name: '0005-home-queries' },
      ]);
      const wins = await Promise.all(stores.map((s) => s.claims.claimSubmission('k', 'r', T)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('keeps two schemas of one database apart', async () => {
    const other = await createTestSchema();
    try {
      const a = await openStore({ databaseUrl: schema.url, databasePath: ':memory:' });
      const b = await openStore({ databaseUrl: other.url, databasePath: ':memory:' });
      expect(await a.claims.claimSubmission('k', 'r', T)).toBe(true);
      expect(await b.claims.claimSubmission('k', 'r', T)).toBe(true);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await other.drop();
    }
  });

  it('refuses a schema a newer build migrated further', async () => {
    await (await openStore({ databaseUrl: schema.url, databasePath: ':memory:' })).close();
    await queryInSchema(schema.schema, 'INSERT INTO kysely_migration (name, timestamp) VALUES ($1, $2)', [
      '9999-from-the-future',
      new Date().toISOString(),
    ]);
    await expect(openStore({ databaseUrl: schema.url, databasePath: ':memory:' })).rejects.toThrow(
      /newer idp-chatops \(migration 9999-from-the-future.*upgrade the bot/,
    );
  });

  it('says which schema is missing and never shows the password of the URL', async () => {
    await expect(
      openStore({ databaseUrl: urlForSchema('no_such_schema_here'), databasePath: ':memory:' }),
    ).rejects.toThrow(/search_path names no existing schema/);
    const refused = openStore({
      databaseUrl: 'postgres://bot:hunter2-FAKE@127.0.0.1:1/test',
      databasePath: ':memory:',
    });
    await expect(refused).rejects.toThrow(
      /could not open the PostgreSQL database at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/test/,
    );
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });
});

describe('maskDatabaseUrl', () => {
  it('hides a password in the user part or the query, and keeps the rest', () => {
    expect(maskDatabaseUrl('postgres://bot:pw-FAKE@db.example:5432/chatops?sslmode=require')).toBe(
      'postgres://bot:***@db.example:5432/chatops?sslmode=require',
    );
    expect(maskDatabaseUrl('postgres://db.example/chatops?user=bot&password=pw-FAKE')).not.toContain(
      'pw-FAKE',
    );
    expect(maskDatabaseUrl('postgres://db.example/chatops')).toBe('postgres://db.example/chatops');
  });
});
