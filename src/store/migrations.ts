import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { z } from 'zod';
import type { Db, DialectName } from './database.js';
import { errorMessage } from '../errors.js';

/**
 * SQLite files written before Kysely's migrator counted their schema in `PRAGMA user_version`
 * (1..5). A file this build opened is marked 6, so such an earlier build refuses it with its own
 * "upgrade the bot" rather than writing to a schema it does not know.
 */
const SQLITE_ADOPTED_VERSION = 6;

async function columnsOf(db: Kysely<unknown>, table: string, schema: string | undefined): Promise<string[]> {
  const tables = await db.introspection.getTables();
  const found = tables.find((t) => t.name === table && (schema === undefined || t.schema === schema));
  return found?.columns.map((c) => c.name) ?? [];
}

/**
 * The whole schema as earlier builds left it after their fifth step, created where absent: a
 * new database gets every table, and an SQLite file of an earlier build (user_version 1..5)
 * keeps its tables and rows and gets what it lacks, including step 5's columns.
 */
function initialSchema(dialect: DialectName, schema: string | undefined): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .createTable('runs')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('card_ts', 'text')
        .addColumn('execution_id', 'text', (c) => c.unique())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('pipeline_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('inputs', 'text', (c) => c.notNull())
        .addColumn('execution_url', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      await s
        .createIndex('runs_open')
        .ifNotExists()
        .on('runs')
        .column('finished_at')
        .where(sql<boolean>`finished_at is null`)
        .execute();
      await s
        .createTable('submissions')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      // Rows written before the intention/outcome split (step 5) were recorded as done: sent = 1.
      await s
        .createTable('thread_events')
        .ifNotExists()
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('ts', 'text')
        .addPrimaryKeyConstraint('thread_events_pkey', ['run_id', 'key'])
        .execute();
      await s
        .createTable('audit')
        .ifNotExists()
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text')
        .addColumn('run_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('audit_run').ifNotExists().on('audit').column('run_id').execute();
      await s
        .createTable('approval_cards')
        .ifNotExists()
        .addColumn('approval_id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('step_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('approval_cards_run').ifNotExists().on('approval_cards').column('run_id').execute();
      await s
        .createTable('approval_clicks')
        .ifNotExists()
        .addColumn('approval_id', 'text', (c) => c.notNull())
        .addColumn('slack_user', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(1))
        .addPrimaryKeyConstraint('approval_clicks_pkey', ['approval_id', 'slack_user'])
        .execute();
      await s
        .createTable('identity_links')
        .ifNotExists()
        .addColumn('slack_user', 'text', (c) => c.primaryKey())
        .addColumn('harness_uuid', 'text', (c) => c.notNull())
        .addColumn('harness_email', 'text')
        .addColumn('sealed_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await s
        .createTable('drafts')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('values_json', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      // An earlier build's file from before its step 5 has these tables without the columns.
      const eventColumns = await columnsOf(db, 'thread_events', schema);
      if (!eventColumns.includes('sent')) {
        await s
          .alterTable('thread_events')
          .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      }
      if (!eventColumns.includes('ts')) await s.alterTable('thread_events').addColumn('ts', 'text').execute();
      if (!(await columnsOf(db, 'approval_clicks', schema)).includes('sent')) {
        await s
          .alterTable('approval_clicks')
          .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      }
      await s
        .createIndex('approval_clicks_unsent')
        .ifNotExists()
        .on('approval_clicks')
        .column('sent')
        .where(sql<boolean>`sent = 0`)
        .execute();
    },
  };
}

/** Which replica follows which open run (`src/store/lease-store.ts`). */
const runLeases: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('run_leases')
      .ifNotExists()
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

/**
 * Rate budgets shared by the replicas (`src/store/budget-store.ts`): per key, the times of its
 * last turns. PostgreSQL only: an SQLite file has one process, which keeps its budgets itself.
 */
function rateBudgets(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await db.schema
        .createTable('rate_budgets')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('grants', sql`bigint[]`, (c) => c.notNull())
        .execute();
    },
  };
}

/** Run cards that owe their run's end (`src/store/owed-card-store.ts`). */
const owedCards: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('owed_cards')
      .ifNotExists()
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

/**
 * Runs started by a Workflow Builder step (`src/slack/listeners/functions.ts`): the step's
 * function_execution_id (its origin; null for a slash command's run), the token Slack gave the
 * execution (functions.complete* must be called with it, after a restart too; cleared once the
 * step is completed) and when the step was completed (null while that is still owed).
 */
const workflowSteps: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('runs').addColumn('function_execution_id', 'text').execute();
    await db.schema.alterTable('runs').addColumn('function_token', 'text').execute();
    await db.schema.alterTable('runs').addColumn('step_completed_at', 'bigint').execute();
  },
};

