import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { OptionSource } from '../ports/option-source.js';
import type { HarnessPort } from '../ports/harness.js';
import type { Logger } from '../logger.js';
import type { RunService } from '../runs/run-service.js';
import type { TokenVault } from '../runs/token-vault.js';
import type { RunTracker } from '../runs/tracker.js';
import type { Store } from '../ports/store.js';
import type { AccessChecker } from './access.js';
import type { SlackPort } from '../ports/slack.js';
import { errorMessage } from '../errors.js';

/** Everything a listener may use; built once in src/bot.ts. */
export interface BotDeps {
  catalogue: Catalogue;
  store: Store;
  harness: HarnessPort;
  options: OptionSource;
  slack: SlackPort;
  access: AccessChecker;
  runs: RunService;
  tracker: RunTracker;
  logger: Logger;
  now: () => number;
  /** Seals personal tokens (`/idp link`); undefined when no encryption key is configured. */
  vault: TokenVault | undefined;
  /** Work that outlives a listener's ack (starting a run): awaited on shutdown. */
  background: Set<Promise<unknown>>;
}

export function inBackground(deps: BotDeps, work: Promise<unknown>): void {
  const p = work.catch((err: unknown) => {
    deps.logger.error({ err: errorMessage(err) }, 'background work failed');
  });
  deps.background.add(p);
  void p.finally(() => deps.background.delete(p));
}
