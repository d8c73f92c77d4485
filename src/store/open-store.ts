import { sql } from 'kysely';
import { z } from 'zod';
import type { Store } from '../ports/store.js';
import { createApprovalCardStore } from './approval-card-store.js';
import { createAuditLog } from './audit-log.js';
import { createSharedRateGate } from './budget-store.js';
import { createClaimStore } from './claim-store.js';
import { openPostgresDatabase, openSqliteDatabase, type Db } from './database.js';
import { isPostgresUrl, maskDatabaseUrl } from './database-url.js';
import { createDraftStore } from './draft-store.js';
import { createIdentityStore } from './identity-store.js';
import { createLeaseStore } from './lease-store.js';
import { migrateToLatest } from './migrations.js';
import { createOwedCardStore } from './owed-card-store.js';
import { createRunStore } from './run-store.js';
import { errorMessage } from '../errors.js';
import type { RateGate } from '../ports/rate-gate.js';
import { createProcessRateGate } from '../process-rate-gate.js';

export interface OpenStoreOptions {
  /** A `postgres://` or `postgresql://` URL selects PostgreSQL; anything else, SQLite. */
  databaseUrl?: string | undefined;
  /** The SQLite file (or `:memory:`); its folder is created. */
  databasePath: string;
}

function storeOn(db: Db, budgets: RateGate): Store {
  return {
    budgets,
    runs: createRunStore(db),
    owedCards: createOwedCardStore(db),
    leases: createLeaseStore(db),
    claims: createClaimStore(db),
    approvalCards: createApprovalCardStore(db),
    audit: createAuditLog(db),
    identities: createIdentityStore(db),
    drafts: createDraftStore(db),
    close: () => db.destroy(),
  };
}

/** The message of an error, with the URL's password removed should a driver have quoted it. */
function withoutPassword(error: unknown, url: string): string {
  const message = errorMessage(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // A URL that does not parse has no password to find; the message is kept as it is.
  }
  return password === '' ? message : message.split(password).join('***');
}

async function openPostgres(url: string): Promise<Store> {
  const { db } = openPostgresDatabase(url);
  try {
    // The schema the URL's search_path names (`public` by default); the migrator's own tables
    // go there too, so two bots on two schemas of one database stay apart.
    const { rows } = await sql`select current_schema() as schema`.execute(db);
    const schema = z.array(z.object({ schema: z.string().nullable() })).parse(rows)[0]?.schema ?? null;
    if (schema === null) {
      throw new Error('the search_path names no existing schema: create the schema first');
    }
    await migrateToLatest(db, 'postgres', schema);
    // Every replica on this database shares the Harness and Slack budgets through it.
    return storeOn(db, createSharedRateGate(db));
  } catch (error) {
    await db.destroy();
    throw new Error(
      `could not open the PostgreSQL database at ${maskDatabaseUrl(url)}: ${withoutPassword(error, url)}`,
    );
  }
}

async function openSqlite(file: string): Promise<Store> {
  const { db } = openSqliteDatabase(file);
  try {
    await migrateToLatest(db, 'sqlite', undefined);
    // One process per file: the budgets are this process's own.
    return storeOn(db, createProcessRateGate());
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Opens the store the configuration names and brings its schema up to date. */
export function openStore(o: OpenStoreOptions): Promise<Store> {
  return isPostgresUrl(o.databaseUrl) ? openPostgres(o.databaseUrl) : openSqlite(o.databasePath);
}
