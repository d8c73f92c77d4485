import { createHarnessClient } from '../src/harness/client.js';
import { SLACK_METHOD_TIERS } from '../src/slack/rate-tiers.js';
import { startStack, until } from './bench-stack.js';
import { RunWatch, boundLags } from './run-watch.js';
import { SlackClock } from './slack-clock.js';
import { APPROVERS, CHANNEL, startRuns } from './start-runs.js';
import type { SlackEmulator } from '../src/sandbox/slack/emulator.js';
import { pct } from './stats.js';

export interface RunsRowOptions {
  runs: number;
  replicas: number;
  /** SLACK_EDITS_PER_MINUTE for the whole deployment; each replica gets its share (README: 1/N each). */
  editsPerMinute: number;
  webhooks: boolean;
  databaseUrl: string;
  log: (line: string) => void;
}

export interface RunsRow {
  runs: number;
  replicas: number;
  started: number;
  noModal: number;
  resubmits: number;
  gaveUp: number;
  lateAcks: number;
  /** The pace the bound is computed at: the deployment's edits per minute, at most Slack's chat.update tier. */
  pace: number;
  boundP50: number;
  boundP95: number;
  lagP50: number;
  lagP95: number;
  approvalP50: number;
  approvalP95: number;
  editsPerRun: number;
  harnessPerRun: number;
  limited: number;
  limitedBy: string;
  rssMiB: number[];
  cpuPercent: number[];
  wallS: number;
}

/** What the channel's top-level messages say, counted by fallback text: which runs are where. */
function channelSummary(slack: SlackEmulator): string {
  const counts = new Map<string, number>();
  for (const m of slack.messages(CHANNEL)) counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
  return [...counts].map(([text, n]) => `${String(n)} × "${text}"`).join(', ');
}

/**
 * How long the channel may take to show what each run posts (its card, its approval card, thread
 * lines) at chat.postMessage's pace of about one a second per channel
 * (https://api.slack.com/methods/chat.postMessage#rate_limiting), with room to spare.
 */
function postsWaitMs(runs: number): number {
  return 120_000 + runs * 4000;
}

/** Slack accepts a views.open within the trigger's 3 s and 100 a minute (Tier 4): people start runs under that. */
function startGapMs(runs: number): number {
  return runs <= 80 ? 100 : Math.ceil(60_000 / 90);
}

/**
 * Simulator speed: steps run fast, but an approval's 1 h timeout is divided by the speed too, and
 * every run must still wait for its approval when the last one is started.
 */
function speedFor(runs: number): number {
  const startS = (runs * startGapMs(runs)) / 1000 + runs * 2 + 60;
  return Math.max(1, Math.min(20, Math.floor(3600 / (2 * startS))));
}

/**
 * One row: `runs` runs of /scale started through Slack, every one reaching its approval, all
 * approved at once in Harness, and Harness finishing them; then what the channel showed, when.
 */
