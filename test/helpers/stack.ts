import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { startBot } from '../../src/bot.js';
import type { RunningBot } from '../../src/bot.js';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import type { Transport } from '../../src/sandbox/slack/emulator.js';
import type { EmulatedMessage } from '../../src/sandbox/slack/state.js';
import { catalogueFrom, shippedCatalogue } from './catalogue.js';
import { stepFunctions } from '../../src/catalogue/step-functions.js';
import { simulator } from './harness.js';
import { createTestDatabase } from './test-database.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';
export const APP_TOKEN = 'xapp-test';
declare module 'vitest' {
  export interface ProvidedContext {
    /** How the stack's Slack reaches the bot, set per vitest project (vitest.config.ts). */
    transport: Transport;
  }
}

export interface Stack {
  sim: HarnessSimulator;
  slack: SlackEmulator;
  bot: RunningBot;
  catalogue: Catalogue;
  dbPath: string;
  /** `clean`: the old bot stopped with nothing left pending. */
  restartBot(): Promise<{ clean: boolean }>;
  /** Another bot process on the same app and database, as a second replica would run. */
  startReplica(): Promise<RunningBot>;
  /**
   * Leaves the bot as a killed process would (no waiting for work in flight, nothing flushed),
   * then starts a new one over the same database.
   */
  crashAndRestartBot(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Harness simulator + Slack emulator + the real Bolt app, all on loopback; payloads reach the
 * bot over HTTP (signed POSTs) or Socket Mode (envelopes on a WebSocket), as `transport` says.
 */
export async function startStack(
  opts: {
    transport?: Transport;
    speed?: number;
    webhookSecret?: string;
    approverKey?: string;
    encryptionKey?: string;
    timing?: { fastMs: number; slowMs: number; backoff: number };
    /** The execute call's own timeout, and how long and often a lost run is looked for. */
    executeTimeoutMs?: number;
    /** A manifests directory of the test's own (pipelines for the simulator, workflows for the bot). */
    manifestsDir?: string;
    finder?: { boundMs: number; intervalMs: number };
    access?: Record<string, Partial<import('../../src/catalogue/bindings.js').Access>>;
    /** More workflows (and their bindings) beside the shipped ones. */
    extra?: Catalogue;
  } = {},
): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-stack-'));
  const dbPath = path.join(dir, 'bot.db');
  // SQLite, or a fresh PostgreSQL schema in the `pg` project; the bot opens it from its config.
  const database = await createTestDatabase(dir);
  const sim = await simulator({
    speed: opts.speed ?? 200,
    ...(opts.manifestsDir === undefined ? {} : { manifestsDir: opts.manifestsDir }),
  });
  const transport = opts.transport ?? inject('transport');
  const shipped =
    opts.manifestsDir === undefined ? await shippedCatalogue() : await catalogueFrom(opts.manifestsDir);
  const shared: Catalogue =
    opts.extra === undefined
      ? shipped
      : {
          ...shipped,
          workflows: new Map([...shipped.workflows, ...opts.extra.workflows]),
          bindings: new Map([...shipped.bindings, ...opts.extra.bindings]),
        };
  // Access rules for one test only: bindings are copied, never changed in place.
  const cat: Catalogue =
    opts.access === undefined
      ? shared
      : {
          ...shared,
          bindings: new Map(
            [...shared.bindings].map(([id, b]) => [
              id,
              opts.access?.[id] === undefined ? b : { ...b, access: { ...b.access, ...opts.access[id] } },
            ]),
          ),
        };
  const slack = await SlackEmulator.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    transport,
    // Slack's Events API retries (at once, 1 min, 5 min) at a twentieth of the time.
    eventRetryDelaysMs: [0, 3000, 15_000],
    closeAfterWarningMs: 500,
    // Workflow Builder's steps as slack-app.yaml declares them for this catalogue.
    functions: stepFunctions(cat),
  });
  const env = {
    ...connectedEnv(slack, sim, dbPath, transport),
    ...database.env,
    ...(opts.webhookSecret === undefined ? {} : { HARNESS_WEBHOOK_SECRET: opts.webhookSecret }),
    ...(opts.approverKey === undefined ? {} : { HARNESS_APPROVER_API_KEY: opts.approverKey }),
    ...(opts.encryptionKey === undefined ? {} : { IDP_CHATOPS_ENCRYPTION_KEY: opts.encryptionKey }),
  };
  const boot = async (): Promise<RunningBot> => {
    const bot = await startBot({
      config: loadConfig(env),
      catalogue: cat,
      logger: createLogger('silent'),
      port: 0,
      timing: opts.timing ?? { fastMs: 20, slowMs: 100, backoff: 1.5 },
      updater: { retryDelayMs: 50 },
      // The emulator does not enforce tiers here; the bot's own pacing is sped up to match.
      slackScale: 100,
      stopGraceMs: 3000,
      slackRetry: { retries: 5, factor: 1, minTimeout: 20, maxTimeout: 50 },
      harnessRetry: {
        retries: 3,
        retryBaseMs: 5,
        retryMaxMs: 40,
        ...(opts.executeTimeoutMs === undefined ? {} : { executeTimeoutMs: opts.executeTimeoutMs }),
      },
      finder: opts.finder ?? { boundMs: 2000, intervalMs: 50 },
      socketPingTimeoutMs: 2000,
    });
    if (transport === 'http') slack.botUrl = `${bot.url}/slack/events`;
    return bot;
  };
  const stack: Stack = {
    sim,
    slack,
    bot: await boot(),
    catalogue: cat,
    dbPath,
    startReplica: boot,
    async restartBot() {
      const stopped = await stack.bot.stop();
      // The stopped bot's socket is closed before the next one connects, so no envelope goes to it.
      await slack.socketMode.whenConnections((n) => n === 0);
      stack.bot = await boot();
      return stopped;
    },
    async crashAndRestartBot() {
      const dead = stack.bot;
      dead.deps.runs.stop();
      await dead.deps.tracker.stop();
      await dead.app.stop();
      // A killed process's sockets close: no envelope may reach the dead bot's standby connection.
      await dead.closeStandby();
      await dead.deps.store.close();
      stack.bot = await boot();
    },
    async stop() {
      await stack.bot.stop();
      await sim.close();
      await slack.close();
      await rm(dir, { recursive: true, force: true });
      await database.drop();
    },
  };
  return stack;
}

