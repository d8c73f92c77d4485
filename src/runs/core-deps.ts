import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { Logger } from '../logger.js';
import type { HarnessPort } from '../ports/harness.js';
import type { SlackPort } from '../ports/slack.js';
import type { Store } from '../ports/store.js';
import type { Deliveries } from './deliveries.js';
import type { MessageUpdater } from './message-updater.js';

/** What the run core talks through: the ports, the catalogue, a logger and a clock. */
export interface RunCorePorts {
  store: Store;
  slack: SlackPort;
  harness: HarnessPort;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
}

/** How the core's parts put a run's messages on Slack (one of each, shared: see run-core.ts). */
export interface RunMessaging {
  /** Edits of cards, paced and retried; the newest content wins. */
  updater: MessageUpdater;
  /** Posts that must go out once, even across a restart. */
  deliveries: Deliveries;
}