export async function runsRow(o: RunsRowOptions): Promise<RunsRow> {
  // The budgets are the deployment's, shared through the database (README: Several replicas):
  // every replica is given the whole pace, and together they keep it.
  const pace = Math.min(o.editsPerMinute, SLACK_METHOD_TIERS['chat.update'] ?? Infinity);
  const speed = speedFor(o.runs);
  const stack = await startStack({
    transport: 'socket',
    speed,
    replicas: o.replicas,
    editsPerMinute: o.editsPerMinute,
    webhooks: o.webhooks,
    rateLimits: true,
    databaseUrl: o.databaseUrl,
  });
  const { sim, slack, bots } = stack;
  try {
    const watch = new RunWatch(sim.engine, APPROVERS);
    const clock = new SlackClock(slack, (m, at, method) => {
      watch.seen(m, at, method === 'chat.update');
    });
    for (const b of bots) b.startSampling(500);
    const t0 = Date.now();
    o.log(
      `  ${String(o.runs)} runs, ${String(o.replicas)} replica(s), simulator speed ${String(speed)}: starting`,
    );
    const started = await startRuns(slack, o.runs, startGapMs(o.runs));
    if (started.started === 0)
      throw new Error(`no run started (${String(started.noModal)} modals did not open)`);
    const waiting = () => [...sim.engine.approvals.values()].filter((a) => a.status === 'WAITING');
    await until(
      () => (waiting().length >= started.started ? true : undefined),
      postsWaitMs(o.runs),
      () =>
        `${String(started.started)} runs started in Slack, ${String(sim.engine.executions.size)} executions in Harness, ${String(waiting().length)} waiting for approval; the channel shows ${channelSummary(slack)}`,
    );
    o.log(
      `  all ${String(started.started)} waiting for approval after ${String(Math.round((Date.now() - t0) / 1000))} s`,
    );
    const approvals = waiting();
    await until(
      () => (approvals.every((a) => watch.approvalCards.has(a.id)) ? true : undefined),
      postsWaitMs(o.runs),
      () =>
        `approval cards with mentions posted for ${String(approvals.filter((a) => watch.approvalCards.has(a.id)).length)} of ${String(approvals.length)} approvals`,
    );
    const bob = createHarnessClient({ baseUrl: sim.url, apiKey: 'sim-key-bob', accountId: 'idp_sandbox' });
    const harnessBefore = sim.requests;
    await Promise.all(approvals.map((a) => bob.decideApproval(a.id, { action: 'APPROVE' })));
    const harnessOwn = sim.requests - harnessBefore;
    o.log(`  approved all at once; waiting for Harness to finish them`);
    const executions = [...sim.engine.executions.values()];
    await until(
      () => (executions.every((e) => e.endTs !== undefined) ? true : undefined),
      120_000,
      () =>
        `${String(executions.filter((e) => e.endTs === undefined).length)} executions still running in Harness`,
    );
    // A bot slower than Slack allows is measured, not failed: only past four times the bound is it stuck.
    const boundMaxMs = (executions.length * 60_000) / pace;
    await until(
      () => (executions.every((e) => watch.finals.has(e.id)) ? true : undefined),
      4 * boundMaxMs + 120_000,
      () =>
        `the channel shows the final state of ${String(executions.filter((e) => watch.finals.has(e.id)).length)} of ${String(executions.length)} runs (missing: ${executions
          .filter((e) => !watch.finals.has(e.id))
          .slice(0, 5)
          .map((e) => e.id)
          .join(
            ', ',
          )}…; a run counts once a top-level message names its Harness execution id and says how it ended, see bench/run-watch.ts)`,
    );
    const wallS = (Date.now() - t0) / 1000;
    for (const b of bots) await b.stop();
    const lags = executions.map((e) => (watch.finals.get(e.id)?.at ?? NaN) - (e.endTs ?? NaN));
    const bounds = boundLags(
      executions.map((e) => ({ id: e.id, end: e.endTs ?? 0, seen: watch.finals.get(e.id) })),
      pace,
    );
    const approvalLat = approvals.map((a) => (watch.approvalCards.get(a.id) ?? NaN) - a.createdAt);
    const limitedBy = new Map<string, number>();
    for (const t of clock.timed)
      if (t.call.status === 429) limitedBy.set(t.call.method, (limitedBy.get(t.call.method) ?? 0) + 1);
    return {
      runs: o.runs,
      replicas: o.replicas,
      started: started.started,
      noModal: started.noModal,
      resubmits: started.resubmits,
      gaveUp: started.gaveUp,
      lateAcks: started.lateAcks,
      pace,
      boundP50: pct([...bounds.values()], 50),
      boundP95: pct([...bounds.values()], 95),
      lagP50: pct(lags, 50),
      lagP95: pct(lags, 95),
      approvalP50: pct(approvalLat, 50),
      approvalP95: pct(approvalLat, 95),
      editsPerRun: clock.count('chat.update').ok / executions.length,
      harnessPerRun: (sim.requests - harnessOwn) / executions.length,
      limited: clock.count(undefined).limited,
      limitedBy: [...limitedBy].map(([m, n]) => `${m} ${String(n)}`).join(', '),
      rssMiB: bots.map((b) => b.usage().peakRssMiB),
      cpuPercent: bots.map((b) => b.usage().cpuPercent),
      wallS,
    };
  } finally {
    await stack.stop();
  }
}