/** The environment of a bot connected to the emulator and the simulator, as the bot's key. */
export function connectedEnv(
  slack: SlackEmulator,
  sim: HarnessSimulator,
  dbPath: string,
  transport: 'http' | 'socket' = 'http',
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    ...(transport === 'socket' ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    SLACK_API_URL: slack.apiUrl,
    HARNESS_API_URL: sim.url,
    HARNESS_API_KEY: 'sim-key-bot',
    HARNESS_ACCOUNT_ID: 'idp_sandbox',
    DATABASE_PATH: dbPath,
    HARNESS_REQUESTS_PER_MINUTE: '100000',
  };
}

export async function eventually<T>(
  fn: () => T | Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until)
      throw new Error(`condition not met in time; last value: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** All text of a message, blocks included, for assertions a person would make reading it. */
export function textOf(m: EmulatedMessage | undefined): string {
  if (m === undefined) return '';
  const parts: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') parts.push(x);
        else if (k === 'url' && typeof x === 'string') parts.push(`<${x}>`);
        else walk(x);
      }
    }
  };
  walk(m.blocks);
  return parts.join('\n');
}

/** Answers as a person would pick them in the modal: option labels for choices. */
export function answersFor(
  workflow: import('../../src/catalogue/workflow.js').Workflow,
  page: number,
  values: Record<string, unknown>,
): Record<string, import('../../src/sandbox/slack/form-state.js').Answer> {
  const out: Record<string, import('../../src/sandbox/slack/form-state.js').Answer> = {};
  for (const f of workflow.pages[page]?.allFields ?? []) {
    const v = values[f.key];
    if (v === undefined || f.visibility !== 'shown') continue;
    if (f.input.type === 'choice') {
      const o = f.input.options.find((x) => x.value === v);
      out[f.key] = o?.label ?? JSON.stringify(v);
    } else if (f.input.type === 'multichoice' && Array.isArray(v)) {
      const opts = f.input.options;
      out[f.key] = v.map((x) => opts.find((o) => o.value === x)?.label ?? JSON.stringify(x));
    } else {
      out[f.key] = v as import('../../src/sandbox/slack/form-state.js').Answer;
    }
  }
  return out;
}
