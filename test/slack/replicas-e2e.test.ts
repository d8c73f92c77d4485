import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { APPROVE_ACTION_ID } from '../../blocks/ids.js';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import type { EmulatedMessage } from '../../src/sandbox/slack/state.js';
import { spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { sample } from '../helpers/metrics-text.js';
import { maxInWindow, sampleArrivals } from '../helpers/rate-windows.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { simulator } from '../helpers/harness.js';
import { submitThrough } from '../helpers/submit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { BOT_TOKEN, connectedEnv, eventually, SIGNING_SECRET } from '../helpers/stack.js';

/**
 * Two bot processes (built code) on one PostgreSQL schema, one Slack emulator (events sent to
 * either replica, as a load balancer would) and one Harness simulator.
 */
let dir: string;
let sim: HarnessSimulator;
let slack: SlackEmulator;
let catalogue: Catalogue;
let database: TestDatabase;
const bots: BotProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-replicas-'));
  database = await createTestDatabase(dir, 'pg');
  // Pipelines at about real pace: a run without approval lasts seconds, so a kill lands mid-run.
  sim = await simulator({ speed: 2 });
  slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  catalogue = await shippedCatalogue();
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.kill()));
  await slack.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
  await database.drop();
});

async function replica(leaseSeconds: number, env: Record<string, string> = {}): Promise<BotProcess> {
  const bot = await spawnBot({
    ...connectedEnv(slack, sim, path.join(dir, 'unused.db')),
    ...database.env,
    HARNESS_APPROVER_API_KEY: 'sim-key-carol',
    HARNESS_POLL_INTERVAL_MS: '100',
    SLACK_EDITS_PER_MINUTE: '6000',
    RUN_LEASE_SECONDS: String(leaseSeconds),
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  bots.push(bot);
  return bot;
}

/** Slack's requests go to this replica from now on. */
function routeTo(bot: BotProcess): void {
  slack.botUrl = `${bot.url}/slack/events`;
}

/** A person runs a workflow with its sample answers through `bot`; returns the status card's ts. */
async function runThrough(bot: BotProcess, workflowId: string): Promise<string> {
  routeTo(bot);
  return submitThrough(slack, catalogue, workflowId);
}

const card = (ts: string): EmulatedMessage | undefined =>
  slack.channel('C0OPS').messages.find((m) => m.ts === ts);
const thread = (ts: string) => slack.replies('C0OPS', ts);
const approvalCards = (ts: string) => thread(ts).filter((m) => m.broadcast === true);
const notes = (text: string) =>
  (slack.ws.channels.get('D0ALICE')?.messages ?? []).filter((m) => m.text.startsWith(text));
/** The delivery keys of a thread's replies: each message the bot sends once carries its own. */
const deliveryKeys = (ts: string) =>
  thread(ts).flatMap((m) => {
    const key = m.metadata?.event_payload['key'];
    return typeof key === 'string' ? [key] : [];
  });

/** The run record behind a card, and whether its approval card is recorded (a person then clicks). */
async function runOfCard(ts: string) {
  const store = await database.open();
  try {
    const run = (await store.runs.open()).find((r) => r.cardTs === ts);
    const cards = run === undefined ? [] : await store.approvalCards.forRun(run.id);
    return { run, cards, unleased: await store.leases.unleasedOpenRuns(Date.now()) };
  } finally {
    await store.close();
  }
}

/** Which replica holds the run's lease (hostname:pid:random), read as an operator would. */
async function leaseOwner(runId: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: database.env['DATABASE_URL'] });
  await client.connect();
  try {
    const { rows } = await client.query('select owner from run_leases where run_id = $1', [runId]);
    return z.array(z.object({ owner: z.string() })).parse(rows)[0]?.owner;
  } finally {
    await client.end();
  }
}

const FLAG = 'Toggle a feature flag';
const SCALE = 'Scale a service';

