import { WebAPIPlatformError } from '@slack/web-api';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { HarnessClient } from '../../src/harness/client.js';
import type { RunRequest as HarnessRunRequest } from '../../src/ports/harness.js';
import { statusBucket } from '../../src/harness-model/status.js';
import type { ExecutionView, StepView } from '../../src/harness-model/types.js';
import { createLogger } from '../../src/logger.js';
import type { ChannelInfo, SlackMessageContent, SlackPort } from '../../src/ports/slack.js';
import type { Store } from '../../src/ports/store.js';
import { Deliveries } from '../../src/runs/deliveries.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import { RunEvents } from '../../src/runs/run-events.js';
import type { RunEventMap, RunEventName } from '../../src/runs/run-events.js';
import { RunService } from '../../src/runs/run-service.js';
import type { RunRequest } from '../../src/runs/run-service.js';
import { subscribeRunConsumers } from '../../src/runs/subscribers.js';
import { RunTracker } from '../../src/runs/tracker.js';
import { openStore } from '../../src/store/open-store.js';
import { sampleRun, sampleValues, shippedCatalogue } from './catalogue.js';

/** One call the core made on the Slack port; `error` when the fake failed it. */
export interface SlackCall {
  method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral';
  channel: string;
  ts: string | undefined;
  threadTs: string | undefined;
  content: SlackMessageContent;
  error: string | undefined;
}

/** Slack's answers the core must tell apart: for good, may pass. */
export const slackPermanent = (code: string) => new WebAPIPlatformError({ ok: false, error: code });
export const slackTransient = () => new WebAPIPlatformError({ ok: false, error: 'internal_error' });

/**
 * A fake of the Slack port that records every message call and fails the ones it is told to
 * (a permanent or transient Slack error, or the scheduler's shutdown), as Slack would answer.
 */
export class FakeSlack implements SlackPort {
  readonly calls: SlackCall[] = [];
  private readonly failures: {
    method: SlackCall['method'];
    error: Error;
    times: number;
    when: (c: SlackCall) => boolean;
  }[] = [];
  private seq = 0;

  /** The next `times` calls of `method` (matching `when`) fail with `error`; `Infinity` until `heal`. */
  failNext(
    method: SlackCall['method'],
    error: Error,
    times = 1,
    when: (c: SlackCall) => boolean = () => true,
  ) {
    this.failures.push({ method, error, times, when });
  }

  heal(): void {
    this.failures.length = 0;
  }

  /** Calls Slack took. */
  ok(method: SlackCall['method'], when: (c: SlackCall) => boolean = () => true): SlackCall[] {
    return this.calls.filter((c) => c.method === method && c.error === undefined && when(c));
  }

  private call(c: SlackCall): SlackCall {
    const f = this.failures.find((x) => x.method === c.method && x.times > 0 && x.when(c));
    if (f !== undefined) {
      f.times--;
      this.calls.push({ ...c, error: f.error.message });
      throw f.error;
    }
    this.calls.push(c);
    return c;
  }

  postMessage(channel: string, content: SlackMessageContent, threadTs?: string) {
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.call({ method: 'chat.postMessage', channel, ts, threadTs, content, error: undefined });
    return Promise.resolve({ ts, channel });
  }

  updateMessage(channel: string, ts: string, content: SlackMessageContent) {
    return Promise.resolve().then(() => {
      this.call({ method: 'chat.update', channel, ts, threadTs: undefined, content, error: undefined });
    });
  }

  postEphemeral(channel: string, user: string, content: SlackMessageContent, threadTs?: string) {
    return Promise.resolve().then(() => {
      this.call({
        method: 'chat.postEphemeral',
        channel: `${channel}/${user}`,
        ts: undefined,
        threadTs,
        content,
        error: undefined,
      });
    });
  }

  /** Reads back what was posted with a delivery key, as the real port reads the conversation. */
  findDelivered(channel: string, deliveryKey: string, where: { threadTs: string | undefined }) {
    const found = this.ok(
      'chat.postMessage',
      (c) => c.channel === channel && c.threadTs === where.threadTs && c.content.deliveryKey === deliveryKey,
    )[0];
    return Promise.resolve(found?.ts);
  }

  // Not used by the run's life: they answer as Slack would for a workspace with nobody in it.
  openView() {
    return Promise.resolve({ viewId: 'V0FAKE' });
  }
  updateView() {
    return Promise.resolve();
  }
  publishHome() {
    return Promise.resolve();
  }
  userEmail() {
    return Promise.resolve(undefined);
  }
  userName() {
    return Promise.resolve(undefined);
  }
  userIdByEmail() {
    return Promise.resolve(undefined);
  }
  userGroupMembers() {
    return Promise.resolve([]);
  }
  userGroupIdByHandle() {
    return Promise.resolve(undefined);
  }
  channelInfo(): Promise<ChannelInfo | undefined> {
    return Promise.resolve(undefined);
  }
}

type RunHarness = Pick<HarnessClient, 'getExecution' | 'runPipeline' | 'recentExecutions' | 'executionNotes'>;

/**
 * A fake of the Harness calls the tracker and the run service make. `views` is the script of
 * `getExecution`: each call takes the next entry (an Error is thrown), the last one repeats.
 * `start` answers `runPipeline`; executions it "started" keep their notes, as Harness does.
 */
