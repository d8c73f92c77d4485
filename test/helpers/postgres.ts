import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { errorMessage } from '../../src/errors.js';

/**
 * The machine's PostgreSQL (trust auth, database `test`), which `.ci/run` starts before the
 * suite. Tests are never skipped for want of it: an unreachable server fails them with the fix.
 */
// The one place tests read the environment: another server can be named for a local run. The
// user is named because node-postgres otherwise takes it from $USER, which CI may not set.
export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
  } catch (error) {
    const why = errorMessage(error);
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL} is not reachable or refused the tests (${why}): start it (bash .ci/run does, with pg_ctlcluster) or set TEST_DATABASE_URL`,
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The URL with `search_path` set to one schema, as `openStore` honours it. */
export function urlForSchema(schema: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export interface TestSchema {
  schema: string;
  /** TEST_DATABASE_URL with this schema as the search path. */
  url: string;
  drop(): Promise<void>;
}

/** A schema of its own (random name) for a test file or a stack, so parallel files never collide. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  return {
    schema,
    url: urlForSchema(schema),
    drop: () => admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

/** Runs one statement in a schema (to look at or shape what a store left there). */
export function queryInSchema(schema: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return admin(async (c) => {
    await c.query(`SET search_path TO ${schema}`);
    return c.query(text, values);
  });
}
