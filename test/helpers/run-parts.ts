import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import { createHarnessClient } from '../../src/harness/client.js';
import { createRequestBudget } from '../../src/harness/request-budget.js';
import { SEED_KEYS } from '../../src/harness/simulator/seed.js';
import type { HarnessClient } from '../../src/harness/client.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { createLogger } from '../../src/logger.js';
import type { ApprovalService } from '../../src/runs/approval-service.js';
import type { MessageUpdater } from '../../src/runs/message-updater.js';
import { createRunCore } from '../../src/runs/run-core.js';
import { moduleOfPipelineUrl } from '../../src/harness-model/execution-link.js';
import type { RunTracker } from '../../src/runs/tracker.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { createSlackPort } from '../../src/slack/slack-client.js';
import { SlackScheduler } from '../../src/slack/slack-scheduler.js';
import { openStore } from '../../src/store/open-store.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import { sampleRun, shippedCatalogue } from './catalogue.js';
import { simulator } from './harness.js';
import { BOT_TOKEN, SIGNING_SECRET } from './stack.js';

/** The bot's own Harness client against the simulator. */
function botHarness(sim: HarnessSimulator, timeoutMs = 5000): HarnessClient {
  return createHarnessClient({
    baseUrl: sim.url,
    apiKey: SEED_KEYS.bot,
    accountId: 'idp_sandbox',
    budget: createRequestBudget(100_000),
    retryBaseMs: 1,
    retryMaxMs: 5,
    timeoutMs,
  });
}

/** One life of the bot's run machinery: the real modules over a SQLite file, Slack and Harness. */
export interface RunParts {
  store: Store;
  updater: MessageUpdater;
  approvals: ApprovalService;
  tracker: RunTracker;
  /**
   * The process dies here: timers stop, nothing more is retried, and the database connection
   * closes, so whatever this life still had in flight can no longer record anything.
   */
  die(): Promise<void>;
}

export async function runParts(
  dbPath: string,
  slack: SlackEmulator,
  sim: HarnessSimulator,
  catalogue: Catalogue,
  opts: { harnessTimeoutMs?: number } = {},
): Promise<RunParts> {
  const logger = createLogger('silent');
  const now = Date.now;
  const store = await openStore({ databasePath: dbPath });
  // As the bot's background client (429s come back to the scheduler), one for both roles here.
  const client = new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    // Requests cut off by a test's teardown are expected, not news.
    logLevel: LogLevel.ERROR,
  });
  // The emulator does not enforce tiers here; the bot's own pacing is sped up to match.
  const scheduler = new SlackScheduler({ logger, scale: 100 });
  const port = createSlackPort(client, client, scheduler);
  const harness = botHarness(sim, opts.harnessTimeoutMs);
  const { updater, approvals, tracker } = createRunCore(
    { store, harness, slack: port, catalogue, logger, now },
    {
      links: { uiBase: sim.url, accountId: 'idp_sandbox' },
      approverApiKey: SEED_KEYS.carol,
      vault: undefined,
      updater: { retryDelayMs: 20 },
      timing: { fastMs: 20, slowMs: 100, backoff: 1.5 },
    },
  );
  return {
    store,
    updater,
    approvals,
    tracker,
    async die() {
      void tracker.stop();
      scheduler.close();
      updater.close();
      await store.close();
    },
  };
}

/** A run of a shipped workflow started in the simulator, with its status card in #ops, as the bot records it. */
export async function startedRun(
  store: Store,
  slack: SlackEmulator,
  sim: HarnessSimulator,
  catalogue: Catalogue,
  workflowId: string,
): Promise<RunRecord> {
  const wf = catalogue.workflows.get(workflowId);
  if (wf === undefined) throw new Error(`no workflow ${workflowId}`);
  const { runtimeInputYaml } = await sampleRun(workflowId);
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl });
  const card = await client.chat.postMessage({ channel: 'C0OPS', text: `${wf.title}: starting` });
  const started = await botHarness(sim).runPipeline({
    scope: { orgId: wf.pipeline.orgId, projectId: wf.pipeline.projectId },
    pipelineId: wf.pipeline.pipelineId,
    runtimeInputYaml,
    moduleType: moduleOfPipelineUrl(wf.pipeline.url) ?? 'pms',
  });
  const run: RunRecord = {
    id: `r${started.executionId.slice(0, 7)}`,
    workflowId,
    requesterId: 'U0ALICE',
    channelId: 'C0OPS',
    cardTs: card.ts,
    executionId: started.executionId,
    orgId: wf.pipeline.orgId,
    projectId: wf.pipeline.projectId,
    pipelineId: wf.pipeline.pipelineId,
    status: 'Running',
    bucket: 'running',
    inputs: {},
    executionUrl: `https://harness.example/executions/${started.executionId}`,
    error: undefined,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    finishedAt: undefined,
  };
  await store.runs.create(run);
  return run;
}

/**
 * A fresh Slack emulator, Harness simulator and database file per test; `life()` is one life of
 * the bot's run machinery on that file. After each test the held requests of dead lives are
 * dropped with the connections, then the living ones stop.
 */
export function crashRig(): {
  readonly sim: HarnessSimulator;
  readonly slack: SlackEmulator;
  readonly catalogue: Catalogue;
  life(opts?: { harnessTimeoutMs?: number }): Promise<RunParts>;
  run(l: RunParts, workflowId: string): Promise<RunRecord>;
} {
  let dir = '';
  let sim: HarnessSimulator | undefined;
  let slack: SlackEmulator | undefined;
  let catalogue: Catalogue | undefined;
  let lives: RunParts[] = [];
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the crash rig is used outside a test');
    return v;
  };
  beforeAll(async () => {
    catalogue = await shippedCatalogue();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'idp-crash-'));
    sim = await simulator({ speed: 50 });
    slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    lives = [];
  });
  afterEach(async () => {
    await slack?.close();
    await sim?.close();
    for (const l of lives) {
      // An updater keeps retrying an edit Slack cannot take; closed, it lets the tracker stop.
      l.updater.close();
      await l.tracker.stop();
    }
    await rm(dir, { recursive: true, force: true });
  });
  const rig = {
    get sim() {
      return need(sim);
    },
    get slack() {
      return need(slack);
    },
    get catalogue() {
      return need(catalogue);
    },
    async life(opts: { harnessTimeoutMs?: number } = {}) {
      const l = await runParts(path.join(dir, 'bot.db'), rig.slack, rig.sim, rig.catalogue, opts);
      lives.push(l);
      return l;
    },
    run: (l: RunParts, workflowId: string) =>
      startedRun(l.store, rig.slack, rig.sim, rig.catalogue, workflowId),
  };
  return rig;
}