export class ScriptedHarness implements RunHarness {
  views: (ExecutionView | Error)[] = [];
  start: (req: HarnessRunRequest) => { executionId: string } | Error = () => ({ executionId: 'ex1' });
  /** Executions Harness has, newest first, with their notes (a lost answer's run is here). */
  readonly executions: { executionId: string; notes: string }[] = [];
  readonly calls: string[] = [];
  /** Runs at each getExecution, before it answers (the test's clock moves here). */
  onRead: () => void = () => undefined;

  runPipeline(req: HarnessRunRequest) {
    this.calls.push('runPipeline');
    const r = this.start(req);
    return r instanceof Error
      ? Promise.reject(r)
      : Promise.resolve({ executionId: r.executionId, status: 'Running' });
  }

  getExecution(executionId: string) {
    this.calls.push(`getExecution ${executionId}`);
    this.onRead();
    const reads = this.calls.filter((c) => c.startsWith('getExecution')).length;
    const v = this.views[Math.min(reads, this.views.length) - 1];
    if (v === undefined) return Promise.reject(new Error('the test scripted no execution view'));
    return v instanceof Error ? Promise.reject(v) : Promise.resolve({ ...v, executionId });
  }

  recentExecutions() {
    this.calls.push('recentExecutions');
    return Promise.resolve(
      this.executions.map((e) => ({ executionId: e.executionId, startTs: undefined, hasNotes: true })),
    );
  }

  executionNotes(executionId: string) {
    this.calls.push(`executionNotes ${executionId}`);
    return Promise.resolve(this.executions.find((e) => e.executionId === executionId)?.notes ?? '');
  }

  get reads(): number {
    return this.calls.filter((c) => c.startsWith('getExecution')).length;
  }
}

/** An execution as Harness would show it: its status and its steps' (name and status). */
export function execution(status: string, steps: [string, string][] = []): ExecutionView {
  const stepViews: StepView[] = steps.map(([name, s], i) => ({
    id: `step${String(i)}`,
    name,
    type: 'ShellScript',
    stageId: 'stage0',
    status: s,
    bucket: statusBucket(s),
    startTs: 1_000,
    endTs: undefined,
    failureMessage: s === 'Failed' ? 'exit status 1' : undefined,
    outputs: {},
    approvalInstanceId: undefined,
  }));
  return {
    executionId: 'ex1',
    pipelineId: 'toggle_feature_flag',
    name: 'toggle',
    runSequence: 1,
    status,
    bucket: statusBucket(status),
    startTs: 1_000,
    endTs: undefined,
    failureMessage: undefined,
    stages: [],
    steps: stepViews,
    modules: ['pms'],
    git: undefined,
  };
}

/** Every event the run's subscribers delivered, in order (an observer of each name). */
export type Seen = { [K in RunEventName]: { name: K; event: RunEventMap[K] } }[RunEventName];

const NAMES: RunEventName[] = [
  'run.requested',
  'run.start_unconfirmed',
  'run.started',
  'run.not_started',
  'run.observed',
  'run.step_changed',
  'run.unreachable',
  'run.approval_waiting',
  'run.approval_decided',
  'run.finished',
];

/**
 * The run machinery over fakes of its ports (Slack, Harness, a clock the test moves) and the
 * real SQLite store: the tracker, the run service, the updater, deliveries and every subscriber
 * as the bot wires them.
 */
export async function runRig(dbFile = ':memory:') {
  const store: Store = await openStore({ databasePath: dbFile });
  const catalogue: Catalogue = await shippedCatalogue();
  const logger = createLogger('silent');
  const clock = { t: 1_700_000_000_000 };
  const now = () => clock.t;
  const slack = new FakeSlack();
  const harness = new ScriptedHarness();
  const updater = new MessageUpdater(slack, logger, { retryDelayMs: 5 });
  const deliveries = new Deliveries({ store, slack, logger, now });
  const events = new RunEvents(logger);
  subscribeRunConsumers(events, { store, slack, updater, deliveries, catalogue, logger, now });
  const seen: Seen[] = [];
  for (const name of NAMES)
    events.observe(name, (event) => {
      seen.push({ name, event } as Seen);
    });
  const tracker = new RunTracker({
    store,
    harness,
    events,
    catalogue,
    logger,
    now,
    timing: { fastMs: 5, slowMs: 20, backoff: 1.5 },
  });
  const runs = new RunService({
    store,
    harness,
    slack,
    events,
    tracker,
    catalogue,
    logger,
    now,
    harnessUiUrl: 'https://harness.example',
    accountId: 'acc',
    finder: { boundMs: 60, intervalMs: 5 },
  });
  const workflow = catalogue.workflows.get('toggle_feature_flag');
  if (workflow === undefined) throw new Error('the shipped catalogue has no toggle_feature_flag');
  const request = async (submissionKey = 'V0SUBMIT'): Promise<RunRequest> => ({
    workflow,
    values: await sampleValues('toggle_feature_flag'),
    runtimeInputYaml: (await sampleRun('toggle_feature_flag')).runtimeInputYaml,
    requesterId: 'U0ALICE',
    requesterName: 'alice',
    channelId: 'C0OPS',
    submissionKey,
  });
  let closed = false;
  return {
    store,
    clock,
    slack,
    harness,
    updater,
    events,
    tracker,
    runs,
    seen,
    request,
    title: workflow.title,
    /** Names of the delivered events, `run.observed` (every poll) left out. */
    names: () => seen.map((s) => s.name).filter((n) => n !== 'run.observed'),
    /** This life ends (idempotent): lookups stop, polls end, the database closes. */
    async close() {
      if (closed) return;
      closed = true;
      runs.stop();
      await tracker.stop();
      updater.close();
      await store.close();
    },
  };
}
