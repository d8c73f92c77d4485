/**
 * `npm run bench`: many people running workflows at once, over the real bot, the Slack emulator
 * (enforcing Slack's per-method rate tiers) and the Harness simulator. Measures what users
 * judge the bot on: Slack's 3-second rule, how fast cards follow Harness, and how much of
 * Harness's and Slack's rate limits the bot uses.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBot } from '../src/bot.js';
import { loadCatalogue } from '../src/catalogue/load-catalogue.js';
import { loadConfig } from '../src/config.js';
import { createHarnessClient } from '../src/harness/client.js';
import { startHarnessSimulator } from '../src/harness/simulator/server.js';
import { createLogger } from '../src/logger.js';
import { SlackEmulator } from '../src/sandbox/slack/emulator.js';

const RUNS = Number(process.argv[2] ?? 20);
const SPEED = 20;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function until<T>(fn: () => T | undefined, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-bench-'));
  const r = await loadCatalogue('manifests');
  if (r.catalogue === undefined) throw new Error('catalogue');
  const sim = await startHarnessSimulator({ speed: SPEED });
  const slack = await SlackEmulator.start({
    signingSecret: 'bench-secret',
    botToken: 'xoxb-bench',
    enforceRateLimits: true,
  });
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: slack.apiUrl,
    HARNESS_API_URL: sim.url,
    HARNESS_API_KEY: 'sim-key-bot',
    HARNESS_ACCOUNT_ID: 'idp_sandbox',
    HARNESS_APPROVER_API_KEY: 'sim-key-carol',
    DATABASE_PATH: path.join(dir, 'bench.db'),
  });
  const bot = await startBot({ config, catalogue: r.catalogue, logger: createLogger('silent'), port: 0 });
  slack.botUrl = `${bot.url}/slack/events`;
  const values = JSON.parse(await readFile('test/fixtures/values/scale_service.json', 'utf8')) as Record<
    string,
    string | number
  >;
  const started = Date.now();
  const commandAck: number[] = [];
  const modalOpen: number[] = [];
  const submitAck: number[] = [];
  const cardPosted: number[] = [];
  const users = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'];

  await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const user = users[i % users.length] ?? 'U0ALICE';
      await new Promise((res) => setTimeout(res, i * 50));
      const t0 = Date.now();
      const before = new Set(slack.openViews(user).map((v) => v.id));
      await slack.command({ command: '/scale', text: '', user, channel: 'C0OPS' });
      commandAck.push(Date.now() - t0);
      const view = await until(() => slack.openViews(user).find((v) => !before.has(v.id)));
      modalOpen.push(Date.now() - t0);
      // Filled first (the environment dispatches and the form updates), so the ack below is the submission's own.
      await slack.fill(view.id, user, {
        service: 'payments_api',
        environment: 'Production',
        infrastructure: 'k8s_prod_eu',
        workload: String(values.workload),
        replicas: Number(values.replicas),
      });
      const cards = slack.messages('C0OPS').length;
      const t1 = Date.now();
      await slack.submitView(view.id, user);
      submitAck.push(Date.now() - t1);
      await until(() => (slack.messages('C0OPS').length > cards ? true : undefined));
      cardPosted.push(Date.now() - t1);
    }),
  );
  // Approve every run in Harness, then measure how long cards take to show the end.
  const bob = createHarnessClient({ baseUrl: sim.url, apiKey: 'sim-key-bob', accountId: 'idp_sandbox' });
  await until(() =>
    [...sim.engine.approvals.values()].filter((a) => a.status === 'WAITING').length === RUNS
      ? true
      : undefined,
  );
  for (const a of sim.engine.approvals.values()) await bob.decideApproval(a.id, { action: 'APPROVE' });
  await until(() =>
    [...sim.engine.executions.values()].every((e) => e.endTs !== undefined) ? true : undefined,
  );
  const lag: number[] = [];
  for (const e of sim.engine.executions.values()) {
    const run = bot.deps.store.findRunByExecution(e.id);
    await until(() => (bot.deps.store.getRun(run?.id ?? '')?.finishedAt !== undefined ? true : undefined));
    lag.push(Math.max(0, (bot.deps.store.getRun(run?.id ?? '')?.finishedAt ?? 0) - (e.endTs ?? 0)));
  }
  await bot.deps.tracker.stop();
  const minutes = (Date.now() - started) / 60_000;
  const updates = slack.calls.filter((c) => c.method === 'chat.update');
  const rows: [string, string][] = [
    ['runs', String(RUNS)],
    [
      'slash command ack p50 / p95 (ms, Slack allows 3000)',
      `${String(pct(commandAck, 50))} / ${String(pct(commandAck, 95))}`,
    ],
    [
      'modal open after command p50 / p95 (ms, trigger_id lives 3000)',
      `${String(pct(modalOpen, 50))} / ${String(pct(modalOpen, 95))}`,
    ],
    [
      'submit ack p50 / p95 (ms, Slack allows 3000)',
      `${String(pct(submitAck, 50))} / ${String(pct(submitAck, 95))}`,
    ],
    [
      'submit → card in channel p50 / p95 (ms)',
      `${String(pct(cardPosted, 50))} / ${String(pct(cardPosted, 95))}`,
    ],
    ['Harness end → card end p50 / p95 (ms)', `${String(pct(lag, 50))} / ${String(pct(lag, 95))}`],
    ['Harness requests per minute (budget 600, Harness limit 1000)', (sim.requests / minutes).toFixed(0)],
    ['chat.update per minute (Slack tier 3: ~50)', (updates.length / minutes).toFixed(0)],
    ['Slack 429 answers', String(slack.calls.filter((c) => c.status === 429).length)],
    ['wall time (s)', ((Date.now() - started) / 1000).toFixed(1)],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(66)} ${v}\n`);
  await bot.stop();
  await sim.close();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
}

await main();
