import type { Store } from '../ports/store.js';
import type { RunTracker } from './tracker.js';

/** How a webhook's execution id reaches the replica that follows its run. */
export interface PokeRelay {
  notify(executionId: string): Promise<void>;
}

/**
 * A webhook may reach any replica: the one that follows the run looks at once; any other passes
 * it on (PostgreSQL NOTIFY, heard by every replica, which pokes when it follows the run).
 * True when the execution is an open run's.
 */
export async function routePoke(
  executionId: string,
  tracker: Pick<RunTracker, 'poke'>,
  store: Store,
  relay: PokeRelay | undefined,
): Promise<boolean> {
  if (await tracker.poke(executionId)) return true;
  if (relay === undefined) return false;
  const run = await store.runs.findByExecution(executionId);
  if (run === undefined || run.finishedAt !== undefined) return false;
  await relay.notify(executionId);
  return true;
}
