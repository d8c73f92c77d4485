import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { ApprovalCardRecord, AuditEvent, RunRecord, Store } from '../ports/store.js';
import { parseRunBucket } from '../runs/run-status.js';
import type { Store as SyncStore } from './store.js';

/** Schema changes, applied in order once each; `PRAGMA user_version` records how far a file is. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     workflow_id TEXT NOT NULL,
     requester_id TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     card_ts TEXT,
     execution_id TEXT UNIQUE,
     org_id TEXT NOT NULL,
     project_id TEXT NOT NULL,
     pipeline_id TEXT NOT NULL,
     status TEXT NOT NULL,
     bucket TEXT NOT NULL,
     inputs TEXT NOT NULL,
     execution_url TEXT,
     error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     finished_at INTEGER
   );
   CREATE INDEX runs_open ON runs (finished_at) WHERE finished_at IS NULL;
   CREATE TABLE submissions (key TEXT PRIMARY KEY, run_id TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE TABLE thread_events (run_id TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (run_id, key));
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     workflow_id TEXT,
     run_id TEXT,
     details TEXT NOT NULL
   );
   CREATE INDEX audit_run ON audit (run_id);`,
  `CREATE TABLE approval_cards (
     approval_id TEXT PRIMARY KEY,
     run_id TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     ts TEXT NOT NULL,
     step_name TEXT NOT NULL,
     status TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX approval_cards_run ON approval_cards (run_id);
   CREATE TABLE approval_clicks (
     approval_id TEXT NOT NULL,
     slack_user TEXT NOT NULL,
     action TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (approval_id, slack_user)
   );`,
  `CREATE TABLE identity_links (
     slack_user TEXT PRIMARY KEY,
     harness_uuid TEXT NOT NULL,
     harness_email TEXT,
     sealed_token TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );`,
  `CREATE TABLE drafts (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, values_json TEXT NOT NULL, at INTEGER NOT NULL);`,
  // Intentions and outcomes: a row with sent = 0 was claimed but its outcome never recorded.
  // Rows written before this version were recorded as done.
  `ALTER TABLE thread_events ADD COLUMN sent INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE thread_events ADD COLUMN ts TEXT;
   ALTER TABLE approval_clicks ADD COLUMN sent INTEGER NOT NULL DEFAULT 1;
   CREATE INDEX approval_clicks_unsent ON approval_clicks (sent) WHERE sent = 0;`,
];

const runRow = z.object({
  id: z.string(),
  workflow_id: z.string(),
  requester_id: z.string(),
  channel_id: z.string(),
  card_ts: z.string().nullable(),
  execution_id: z.string().nullable(),
  org_id: z.string(),
  project_id: z.string(),
  pipeline_id: z.string(),
  status: z.string(),
  bucket: z.string(),
  inputs: z.string(),
  execution_url: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  finished_at: z.number().nullable(),
});

const auditRow = z.object({
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  workflow_id: z.string().nullable(),
  run_id: z.string().nullable(),
  details: z.string(),
});

const COLUMNS: Record<keyof Omit<RunRecord, 'id'>, string> = {
  workflowId: 'workflow_id',
  requesterId: 'requester_id',
  channelId: 'channel_id',
  cardTs: 'card_ts',
  executionId: 'execution_id',
  orgId: 'org_id',
  projectId: 'project_id',
  pipelineId: 'pipeline_id',
  status: 'status',
  bucket: 'bucket',
  inputs: 'inputs',
  executionUrl: 'execution_url',
  error: 'error',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  finishedAt: 'finished_at',
};

function toRow(key: string, value: unknown): unknown {
  if (key === 'inputs') return JSON.stringify(value);
  return value ?? null;
}

function fromRow(raw: unknown): RunRecord {
  const r = runRow.parse(raw);
  return {
    id: r.id,
    workflowId: r.workflow_id,
    requesterId: r.requester_id,
    channelId: r.channel_id,
    cardTs: r.card_ts ?? undefined,
    executionId: r.execution_id ?? undefined,
    orgId: r.org_id,
    projectId: r.project_id,
    pipelineId: r.pipeline_id,
    status: r.status,
    bucket: parseRunBucket(r.bucket),
    inputs: z.record(z.string(), z.unknown()).parse(JSON.parse(r.inputs)),
    executionUrl: r.execution_url ?? undefined,
    error: r.error ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at ?? undefined,
  };
}

/** The embedded store: one SQLite file (or `:memory:`), WAL mode, migrated on open. */
export function openSqliteStore(file: string): Store {
  return toAsync(openSyncSqliteStore(file));
}