describe('two replicas on one PostgreSQL', () => {
  it(
    'ten runs through both, one replica SIGKILLed mid-run: every card ends once, nothing runs or posts twice, approvals still work',
    { timeout: 150_000 },
    async () => {
      const [a, b] = await Promise.all([replica(3), replica(3)]);
      const started: [string, string][] = [];
      // Four scales first, two through each replica: their approval cards come after a step
      // that reads the replica count.
      for (let i = 0; i < 4; i++)
        started.push([await runThrough(i % 2 === 0 ? a : b, 'scale_service'), SCALE]);
      const scales = started.map(([ts]) => ts);
      // Every approval card is out and recorded before the kill, so people can click after it.
      const approvalTs = new Map<string, string>();
      for (const ts of scales) {
        const [approval] = await eventually(
          () => approvalCards(ts),
          (c) => c.length === 1,
          30_000,
        );
        if (approval === undefined) throw new Error('no approval card');
        await eventually(
          () => runOfCard(ts),
          (r) => r.cards.some((c) => c.ts === approval.ts),
        );
        approvalTs.set(ts, approval.ts);
      }
      // Then six flags, the last through the replica about to die: a flag has no approval and
      // lasts seconds, so whatever the machine's load, one is still moving at the kill.
      for (let i = 0; i < 6; i++)
        started.push([await runThrough(i % 2 === 0 ? b : a, 'toggle_feature_flag'), FLAG]);
      const openAtKill = await Promise.all(started.map(([ts]) => runOfCard(ts)));
      await a.kill();
      routeTo(b);
      // Killed mid-run: the dead replica's approvals and at least one other of its runs were open.
      expect(openAtKill.filter((r) => r.run !== undefined).length).toBeGreaterThan(scales.length);

      // Approvals after the kill go through the survivor, which takes the dead one's runs over.
      for (const [, approval] of approvalTs)
        await slack.clickMessageButton('C0OPS', approval, 'U0BOB', APPROVE_ACTION_ID);
      for (const [ts, title] of started)
        await eventually(
          () => card(ts)?.text,
          (t) => t === `${title}: Succeeded`,
          60_000,
        );
      await eventually(
        () => notes(`Your run of ${FLAG} finished`).length + notes(`Your run of ${SCALE} finished`).length,
        (n) => n === 10,
        20_000,
      );
      await b.stop();

      expect(sim.engine.executions.size).toBe(10);
      for (const [ts, title] of started) {
        expect(thread(ts).filter((m) => m.text === `${title}: Succeeded`)).toHaveLength(1);
        const keys = deliveryKeys(ts);
        expect(keys.length).toBeGreaterThan(0);
        expect(new Set(keys).size).toBe(keys.length);
      }
      for (const ts of scales) expect(approvalCards(ts)).toHaveLength(1);
      const approvals = [...sim.engine.approvals.values()];
      expect(approvals).toHaveLength(scales.length);
      for (const approval of approvals) {
        expect(approval.status).toBe('APPROVED');
        expect(approval.activities).toHaveLength(1);
      }
      expect(notes(`Your run of ${FLAG} finished`)).toHaveLength(6);
      expect(notes(`Your run of ${SCALE} finished`)).toHaveLength(4);
    },
  );

  it(
    'SIGTERM hands the runs over at once: the other replica takes them long before the lease would expire',
    {
      timeout: 60_000,
    },
    async () => {
      const [a, b] = await Promise.all([replica(15), replica(15)]);
      const ts = await runThrough(a, 'scale_service');
      const [approval] = await eventually(
        () => approvalCards(ts),
        (c) => c.length === 1,
        30_000,
      );
      if (approval === undefined) throw new Error('no approval card');
      await eventually(
        () => runOfCard(ts),
        (r) => r.cards.some((c) => c.ts === approval.ts),
      );
      const { run } = await runOfCard(ts);
      if (run === undefined) throw new Error('no run');
      const ownerBefore = await leaseOwner(run.id);
      expect(ownerBefore).toMatch(/:\d+:[0-9a-f]{6}$/);
      const stopping = Date.now();
      await a.stop();
      const stoppedIn = Date.now() - stopping;
      expect(stoppedIn).toBeLessThan(10_000);
      // Released at the stop, so taken by the other replica at its next scan (every 5 s ± 20%):
      // unreleased, the lease (renewed every 5 s, for 15 s) would hold at least 10 s more.
      const owner = await eventually(
        () => leaseOwner(run.id),
        (o) => o !== undefined && o !== ownerBefore,
        8000,
      );
      expect(owner).not.toBe(ownerBefore);
      routeTo(b);
      await slack.clickMessageButton('C0OPS', approval.ts, 'U0BOB', APPROVE_ACTION_ID);
      await eventually(
        () => card(ts)?.text,
        (t) => t === `${SCALE}: Succeeded`,
        30_000,
      );
      await b.stop();
      expect(sim.engine.executions.size).toBe(1);
      expect(thread(ts).filter((m) => m.text === `${SCALE}: Succeeded`)).toHaveLength(1);
    },
  );

  it(
    'two replicas together stay inside one Harness budget and one Slack budget (counted by Harness and Slack)',
    { timeout: 120_000 },
    async () => {
      // Runs that last about half a minute (a toggle's three steps at a quarter of Harness's pace),
      // so both replicas keep wanting turns for the whole test.
      await sim.close();
      sim = await simulator({ speed: 0.25 });
      // What the simulator and the emulator received, dated as it arrived (their own tallies).
      const harnessArrivals = sampleArrivals(() => sim.requests);
      const editArrivals = sampleArrivals(() => slack.calls.filter((c) => c.method === 'chat.update').length);
      const budgets = { HARNESS_REQUESTS_PER_MINUTE: '60', SLACK_EDITS_PER_MINUTE: '12' };
      const [a, b] = await Promise.all([replica(15, budgets), replica(15, budgets)]);
      // Six runs, three followed by each replica: polled every 100 ms and edited at every step,
      // each replica alone would want far more than either budget.
      for (let i = 0; i < 6; i++) await runThrough(i % 2 === 0 ? a : b, 'toggle_feature_flag');
      const spent = async (bot: BotProcess) => {
        const text = await (await fetch(`${bot.url}/metrics`)).text();
        const harness = ['ok', 'error'].reduce(
          (n, outcome) =>
            n +
            (sample(text, 'idp_chatops_harness_requests_total', { operation: 'execution.get', outcome }) ??
              0),
          0,
        );
        const edits =
          sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.update', outcome: 'ok' }) ?? 0;
        return { harness, edits };
      };
      // Both replicas keep asking for turns (their runs stay open while their cards wait for edits).
      await new Promise((r) => setTimeout(r, 25_000));
      const [spentA, spentB] = await Promise.all([spent(a), spent(b)]);
      await Promise.all([a.stop(), b.stop()]);
      const harness = harnessArrivals.stop();
      const edits = editArrivals.stop();

      // Both took turns of both budgets: the budgets were shared, not one replica starved.
      for (const s of [spentA, spentB]) {
        expect(s.harness).toBeGreaterThan(0);
        expect(s.edits).toBeGreaterThan(0);
      }
      // Together, never more than one budget in any minute (each replica alone may spend it all).
      expect(maxInWindow(harness, 60_000)).toBeLessThanOrEqual(60);
      // The Harness budget is kept in twelve windows a minute (src/harness/request-budget.ts):
      // 5 in any 5 s, counted a little shorter for the arrivals' sampling.
      expect(maxInWindow(harness, 5000 - 150)).toBeLessThanOrEqual(5);
      expect(maxInWindow(edits, 60_000)).toBeLessThanOrEqual(12);
      // And they did spend it: a budget left mostly unused would prove nothing.
      expect(harness.length).toBeGreaterThan(20);
      expect(edits.length).toBeGreaterThanOrEqual(8);
    },
  );
});
