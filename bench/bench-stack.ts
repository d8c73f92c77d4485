import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBot } from '../src/bot.js';
import type { RunningBot } from '../src/bot.js';
import type { Catalogue } from '../src/catalogue/load-catalogue.js';
import { loadConfig } from '../src/config.js';
import { startHarnessSimulator } from '../src/harness/simulator/server.js';
import type { HarnessSimulator } from '../src/harness/simulator/server.js';
import { createLogger } from '../src/logger.js';
import { SlackEmulator } from '../src/sandbox/slack/emulator.js';
import type { Transport } from '../src/sandbox/slack/emulator.js';

export interface BenchStack {
  sim: HarnessSimulator;
  slack: SlackEmulator;
  bot: RunningBot;
  stop(): Promise<void>;
}

const APP_TOKEN = 'xapp-bench-not-a-real-token';

/** The real bot between the Slack emulator (Slack's rate tiers enforced) and the Harness simulator. */
export async function startBenchStack(
  catalogue: Catalogue,
  transport: Transport,
  speed: number,
): Promise<BenchStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-bench-'));
  const sim = await startHarnessSimulator({ speed });
  const slack = await SlackEmulator.start({
    signingSecret: 'bench-secret',
    botToken: 'xoxb-bench',
    appToken: APP_TOKEN,
    transport,
    enforceRateLimits: true,
  });
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    ...(transport === 'socket' ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: 'bench-secret' }),
    SLACK_API_URL: slack.apiUrl,
    HARNESS_API_URL: sim.url,
    HARNESS_API_KEY: 'sim-key-bot',
    HARNESS_ACCOUNT_ID: 'idp_sandbox',
    HARNESS_APPROVER_API_KEY: 'sim-key-carol',
    DATABASE_PATH: path.join(dir, 'bench.db'),
  });
  const bot = await startBot({ config, catalogue, logger: createLogger('silent'), port: 0 });
  if (transport === 'http') slack.botUrl = `${bot.url}/slack/events`;
  return {
    sim,
    slack,
    bot,
    async stop() {
      await bot.stop();
      await sim.close();
      await slack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface InteractiveTimes {
  /** Runs whose modal never opened (e.g. Slack's 3-second trigger_id expired under load). */
  noModal: number;
  commandAck: number[];
  modalOpen: number[];
  submitAck: number[];
  cardPosted: number[];
}

/** `runs` people type /scale (50 ms apart), fill the modal and submit it: what they wait for. */
export async function runScales(slack: SlackEmulator, runs: number): Promise<InteractiveTimes> {
  const values = JSON.parse(await readFile('test/fixtures/values/scale_service.json', 'utf8')) as Record<
    string,
    string | number
  >;
  const t: InteractiveTimes = { noModal: 0, commandAck: [], modalOpen: [], submitAck: [], cardPosted: [] };
  const users = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'];
  const taken = new Set<string>();
  await Promise.all(
    Array.from({ length: runs }, async (_, i) => {
      const user = users[i % users.length] ?? 'U0ALICE';
      await new Promise((res) => setTimeout(res, i * 50));
      const t0 = Date.now();
      const before = new Set(slack.openViews(user).map((v) => v.id));
      await slack.command({ command: '/scale', text: '', user, channel: 'C0OPS' });
      t.commandAck.push(Date.now() - t0);
      // The same person runs several at once: each run takes a modal no other run took.
      const view = await until(
        () => slack.openViews(user).find((v) => !before.has(v.id) && !taken.has(v.id)),
        15_000,
      ).catch(() => undefined);
      if (view === undefined) {
        t.noModal++;
        return;
      }
      taken.add(view.id);
      t.modalOpen.push(Date.now() - t0);
      // Filled first (the environment dispatches and the form updates), so the ack below is the submission's own.
      await slack.fill(view.id, user, {
        service: String(values.service),
        environment: String(values.environment),
        infrastructure: String(values.infrastructure),
        workload: String(values.workload),
        replicas: Number(values.replicas),
      });
      const cards = slack.messages('C0OPS').length;
      const t1 = Date.now();
      const reply = await slack.submitView(view.id, user);
      t.submitAck.push(Date.now() - t1);
      // A refused form would leave the benchmark waiting for a card that never comes: say why.
      if (reply.status !== 200 || JSON.stringify(reply.body).includes('"response_action":"errors"'))
        throw new Error(`the /scale form was not accepted: ${JSON.stringify(reply)}`);
      await until(() => (slack.messages('C0OPS').length > cards ? true : undefined));
      t.cardPosted.push(Date.now() - t1);
    }),
  );
  return t;
}