function openSyncSqliteStore(file: string): SyncStore {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const insertSubmission = db.prepare('INSERT OR IGNORE INTO submissions (key, run_id, at) VALUES (?, ?, ?)');
  const insertEvent = db.prepare(
    'INSERT OR IGNORE INTO thread_events (run_id, key, at, sent) VALUES (?, ?, ?, 0)',
  );
  const deleteEvent = db.prepare('DELETE FROM thread_events WHERE run_id = ? AND key = ?');
  const selectRun = db.prepare('SELECT * FROM runs WHERE id = ?');
  const selectByExecution = db.prepare('SELECT * FROM runs WHERE execution_id = ?');
  const selectOpen = db.prepare('SELECT * FROM runs WHERE finished_at IS NULL ORDER BY created_at');
  const selectRecent = db.prepare(
    'SELECT * FROM runs WHERE requester_id = ? ORDER BY created_at DESC LIMIT ?',
  );
  const insertAudit = db.prepare(
    'INSERT INTO audit (at, actor, action, workflow_id, run_id, details) VALUES (?, ?, ?, ?, ?, ?)',
  );

  const cardRow = z.object({
    approval_id: z.string(),
    run_id: z.string(),
    channel_id: z.string(),
    ts: z.string(),
    step_name: z.string(),
    status: z.string(),
    updated_at: z.number(),
  });
  const toCard = (raw: unknown): ApprovalCardRecord => {
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
  };
  const clickRow = z.object({ action: z.string(), at: z.number(), sent: z.number() });
  const eventRow = z.object({ sent: z.number(), ts: z.string().nullable(), at: z.number() });

  const linkRow = z.object({
    slack_user: z.string(),
    harness_uuid: z.string(),
    harness_email: z.string().nullable(),
    sealed_token: z.string(),
    created_at: z.number(),
  });
  return {
    saveDraft: (id, userId, values, at) => {
      db.prepare(
        'INSERT INTO drafts (id, user_id, values_json, at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET values_json = excluded.values_json, at = excluded.at',
      ).run(id, userId, JSON.stringify(values), at);
      // Drafts older than a day belong to forms nobody will submit.
      db.prepare('DELETE FROM drafts WHERE at < ?').run(at - 86_400_000);
    },
    getDraft: (id, userId) => {
      const row = db.prepare('SELECT values_json FROM drafts WHERE id = ? AND user_id = ?').get(id, userId);
      return row === undefined
        ? undefined
        : z
            .record(z.string(), z.unknown())
            .parse(JSON.parse(z.object({ values_json: z.string() }).parse(row).values_json));
    },
    saveLink: (l) => {
      db.prepare(
        `INSERT INTO identity_links (slack_user, harness_uuid, harness_email, sealed_token, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (slack_user) DO UPDATE SET harness_uuid = excluded.harness_uuid, harness_email = excluded.harness_email, sealed_token = excluded.sealed_token, created_at = excluded.created_at`,
      ).run(l.slackUser, l.harnessUuid, l.harnessEmail ?? null, l.sealedToken, l.createdAt);
    },
    getLink: (slackUser) => {
      const row = db.prepare('SELECT * FROM identity_links WHERE slack_user = ?').get(slackUser);
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
    deleteLink: (slackUser) =>
      db.prepare('DELETE FROM identity_links WHERE slack_user = ?').run(slackUser).changes === 1,
    saveApprovalCard: (c) => {
      db.prepare(
        `INSERT INTO approval_cards (approval_id, run_id, channel_id, ts, step_name, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (approval_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, ts = excluded.ts`,
      ).run(c.approvalId, c.runId, c.channelId, c.ts, c.stepName, c.status, c.updatedAt);
    },
    getApprovalCard: (id) => {
      const row = db.prepare('SELECT * FROM approval_cards WHERE approval_id = ?').get(id);
      return row === undefined ? undefined : toCard(row);
    },
    approvalCards: (runId) =>
      db.prepare('SELECT * FROM approval_cards WHERE run_id = ? ORDER BY updated_at').all(runId).map(toCard),
    claimApprovalClick: (approvalId, slackUser, action, at) =>
      db
        .prepare(
          'INSERT OR IGNORE INTO approval_clicks (approval_id, slack_user, action, at, sent) VALUES (?, ?, ?, ?, 0)',
        )
        .run(approvalId, slackUser, action, at).changes === 1,
    releaseApprovalClick: (approvalId, slackUser) => {
      db.prepare('DELETE FROM approval_clicks WHERE approval_id = ? AND slack_user = ?').run(
        approvalId,
        slackUser,
      );
    },
    confirmApprovalClick: (approvalId, slackUser) => {
      db.prepare('UPDATE approval_clicks SET sent = 1 WHERE approval_id = ? AND slack_user = ?').run(
        approvalId,
        slackUser,
      );
    },
    approvalClick: (approvalId, slackUser) => {
      const row = db
        .prepare('SELECT action, at, sent FROM approval_clicks WHERE approval_id = ? AND slack_user = ?')
        .get(approvalId, slackUser);
      if (row === undefined) return undefined;
      const r = clickRow.parse(row);
      return { action: r.action, at: r.at, sent: r.sent === 1 };
    },
    unconfirmedApprovalClicks: () =>
      db
        .prepare('SELECT approval_id, slack_user, action, at, sent FROM approval_clicks WHERE sent = 0')
        .all()
        .map((raw) => {
          const r = clickRow.extend({ approval_id: z.string(), slack_user: z.string() }).parse(raw);
          return {
            approvalId: r.approval_id,
            slackUser: r.slack_user,
            action: r.action,
            at: r.at,
            sent: false,
          };
        }),
    claimSubmission: (key, runId, at) => insertSubmission.run(key, runId, at).changes === 1,
    createRun(run) {
      const keys = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
      db.prepare(
        `INSERT INTO runs (id, ${keys.map((k) => COLUMNS[k]).join(', ')}) VALUES (?, ${keys.map(() => '?').join(', ')})`,
      ).run(run.id, ...keys.map((k) => toRow(k, run[k])));
    },
    updateRun(id, patch) {
      const keys = (Object.keys(patch) as (keyof typeof COLUMNS)[]).filter((k) => k in COLUMNS);
      if (keys.length > 0) {
        db.prepare(`UPDATE runs SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`).run(
          ...keys.map((k) => toRow(k, patch[k])),
          id,
        );
      }
      const run = selectRun.get(id);
      if (run === undefined) throw new Error(`no run ${id}`);
      return fromRow(run);
    },
    getRun: (id) => {
      const row = selectRun.get(id);
      return row === undefined ? undefined : fromRow(row);
    },
    findRunByExecution: (executionId) => {
      const row = selectByExecution.get(executionId);
      return row === undefined ? undefined : fromRow(row);
    },
    openRuns: () => selectOpen.all().map(fromRow),
    recentRuns: (requesterId, limit) => selectRecent.all(requesterId, limit).map(fromRow),
    claimThreadEvent: (runId, key, at) => insertEvent.run(runId, key, at).changes === 1,
    markThreadEventSent: (runId, key, ts) => {
      db.prepare('UPDATE thread_events SET sent = 1, ts = ? WHERE run_id = ? AND key = ?').run(
        ts ?? null,
        runId,
        key,
      );
    },
    threadEvent: (runId, key) => {
      const row = db
        .prepare('SELECT sent, ts, at FROM thread_events WHERE run_id = ? AND key = ?')
        .get(runId, key);
      if (row === undefined) return undefined;
      const r = eventRow.parse(row);
      return { sent: r.sent === 1, ts: r.ts ?? undefined, at: r.at };
    },
    releaseThreadEvent: (runId, key) => {
      deleteEvent.run(runId, key);
    },
    audit: (e) => {
      insertAudit.run(
        e.at,
        e.actor,
        e.action,
        e.workflowId ?? null,
        e.runId ?? null,
        JSON.stringify(e.details),
      );
    },
    auditTrail(filter = {}) {
      const rows =
        filter.runId === undefined
          ? db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(filter.limit ?? 100)
          : db
              .prepare('SELECT * FROM audit WHERE run_id = ? ORDER BY id DESC LIMIT ?')
              .all(filter.runId, filter.limit ?? 100);
      return rows
        .map((raw): AuditEvent => {
          const r = auditRow.parse(raw);
          return {
            at: r.at,
            actor: r.actor,
            action: r.action,
            workflowId: r.workflow_id ?? undefined,
            runId: r.run_id ?? undefined,
            details: z.record(z.string(), z.unknown()).parse(JSON.parse(r.details)),
          };
        })
        .reverse();
    },
    close: () => {
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the database was written by a newer idp-chatops (schema ${String(current)}, this build knows ${String(MIGRATIONS.length)}); upgrade the bot`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${String(v + 1)}`);
    })();
  }
}

