import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import type { Catalogue } from './catalogue/load-catalogue.js';
import type { Config } from './config.js';
import { createHarnessClient } from './harness/client.js';
import { createRequestBudget } from './harness/request-budget.js';
import type { HarnessClient } from './harness/client.js';
import { createHarnessOptionSource } from './harness/option-source.js';
import type { Logger } from './logger.js';
import { errorMessage } from './errors.js';
import { harnessObserver, measuredBudget } from './metrics/harness-observer.js';
import { observeRuns } from './metrics/observe-runs.js';
import { createBotMetrics } from './metrics/registry.js';
import type { BotMetrics } from './metrics/registry.js';
import { countingFetch } from './metrics/slack-fetch.js';
import { reportApprovalSetup } from './runs/approval-setup.js';
import { createRunCore } from './runs/run-core.js';
import { DEFAULT_FINDER_TIMING } from './runs/run-finder.js';
import type { FinderTiming } from './runs/run-finder.js';
import { TokenVault } from './runs/token-vault.js';
import { DEFAULT_TIMING } from './runs/tracker.js';
import { leaseTiming, newReplicaId, RunLeases } from './runs/run-leases.js';
import { routePoke } from './runs/route-poke.js';
import type { RunTracker } from './runs/tracker.js';
import type { TrackerTiming } from './runs/tracker.js';
import { AccessChecker } from './slack/access.js';
import { createBoltApp, startStandbyConnection } from './slack/app.js';
import { metricsRoute, readinessRoute } from './slack/ops-routes.js';
import { createReadiness, slackAuthCheck } from './health/readiness.js';
import type { BotDeps } from './slack/deps.js';
import { inBackground } from './slack/deps.js';
import { registerApprovals } from './slack/listeners/approvals.js';
import { registerCommands } from './slack/listeners/commands.js';
import { registerFollowInDm } from './slack/listeners/follow-in-dm.js';
import { registerFunctions } from './slack/listeners/functions.js';
import { completeOwedSteps } from './runs/step-completion.js';
import { registerIdentity } from './slack/listeners/identity.js';
import { publishHome, registerHome } from './slack/listeners/home.js';
import { HomeRefresh } from './runs/home-refresh.js';
import { HomeApprovals } from './runs/home-approvals.js';
import { registerRunActions } from './slack/listeners/run-actions.js';
import { registerWorkflowModal } from './slack/listeners/workflow-modal.js';
import { createBackgroundClient, createSlackPort } from './slack/slack-client.js';
import { SlackScheduler } from './slack/slack-scheduler.js';
import { openStore } from './store/open-store.js';
import { isPostgresUrl } from './store/database-url.js';
import { listenForPokes } from './store/poke-channel.js';
import type { Store } from './ports/store.js';

export interface BotOptions {
  config: Config;
  catalogue: Catalogue;
  logger: Logger;
  /** Overrides for tests: a port of 0 picks a free one. */
  port?: number;
  store?: Store;
  harness?: HarnessClient;
  now?: () => number;
  timing?: TrackerTiming;
  updater?: { retryDelayMs?: number };
  /** Multiplies the bot's own Slack pacing (tests against an emulator that does not enforce tiers). */
  slackScale?: number;
  /** How long stop() waits for pending Slack work before giving it up (default 7 s: a SIGTERM ends within 10 s). */
  stopGraceMs?: number;
  slackRetry?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /** Socket Mode pong timeout and reconnect delay (tests shorten it). */
  socketPingTimeoutMs?: number;
  /** Looking for a run whose start Harness did not confirm (tests shorten it). */
  finder?: FinderTiming;
  /** Harness client retry timing (tests shorten it). */
  harnessRetry?: { retries: number; retryBaseMs: number; retryMaxMs: number; executeTimeoutMs?: number };
  /** This replica's id in the run leases (default: hostname, pid and a random part). */
  replicaId?: string;
  /** Run lease TTL in ms (default: RUN_LEASE_SECONDS). */
  leaseMs?: number;
}

export interface RunningBot {
  /** Base URL of the HTTP server (HTTP mode). */
  url: string;
  app: App;
  deps: BotDeps;
  /** This bot's own metrics registry (served at `GET /metrics`). */
  metrics: BotMetrics;
  /** The run leases this replica holds. */
  leases: RunLeases;
  /** `clean` is false when pending Slack work had to be given up to stop in time. */
  stop(): Promise<{ clean: boolean }>;
  /** Closes the second Socket Mode connection (none in HTTP mode), as a killed process's would close. */
  closeStandby(): Promise<void>;
}

/**
 * Where the HTTP receiver listens. `app.start()` returns the HTTP server in HTTP mode, but the
 * Socket Mode connection's details in Socket Mode (custom routes then listen on PORT).
 */
export function listeningUrl(started: unknown): string {
  const server = started as Partial<Server> | undefined;
  if (typeof server?.address !== 'function') return '';
  const address = server.address();
  return address === null || typeof address === 'string' ? '' : `http://127.0.0.1:${String(address.port)}`;
}