/**
 * What App Home asks on every publish: a person's latest runs, and the approval cards still
 * waiting (a partial index: decided cards, nearly all of them, are not in it).
 */
const homeQueries: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('runs_by_requester')
      .ifNotExists()
      .on('runs')
      .columns(['requester_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('approval_cards_waiting')
      .ifNotExists()
      .on('approval_cards')
      .column('updated_at')
      .where(sql<boolean>`status = 'WAITING'`)
      .execute();
  },
};

/** In code, not files on disk, so the built `dist/` carries them. Names sort in order. */
export function migrations(dialect: DialectName, schema: string | undefined): Record<string, Migration> {
  return {
    '0001-initial-schema': initialSchema(dialect, schema),
    '0002-run-leases': runLeases,
    '0003-rate-budgets': rateBudgets(dialect),
    '0004-workflow-steps': workflowSteps,
    '0005-home-queries': homeQueries,
    '0006-owed-cards': owedCards,
  };
}

function newerBuild(what: string): Error {
  return new Error(
    `the database was written by a newer idp-chatops (${what}, unknown to this build); upgrade the bot`,
  );
}

/** Refuses a database a newer build migrated: this build would misread what it does not know. */
async function refuseNewer(
  db: Db,
  known: Record<string, Migration>,
  schema: string | undefined,
): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration' && (schema === undefined || t.schema === schema)))
    return;
  const table =
    schema === undefined ? sql.table('kysely_migration') : sql.table(`${schema}.kysely_migration`);
  const { rows } = await sql`select name from ${table}`.execute(db);
  for (const { name } of z.array(z.object({ name: z.string() })).parse(rows)) {
    if (!(name in known)) throw newerBuild(`migration ${name}`);
  }
}

/**
 * Brings the schema up to date. Two processes starting at once are safe: on PostgreSQL,
 * Kysely's migrator holds an advisory lock and applies each step in a transaction; on SQLite the
 * whole run is one `BEGIN IMMEDIATE` transaction, which a second process waits for (busy_timeout).
 */
export async function migrateToLatest(
  db: Db,
  dialect: DialectName,
  schema: string | undefined,
): Promise<void> {
  const known = migrations(dialect, schema);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(known) };
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  if (dialect === 'postgres') {
    await refuseNewer(db, known, schema);
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw migrationFailed(error);
    return;
  }
  await sql`begin immediate`.execute(db);
  try {
    const version = z.number().parse((await sql`pragma user_version`.execute(db)).rows.map(userVersion)[0]);
    if (version > SQLITE_ADOPTED_VERSION) throw newerBuild(`schema ${String(version)}`);
    await refuseNewer(db, known, schema);
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw migrationFailed(error);
    await sql.raw(`pragma user_version = ${String(SQLITE_ADOPTED_VERSION)}`).execute(db);
    await sql`commit`.execute(db);
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  }
}

function userVersion(row: unknown): number {
  return z.object({ user_version: z.number() }).parse(row).user_version;
}

function migrationFailed(error: unknown): Error {
  const message = errorMessage(error);
  return new Error(`could not bring the database schema up to date: ${message}`, { cause: error });
}
