import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/ports/store.js';
import { createRunCore } from '../../src/runs/run-core.js';
import type { RunEventMap, RunEventName } from '../../src/runs/run-events.js';
import type { RunRequest } from '../../src/runs/run-service.js';
import { openStore } from '../../src/store/open-store.js';
import { sampleRun, sampleValues, shippedCatalogue } from './catalogue.js';
import { FakeHarness, FakeSlack, ManualClock } from './fake-ports.js';

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
  'run.approval_refused',
  'run.approval_decided',
  'run.finished',
];

/**
 * The run core as the bot builds it (`createRunCore`), over fakes of its ports (fake-ports.ts:
 * Slack, Harness, a clock the test moves) and the real SQLite store, with an observer of every
 * event it emits. A later life of the bot is a rig on the same file and the same `slack`.
 */
export async function runRig(dbFile = ':memory:', slack = new FakeSlack()) {
  const store: Store = await openStore({ databasePath: dbFile });
  const catalogue: Catalogue = await shippedCatalogue();
  const logger = createLogger('silent');
  const clock = new ManualClock(1_700_000_000_000);
  const harness = new FakeHarness();
  const { updater, events, tracker, runs } = createRunCore(
    { store, slack, harness: harness.client(), catalogue, logger, now: clock.now },
    {
      links: { uiBase: 'https://harness.example', accountId: 'acc' },
      approverApiKey: undefined,
      vault: undefined,
      updater: { retryDelayMs: 5 },
      timing: { fastMs: 5, slowMs: 20, backoff: 1.5 },
      finder: { boundMs: 60, intervalMs: 5 },
    },
  );
  const seen: Seen[] = [];
  for (const name of NAMES)
    events.observe(name, (event) => {
      seen.push({ name, event } as Seen);
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
  /** Claims the submission; a test fails here when it was already taken. */
  const claim = async (req: RunRequest) => {
    const claimed = await runs.claim(req);
    if (claimed === undefined) throw new Error('the submission was already taken');
    return claimed;
  };
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
    claim,
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
