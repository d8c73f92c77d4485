import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** One row per count (`--runs 20,100 --runs 500`). */
  runs: number[];
  replicas: number;
  ackOnly: boolean;
  noAck: boolean;
  /** SLACK_EDITS_PER_MINUTE of the deployment (the bot's default, 45). */
  editsPerMinute: number;
  webhooks: boolean;
  /** Rounds of the ack comparison (bot, then bare Bolt, each round). */
  rounds: number;
  /** Transports of the ack comparison. */
  ackTransports: ('http' | 'socket')[];
  databaseUrl: string;
}

export const USAGE = `Usage: npm run bench -- [options]

  --runs N[,N…]        runs started at once, one row per count (repeatable; default 20)
  --replicas R         bot processes on one PostgreSQL schema (default 1: SQLite)
  --ack-only           only the ack comparison with a bare Bolt app
  --no-ack             only the runs rows
  --rounds K           rounds of the ack comparison, bot and bare Bolt alternating (default 3)
  --ack-transport T    http, socket or both (default http)
  --edits-per-minute P SLACK_EDITS_PER_MINUTE of the deployment, shared by its replicas (default 45)
  --no-webhooks        Harness sends no pipeline notifications: the bot learns of ends by polling
  --database-url URL   PostgreSQL server for --replicas (default postgres://postgres@127.0.0.1:5432/test)
`;

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a whole number of at least 1 (got "${v}")\n${USAGE}`);
  return n;
}

function transports(v: string): ('http' | 'socket')[] {
  if (v === 'http' || v === 'socket') return [v];
  if (v === 'both') return ['http', 'socket'];
  throw new Error(`--ack-transport must be http, socket or both (got "${v}")\n${USAGE}`);
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      runs: { type: 'string', multiple: true },
      replicas: { type: 'string' },
      'ack-only': { type: 'boolean' },
      'no-ack': { type: 'boolean' },
      rounds: { type: 'string' },
      'ack-transport': { type: 'string' },
      'edits-per-minute': { type: 'string' },
      'no-webhooks': { type: 'boolean' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  // `npm run bench 100` (the older form) still means --runs 100.
  const runs = [...(values.runs ?? []), ...positionals]
    .flatMap((v) => v.split(','))
    .filter((v) => v.trim() !== '')
    .map((v) => positive('--runs', v.trim()));
  if (values['ack-only'] === true && values['no-ack'] === true)
    throw new Error(`--ack-only and --no-ack leave nothing to measure\n${USAGE}`);
  return {
    runs: runs.length === 0 ? [20] : runs,
    replicas: values.replicas === undefined ? 1 : positive('--replicas', values.replicas),
    ackOnly: values['ack-only'] === true,
    noAck: values['no-ack'] === true,
    editsPerMinute:
      values['edits-per-minute'] === undefined
        ? 45
        : positive('--edits-per-minute', values['edits-per-minute']),
    webhooks: values['no-webhooks'] !== true,
    rounds: values.rounds === undefined ? 3 : positive('--rounds', values.rounds),
    ackTransports: transports(values['ack-transport'] ?? 'http'),
    databaseUrl: values['database-url'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
}
