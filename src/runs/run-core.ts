import { ApprovalService } from './approval-service.js';
import { ChannelDigests, DEFAULT_DIGEST_THRESHOLD } from './channel-digest.js';
import type { RunCorePorts, RunMessaging } from './core-deps.js';
import { Deliveries } from './deliveries.js';
import { MessageUpdater } from './message-updater.js';
import { renderCard } from './presenter.js';
import type { MessageUpdaterOptions } from './message-updater.js';
import { RunEvents } from './run-events.js';
import type { RunLeases } from './run-leases.js';
import type { FinderTiming } from './run-finder.js';
import { RunService } from './run-service.js';
import { subscribeRunConsumers } from './subscribers.js';
import type { TokenVault } from './token-vault.js';
import { RunTracker } from './tracker.js';
import type { TrackerTiming } from './tracker.js';

export type { RunCorePorts } from './core-deps.js';

export interface RunCoreOptions {
  /** Harness's web UI and the account, for execution links (the run service's and the tracker's). */
  links: { uiBase: string; accountId: string };
  /** HARNESS_APPROVER_API_KEY and the vault of linked personal tokens (`/idp link`). */
  approverApiKey: string | undefined;
  vault: TokenVault | undefined;
  updater?: MessageUpdaterOptions;
  timing?: TrackerTiming;
  finder?: FinderTiming;
  /** Several replicas: the tracker follows, and the run service starts, only runs whose lease it holds. */
  leases?: RunLeases;
  /** More runs than this going in one channel share a digest (SLACK_DIGEST_THRESHOLD; 0: never). */
  digestThreshold?: number;
}

/** The run's life, built once: who emits its events and who hears them. */
export interface RunCore extends RunMessaging {
  events: RunEvents;
  approvals: ApprovalService;
  tracker: RunTracker;
  runs: RunService;
  digests: ChannelDigests;
}

/**
 * Builds the run core from its ports, as the bot and the tests that drive it both need it: the
 * tracker, the run service and approvals emit a run's events; the card, the thread, approvals,
 * notifications and the audit trail subscribe (`./subscribers.ts`). More observers (metrics) can
 * be added to `events` before anything runs.
 */
export function createRunCore(p: RunCorePorts, o: RunCoreOptions): RunCore {
  const { store, slack, harness, catalogue, logger, now } = p;
  const updater = new MessageUpdater(slack, logger, o.updater);
  const deliveries = new Deliveries({ store, slack, logger, now });
  const events = new RunEvents(logger);
  const digests = new ChannelDigests({
    slack,
    updater,
    store,
    logger,
    now,
    threshold: o.digestThreshold ?? DEFAULT_DIGEST_THRESHOLD,
    renderEnd: (run) => renderCard(run, catalogue.workflows.get(run.workflowId), undefined, undefined, now()),
  });
  // Cards a dead replica owed (their runs ended on its digest) are repaid at a lease scan.
  o.leases?.repayOwedCardsWith(digests);
  const approvals = new ApprovalService({
    ...p,
    updater,
    deliveries,
    events,
    approverApiKey: o.approverApiKey,
    vault: o.vault,
  });
  subscribeRunConsumers(events, {
    store,
    slack,
    updater,
    deliveries,
    catalogue,
    logger,
    now,
    approvals,
    digests,
  });
  const tracker = new RunTracker({
    links: o.links,
    store,
    harness,
    events,
    catalogue,
    logger,
    now,
    digests,
    ...(o.timing === undefined ? {} : { timing: o.timing }),
    ...(o.leases === undefined ? {} : { leases: o.leases }),
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
    harnessUiUrl: o.links.uiBase,
    accountId: o.links.accountId,
    ...(o.finder === undefined ? {} : { finder: o.finder }),
    ...(o.leases === undefined ? {} : { leases: o.leases }),
  });
  return { updater, deliveries, events, approvals, tracker, runs, digests };
}