/** The composition root: builds every part once, wires the listeners, resumes open runs. */
export async function startBot(o: BotOptions): Promise<RunningBot> {
  const { config, logger } = o;
  if (config.slack === undefined || config.harness === undefined)
    throw new Error('startBot needs a connected configuration (Slack and Harness)');
  const now = o.now ?? Date.now;
  const store =
    o.store ?? (await openStore({ databaseUrl: config.databaseUrl, databasePath: config.databasePath }));
  const metrics = createBotMetrics();
  const harness =
    o.harness ??
    createHarnessClient({
      baseUrl: config.harness.apiUrl,
      apiKey: config.harness.apiKey,
      accountId: config.harness.accountId,
      budget: measuredBudget(
        // Shared with the other replicas through the database (PostgreSQL), so the budget is the deployment's.
        createRequestBudget(config.harness.requestsPerMinute, store.budgets),
        metrics.harness,
      ),
      executeTimeoutMs: config.harness.executeTimeoutMs,
      observe: harnessObserver(metrics.harness),
      ...o.harnessRetry,
    });
  const slackFetch = countingFetch(metrics.slack);
  const background = createBackgroundClient(
    config.slack.botToken,
    config.slack.apiUrl,
    o.slackRetry,
    slackFetch,
  );
  const slackAuth = slackAuthCheck(
    () => background.auth.test(),
    (err: unknown) => {
      logger.warn({ err: errorMessage(err) }, 'Slack auth.test failed: not ready');
    },
  );
  let stopping = false;
  const ready = createReadiness({
    // First to fail on a stop, so the load balancer sends new work elsewhere.
    stopping: () => Promise.resolve(!stopping),
    // A cheap read: answers whether the store is reachable.
    store: () => store.runs.get('readyz').then(() => true),
    catalogue: () => Promise.resolve(o.catalogue.workflows.size > 0),
    slack_auth: () => slackAuth.check(),
  });
  // SQLite is one process per file: every life of the bot is the same replica, so a restart
  // after a crash owns the leases its previous life held and resumes the runs at once.
  const replicaId = o.replicaId ?? (isPostgresUrl(config.databaseUrl) ? newReplicaId() : 'sqlite');
  const leases = new RunLeases({
    store,
    owner: replicaId,
    timing: leaseTiming(o.leaseMs ?? config.runLeaseMs),
    now,
    logger,
  });
  // The receiver needs the tracker's poke before the tracker (which needs the receiver's client) exists.
  const late: { tracker?: RunTracker } = {};
  // On PostgreSQL a webhook may reach a replica that does not follow the run: it is passed on.
  const pokes = isPostgresUrl(config.databaseUrl)
    ? listenForPokes(
        config.databaseUrl,
        (id) => {
          void late.tracker?.poke(id).catch(() => false);
        },
        logger,
      )
    : undefined;
  const appOptions = {
    slack: config.slack,
    port: o.port ?? config.port,
    logger,
    harnessWebhookSecret: config.harness.webhookSecret,
    pokeExecution: (id: string) =>
      late.tracker === undefined ? Promise.resolve(false) : routePoke(id, late.tracker, store, pokes),
    ...(o.slackRetry === undefined ? {} : { retryConfig: o.slackRetry }),
    ...(o.socketPingTimeoutMs === undefined ? {} : { socketPingTimeoutMs: o.socketPingTimeoutMs }),
    fetch: slackFetch,
    routes: [metricsRoute(metrics, logger), readinessRoute(ready)],
  };
  const app = createBoltApp(appOptions);
  const scheduler = new SlackScheduler({
    logger,
    // SLACK_EDITS_PER_MINUTE paces card edits (chat.update); every other method keeps its tier.
    perMinute: { 'chat.update': config.slackEditsPerMinute },
    // Every replica on one PostgreSQL database takes its turns from the same budgets.
    gate: store.budgets,
    ...(o.slackScale === undefined ? {} : { scale: o.slackScale }),
  });
  const slack = createSlackPort(app.client, background, scheduler);
  const catalogue = o.catalogue;
  const vault = config.encryptionKey === undefined ? undefined : new TokenVault(config.encryptionKey);
  // The run's life as events: the tracker, the run service and approvals emit; the card, the
  // thread, approvals, notifications and the audit trail subscribe (src/runs/run-core.ts).
  const { updater, events, approvals, tracker, runs } = createRunCore(
    { store, slack, harness, catalogue, logger, now },
    {
      links: { uiBase: config.harness.apiUrl, accountId: config.harness.accountId },
      approverApiKey: config.harness.approverApiKey,
      vault,
      leases,
      digestThreshold: config.slackDigestThreshold,
      updater: {
        ...o.updater,
        onGiveUp: async (channel, ts, error) => {
          await store.audit.record({
            at: now(),
            actor: 'slack',
            action: 'slack.gave_up',
            workflowId: undefined,
            runId: undefined,
            details: { method: 'chat.update', channel, ts, error },
          });
        },
      },
      timing: o.timing ?? {
        fastMs: config.pollIntervalMs,
        slowMs: config.pollIntervalMs * 5,
        backoff: DEFAULT_TIMING.backoff,
        // Half the Harness budget for looks at runs; approvals, pickers and starts share the rest.
        pollsPerMinute: Math.max(1, Math.floor(config.harness.requestsPerMinute / 2)),
      },
      finder: o.finder ?? {
        boundMs: config.harness.lostRunSearchMs,
        intervalMs: Math.min(DEFAULT_FINDER_TIMING.intervalMs, config.harness.lostRunSearchMs),
      },
    },
  );
  observeRuns(events, metrics.runs, {
    now,
    runsFollowed: () => tracker.tracking,
    leasesHeld: () => leases.held,
  });
  late.tracker = tracker;
  const scopeOf = (workflowId: string) => {
    const p = catalogue.workflows.get(workflowId)?.pipeline;
    return { orgId: p?.orgId ?? 'default', projectId: p?.projectId ?? 'default' };
  };
  const deps: BotDeps = {
    catalogue,
    store,
    harness,
    options: createHarnessOptionSource(harness, scopeOf),
    slack,
    access: new AccessChecker(slack, now),
    runs,
    tracker,
    logger,
    now,
    background: new Set(),
    vault,
  };
  registerCommands(app, deps);
  registerWorkflowModal(app, deps);
  registerRunActions(app, deps);
  // App Home follows what changes for each person, one publish per person at a time.
  const homeApprovals = new HomeApprovals(deps);
  // A decided approval is read again by the next Home (observers run in the order added).
  events.observe('run.approval_decided', (e) => {
    homeApprovals.forget(e.approval.id);
  });
  const home = new HomeRefresh({
    publish: (user) => publishHome(deps, homeApprovals, user, false),
    logger,
  }).watch(events);
  registerHome(app, deps, { refresh: home, approvals: homeApprovals });
  registerApprovals(app, deps, approvals);
  registerIdentity(app, deps);
  registerFollowInDm(app, deps);
  registerFunctions(app, deps);
  app.error(async (err) => {
    logger.error(
      { err: err.message, code: (err as { code?: string }).code },
      'unhandled error in a Slack listener',
    );
    await Promise.resolve();
  });

  const url = listeningUrl(await app.start(o.port ?? config.port));
  // Not awaited: a failed check keeps the replica unready and is tried again by the probe.
  void slackAuth.start();
  const closeStandby = await startStandbyConnection(app, appOptions);
  const resumed = await tracker.resume();
  for (const repair of await deps.runs.repairStarting()) inBackground(deps, repair);
  // Workflow Builder steps whose runs ended while the bot was down (or before it told Slack).
  inBackground(deps, completeOwedSteps({ store, slack, catalogue, logger, now }));
  // Webhooks for runs another replica follows are passed on once this one listens too.
  await pokes?.ready;
  const owned = (runId: string) => leases.holds(runId);
  // From now on, runs whose follower died (or stopped) are taken over here or by another replica.
  leases.start({
    follow: (run) => {
      tracker.track(run.id);
      // The dead replica's clicks left without an answer are this replica's to settle now.
      inBackground(deps, approvals.recover(owned));
    },
    repair: (run) => {
      inBackground(deps, deps.runs.repair(run));
    },
    lost: (runId) => {
      tracker.drop(runId);
    },
  });
  inBackground(
    deps,
    reportApprovalSetup({
      catalogue,
      harness,
      approverApiKey: config.harness.approverApiKey,
      linking: vault !== undefined,
      manifestsDir: config.manifestsDir,
      logger,
    }),
  );
  // Clicks sent by an earlier life of the bot without an answer: settled from Harness's record,
  // only for the runs this replica follows (another live replica's click may be on its way).
  inBackground(deps, approvals.recover(owned));
  logger.info(
    {
      url,
      workflows: catalogue.workflows.size,
      resumed,
      replica: replicaId,
      mode: config.slack.appToken === undefined ? 'http' : 'socket',
    },
    'idp-chatops is running',
  );

  return {
    url,
    app,
    deps,
    metrics,
    leases,
    closeStandby: async () => {
      await closeStandby?.();
    },
    async stop() {
      // No new work: unready first (the load balancer stops sending), then the open runs handed
      // over (their leases released as soon as the tracker stopped, for another replica's next scan).
      stopping = true;
      home.close();
      deps.runs.stop();
      // Slack may be down or rate-limiting: wait a while for pending work, then give it up, so
      // stopping always ends (the store keeps what is needed to pick the runs up again).
      const settled = (async () => {
        await tracker.stop();
        await leases.stop();
        await Promise.allSettled([...deps.background]);
        await updater.drain();
      })();
      const grace = new Promise<false>((r) => {
        setTimeout(() => {
          r(false);
        }, o.stopGraceMs ?? 7000).unref();
      });
      const clean = await Promise.race([settled.then(() => true), grace]);
      // Handed over even when a poll is still stuck on Slack or Harness: the next replica repeats
      // nothing (claims), and a late card edit of ours shows the same truth.
      if (!clean) await leases.stop();
      scheduler.close();
      updater.close();
      await Promise.race([settled.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      await closeStandby?.();
      await app.stop();
      await pokes?.close();
      await store.close();
      return { clean };
    },
  };
}
