import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarnessSimulator } from '../src/harness/simulator/server.js';
import type { HarnessSimulator } from '../src/harness/simulator/server.js';
import { SlackEmulator } from '../src/sandbox/slack/emulator.js';
import type { Transport } from '../src/sandbox/slack/emulator.js';
import { spawnApp } from './child-process.js';
import type { ChildApp } from './child-process.js';
import { createBenchSchema } from './postgres-schema.js';

export const BOT_TOKEN = 'xoxb-test-bench-not-a-real-token';
export const APP_TOKEN = 'xapp-test-bench-not-a-real-token';
export const SIGNING_SECRET = 'bench-test-signing-secret';
const WEBHOOK_SECRET = 'bench-test-webhook-secret';

export interface StackOptions {
  transport: Transport;
  /** Harness simulator speed (10 = pipelines ten times faster than Harness; approval timeouts too). */
  speed: number;
  /** Bot processes; more than one share a PostgreSQL schema. */
  replicas: number;
  /** SLACK_EDITS_PER_MINUTE of each replica. */
  editsPerMinute: number;
  /** Harness posts pipeline notifications to the first replica (HARNESS_WEBHOOK_SECRET set). */
  webhooks: boolean;
  /** Slack's per-method tiers and per-channel pace enforced by the emulator. */
  rateLimits: boolean;
  databaseUrl: string;
}

export interface BenchStack {
  sim: HarnessSimulator;
  slack: SlackEmulator;
  bots: ChildApp[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/**
 * The Slack emulator and the Harness simulator in this process, the bot as one or more processes of
 * its own (`node bin/idp-chatops.js start`, the built code, as in production): what is sampled as
 * the bot's memory and CPU is the bot's alone.
 */
export async function startStack(o: StackOptions): Promise<BenchStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-bench-'));
  const schema = o.replicas > 1 ? await createBenchSchema(o.databaseUrl) : undefined;
  const ports = await Promise.all(Array.from({ length: o.replicas }, () => freePort()));
  const sim = await startHarnessSimulator({
    speed: o.speed,
    ...(o.webhooks
      ? {
          webhookUrl: `http://127.0.0.1:${String(ports[0])}/harness/events`,
          webhookHeaders: { 'X-Harness-Webhook-Secret': WEBHOOK_SECRET },
        }
      : {}),
  });
  const slack = await SlackEmulator.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    transport: o.transport,
    enforceRateLimits: o.rateLimits,
  });
  const env = (port: number): Record<string, string> => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    ...(o.transport === 'socket' ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    SLACK_API_URL: slack.apiUrl,
    HARNESS_API_URL: sim.url,
    HARNESS_API_KEY: 'sim-key-bot',
    HARNESS_ACCOUNT_ID: 'idp_sandbox',
    HARNESS_APPROVER_API_KEY: 'sim-key-carol',
    SLACK_EDITS_PER_MINUTE: String(o.editsPerMinute),
    ...(o.webhooks ? { HARNESS_WEBHOOK_SECRET: WEBHOOK_SECRET } : {}),
    ...(schema === undefined ? { DATABASE_PATH: path.join(dir, 'bench.db') } : { DATABASE_URL: schema.url }),
    MANIFESTS_DIR: 'manifests',
    PORT: String(port),
    LOG_LEVEL: 'info',
  });
  const bots: ChildApp[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(bots.map((b) => b.stop()));
    await sim.close();
    await slack.close();
    await schema?.drop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // One at a time: replicas migrating the same schema take turns anyway (the migrator's lock).
    for (const port of ports)
      bots.push(await spawnApp(['bin/idp-chatops.js', 'start'], env(port), 'idp-chatops is running'));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const first = bots[0];
  if (o.transport === 'http' && first !== undefined) slack.botUrl = `${first.url}/slack/events`;
  return { sim, slack, bots, stop: stopAll };
}

/** Resolves with `fn`'s first defined answer; after `ms`, fails with `what()` (what is still missing). */
export async function until<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: () => string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${String(Math.round(ms / 1000))} s: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
