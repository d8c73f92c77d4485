import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StepFunction } from '../../src/catalogue/step-functions.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { spawnBot } from './bot-process.js';
import type { BotProcess } from './bot-process.js';
import { simulator } from './harness.js';
import { BOT_TOKEN, connectedEnv, SIGNING_SECRET } from './stack.js';
import { createTestDatabase } from './test-database.js';

/**
 * The stack of a crash test: the Slack emulator and the Harness simulator (at 100× speed), a
 * database of the test's own (SQLite in a temporary folder, or a PostgreSQL schema in the `pg`
 * project), and the bot as a real child process (built code) that the test kills and starts
 * again on the same database. `env` is added to every life's environment.
 */
export async function crashRig(
  prefix: string,
  opts: { functions?: Record<string, StepFunction>; env?: Record<string, string> } = {},
) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const database = await createTestDatabase(dir);
  const sim = await simulator({ speed: 100 });
  const slack = await SlackEmulator.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    ...(opts.functions === undefined ? {} : { functions: opts.functions }),
  });
  let bot: BotProcess | undefined;

  /** Starts a life of the bot on the rig's database; Slack's events go to it. */
  async function boot(extra: Record<string, string> = {}): Promise<void> {
    bot = await spawnBot({
      ...connectedEnv(slack, sim, path.join(dir, 'bot.db')),
      ...database.env,
      ...opts.env,
      HARNESS_POLL_INTERVAL_MS: '100',
      SLACK_EDITS_PER_MINUTE: '6000',
      // On PostgreSQL a killed bot's leases hold until they expire: the next life takes its runs then.
      RUN_LEASE_SECONDS: '2',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    });
    slack.botUrl = `${bot.url}/slack/events`;
  }

  return {
    dir,
    database,
    sim,
    slack,
    boot,
    /** Kills the bot once `arrived` (a held request) says it is inside the window, and starts it again. */
    async killInside(arrived: Promise<unknown>, extra: Record<string, string> = {}): Promise<void> {
      await arrived;
      await bot?.kill();
      await boot(extra);
    },
    /** Stops the bot as a deploy does (SIGTERM); the next `boot` is a new life. */
    async stop(): Promise<void> {
      await bot?.stop();
      bot = undefined;
    },
    /** Kills the bot and ends the stack; the folder and the PostgreSQL schema go. */
    async close(): Promise<void> {
      await bot?.kill();
      await slack.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
      await database.drop();
    },
  };
}
export type CrashRig = Awaited<ReturnType<typeof crashRig>>;
