import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Generated } from 'kysely';
import pg from 'pg';

/**
 * The tables as Kysely sees them, one shape for both dialects. Times are milliseconds since
 * the epoch (`bigint` on PostgreSQL: they do not fit 32 bits); flags are 0/1 integers, as the
 * SQLite files written by earlier builds have them; inputs and details are JSON text.
 */
export interface Tables {
  runs: {
    id: string;
    workflow_id: string;
    requester_id: string;
    channel_id: string;
    card_ts: string | null;
    execution_id: string | null;
    org_id: string;
    project_id: string;
    pipeline_id: string;
    status: string;
    bucket: string;
    inputs: string;
    execution_url: string | null;
    error: string | null;
    created_at: number;
    updated_at: number;
    finished_at: number | null;
    function_execution_id: string | null;
    function_token: string | null;
    step_completed_at: number | null;
  };
  submissions: { key: string; run_id: string; at: number };
  thread_events: { run_id: string; key: string; at: number; sent: number; ts: string | null };
  audit: {
    id: Generated<number>;
    at: number;
    actor: string;
    action: string;
    workflow_id: string | null;
    run_id: string | null;
    details: string;
  };
  approval_cards: {
    approval_id: string;
    run_id: string;
    channel_id: string;
    ts: string;
    step_name: string;
    status: string;
    updated_at: number;
  };
  approval_clicks: { approval_id: string; slack_user: string; action: string; at: number; sent: number };
  identity_links: {
    slack_user: string;
    harness_uuid: string;
    harness_email: string | null;
    sealed_token: string;
    created_at: number;
  };
  drafts: { id: string; user_id: string; values_json: string; at: number };
  run_leases: { run_id: string; owner: string; expires_at: number };
  owed_cards: { run_id: string; at: number };
}

export type Db = Kysely<Tables>;
export type DialectName = 'sqlite' | 'postgres';

/** The embedded database: one SQLite file (or `:memory:`), WAL mode, as earlier builds had it. */
export function openSqliteDatabase(file: string): { db: Db; raw: Database.Database } {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  return { db: new Kysely<Tables>({ dialect: new SqliteDialect({ database: raw }) }), raw };
}

/**
 * node-postgres returns `bigint` as text (it may exceed a JavaScript number); the bot's bigints
 * are millisecond times and row ids, far below 2^53, so they are read as numbers, and one that
 * is not a safe integer is an error rather than a silently rounded value.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`a bigint column holds ${text}, beyond a safe integer`);
  return n;
}

type TypeParserArgs = Parameters<typeof pg.types.getTypeParser>;

const types: pg.CustomTypesConfig = {
  getTypeParser: (oid: TypeParserArgs[0], format?: TypeParserArgs[1]): unknown =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
};

/** A pool of connections to PostgreSQL; `?options=-c search_path=…` in the URL picks a schema. */
export function openPostgresDatabase(url: string): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, types, max: 10 });
  // An idle connection the server dropped (a restart, a failover) must not crash the process;
  // the next query opens a new one.
  pool.on('error', () => undefined);
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), pool };
}
