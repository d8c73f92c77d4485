import { afterEach, expect, it } from 'vitest';
import type { ExecutionView } from '../../src/harness-model/types.js';
import { createLogger } from '../../src/logger.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import { ChannelDigests } from '../../src/runs/channel-digest.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import { renderCard } from '../../src/runs/presenter.js';
import { RunEvents } from '../../src/runs/run-events.js';
import { statusCard } from '../../src/runs/status-card.js';
import { RunTracker } from '../../src/runs/tracker.js';
import { openStore } from '../../src/store/open-store.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { execution, FakeSlack, runRecord } from '../helpers/fake-ports.js';

/**
 * A replica loses the lease of one run of a digested burst (the lease keeper tells the tracker to
 * drop it): the digest stops waiting for that run's end, which its new follower shows on its card.
 */
const T = 1_700_000_000_000;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

it('a dropped run leaves its digest: once the others end, the burst is over and their cards show their ends', async () => {
  const slack = new FakeSlack();
  const store: Store = await openStore({ databasePath: ':memory:' });
  const catalogue = await shippedCatalogue();
  const logger = createLogger('silent');
  const updater = new MessageUpdater(slack, logger, { retryDelayMs: 5 });
  const digests = new ChannelDigests({
    slack,
    updater,
    store,
    logger,
    now: () => T,
    threshold: 2,
    renderEnd: (run) => renderCard(run, catalogue.workflows.get(run.workflowId), undefined, undefined, T),
  });
  const events = new RunEvents(logger);
  events.on('run.step_changed', statusCard({ digests, catalogue, logger, now: () => T }).stepChanged);
  // What Harness says of each execution, changed by the test.
  const views = new Map<string, ExecutionView>();
  const tracker = new RunTracker({
    store,
    harness: {
      getExecution: (id) => {
        const v = views.get(id);
        return v === undefined ? Promise.reject(new Error(`no ${id}`)) : Promise.resolve(v);
      },
    },
    events,
    catalogue,
    logger,
    now: () => T,
    timing: { fastMs: 5, slowMs: 20, backoff: 1.5 },
    digests,
  });
  close = async () => {
    await tracker.stop();
    updater.close();
    await store.close();
  };
  const title = catalogue.workflows.get('scale_service')?.title ?? '';
  const runs: RunRecord[] = [];
  for (const n of [1, 2, 3]) {
    const card = slack.seed('C0OPS', { text: `${title}: Starting`, blocks: [] });
    const r = runRecord({ id: `r${String(n)}`, cardTs: card.ts, executionId: `ex${String(n)}` });
    await store.runs.create(r);
    views.set(`ex${String(n)}`, execution('Running', [['Scale', 'Running']]));
    runs.push(r);
  }
  for (const r of runs) tracker.track(r.id);
  await expect.poll(() => digests.digestOf('C0OPS')).toBeDefined();
  const digestTs = digests.digestOf('C0OPS') ?? '';
  const [a, b, c] = runs as [RunRecord, RunRecord, RunRecord];
  views.set('ex1', execution('Success', [['Scale', 'Success']]));
  views.set('ex2', execution('Failed', [['Scale', 'Failed']]));
  for (const r of [a, b])
    await expect.poll(async () => (await store.runs.get(r.id))?.finishedAt).toBeDefined();
  // c's lease went to another replica.
  tracker.drop(c.id);
  await expect
    .poll(async () => {
      await updater.drain();
      return slack.message('C0OPS', digestTs)?.content.text;
    })
    .toBe('2 runs in this channel are over; each card shows its end.');
  await expect.poll(() => slack.message('C0OPS', a.cardTs ?? '')?.content.text).toBe(`${title}: Succeeded`);
  await expect.poll(() => slack.message('C0OPS', b.cardTs ?? '')?.content.text).toBe(`${title}: Failed`);
  await expect.poll(() => store.owedCards.list()).toEqual([]);
  expect(digests.digestOf('C0OPS')).toBeUndefined();
});