/** The synchronous SQLite calls behind the asynchronous port. */
function toAsync(s: SyncStore): Store {
  // A throw of the synchronous call becomes a rejection, as a server database's would.
  const a =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): Promise<R> =>
      new Promise((resolve) => {
        resolve(f(...args));
      });
  return {
    runs: {
      create: a((run) => {
        s.createRun(run);
      }),
      update: a((id, patch) => s.updateRun(id, patch)),
      get: a((id) => s.getRun(id)),
      findByExecution: a((executionId) => s.findRunByExecution(executionId)),
      open: a(() => s.openRuns()),
      recent: a((requesterId, limit) => s.recentRuns(requesterId, limit)),
    },
    claims: {
      claimSubmission: a((key, runId, at) => s.claimSubmission(key, runId, at)),
      claimThreadEvent: a((runId, key, at) => s.claimThreadEvent(runId, key, at)),
      markThreadEventSent: a((runId, key, ts) => {
        s.markThreadEventSent(runId, key, ts);
      }),
      threadEvent: a((runId, key) => s.threadEvent(runId, key)),
      releaseThreadEvent: a((runId, key) => {
        s.releaseThreadEvent(runId, key);
      }),
      claimApprovalClick: a((approvalId, slackUser, action, at) =>
        s.claimApprovalClick(approvalId, slackUser, action, at),
      ),
      confirmApprovalClick: a((approvalId, slackUser) => {
        s.confirmApprovalClick(approvalId, slackUser);
      }),
      releaseApprovalClick: a((approvalId, slackUser) => {
        s.releaseApprovalClick(approvalId, slackUser);
      }),
      approvalClick: a((approvalId, slackUser) => s.approvalClick(approvalId, slackUser)),
      unconfirmedApprovalClicks: a(() => s.unconfirmedApprovalClicks()),
    },
    approvalCards: {
      save: a((card) => {
        s.saveApprovalCard(card);
      }),
      get: a((approvalId) => s.getApprovalCard(approvalId)),
      forRun: a((runId) => s.approvalCards(runId)),
    },
    audit: {
      record: a((event) => {
        s.audit(event);
      }),
      trail: a((filter) => s.auditTrail(filter)),
    },
    identities: {
      save: a((link) => {
        s.saveLink(link);
      }),
      get: a((slackUser) => s.getLink(slackUser)),
      delete: a((slackUser) => s.deleteLink(slackUser)),
    },
    drafts: {
      save: a((id, userId, values, at) => {
        s.saveDraft(id, userId, values, at);
      }),
      get: a((id, userId) => s.getDraft(id, userId)),
    },
    close: a(() => {
      s.close();
    }),
  };
}
