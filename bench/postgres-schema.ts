import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { errorMessage } from '../src/errors.js';

/**
 * A schema of its own on a PostgreSQL server for the replicas of one benchmark row, dropped after
 * (as test/helpers/postgres.ts does for tests; the build does not include test/).
 */
export interface BenchSchema {
  /** The server URL with this schema as the search path, as the store honours it. */
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `--replicas needs PostgreSQL: ${new URL(serverUrl).host} did not answer (${errorMessage(error)}); start it or pass --database-url`,
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createBenchSchema(serverUrl: string): Promise<BenchSchema> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () =>
      admin(serverUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}
