import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statusBucket } from '../../src/harness-model/status.js';
import { createLogger } from '../../src/logger.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import { ChannelDigests } from '../../src/runs/channel-digest.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import { renderCard } from '../../src/runs/presenter.js';
import { leaseTiming, RunLeases } from '../../src/runs/run-leases.js';
import { statusCard } from '../../src/runs/status-card.js';
import { openStore } from '../../src/store/open-store.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { execution, FakeSlack, ManualClock, runRecord } from '../helpers/fake-ports.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';

/**
 * Replicas on one PostgreSQL schema, one Slack, one clock the test moves: cards that owe their
 * run's end (shown on a channel digest) when the replica that owed them dies are brought to it
 * by one surviving replica at a lease scan, and a live replica's owed cards are left to it.
 */
const TTL = 900;

describe('cards a dead replica owed', () => {
  let schema: TestSchema;
  let stores: Store[];
  let updaters: MessageUpdater[];
  let keepers: RunLeases[];

  beforeEach(async () => {
    schema = await createTestSchema();
    stores = [];
    updaters = [];
    keepers = [];
  });
  afterEach(async () => {
    await Promise.all(keepers.map((k) => k.stop()));
    for (const u of updaters) u.close();
    await Promise.all(stores.map((s) => s.close()));
    await schema.drop();
  });

  it('are repaid once, by one surviving replica, after a lease’s life; a live replica’s owed cards are left to it', async () => {
    const slack = new FakeSlack();
    const clock = new ManualClock();
    const catalogue = await shippedCatalogue();
    const logger = createLogger('silent');
    const title = catalogue.workflows.get('scale_service')?.title ?? '';
    const replica = async (owner: string) => {
      const store = await openStore({ databaseUrl: schema.url, databasePath: ':memory:' });
      stores.push(store);
      const updater = new MessageUpdater(slack, logger, { retryDelayMs: 5 });
      updaters.push(updater);
      const digests = new ChannelDigests({
        slack,
        updater,
        store,
        logger,
        now: clock.now,
        threshold: 2,
        renderEnd: (run) =>
          renderCard(run, catalogue.workflows.get(run.workflowId), undefined, undefined, clock.now()),
      });
      const leases = new RunLeases({ store, owner, timing: leaseTiming(TTL), now: clock.now, logger });
      keepers.push(leases);
      leases.repayOwedCardsWith(digests);
      const card = statusCard({ digests, catalogue, logger, now: clock.now });
      return { store, updater, digests, leases, card };
    };
    const a = await replica('A');
    const b = await replica('B');
    const c = await replica('C');
    const d = await replica('D');
    const runIn = async (id: string, channel: string, over: Partial<RunRecord> = {}) => {
      const posted = slack.seed(channel, { text: `${title}: Running`, blocks: [] });
      const r = runRecord({ id, channelId: channel, cardTs: posted.ts, executionId: `ex-${id}`, ...over });
      await a.store.runs.create(r);
      return r;
    };
    const cardOf = (r: RunRecord) => slack.message(r.channelId, r.cardTs ?? '');
    const editsOf = (r: RunRecord) => slack.argsOf('updateMessage').filter((x) => x[1] === r.cardTs).length;

    // A showed r1's and r2's ends on its digest (their cards owe them), then died.
    const r1 = await runIn('r1', 'C0OPS', {
      status: 'Success',
      bucket: 'succeeded',
      finishedAt: clock.now(),
    });
    const r2 = await runIn('r2', 'C0OPS', { status: 'Failed', bucket: 'failed', finishedAt: clock.now() });
    await a.store.owedCards.owe(r1.id, clock.now());
    await a.store.owedCards.owe(r2.id, clock.now());

    // D is alive, in a burst of its own: r3 ended on its digest, r4 and r5 go on.
    const live = [await runIn('r3', 'C0DEV'), await runIn('r4', 'C0DEV'), await runIn('r5', 'C0DEV')];
    for (const r of live) expect(await d.leases.acquire(r.id)).toBe(true);
    const change = async (r: RunRecord, status: string) => {
      const updated = await d.store.runs.update(r.id, { status, bucket: statusBucket(status) });
      const terminal = ['succeeded', 'failed'].includes(statusBucket(status));
      return d.card.stepChanged({
        run: updated,
        view: execution(status, [['Scale', status]]),
        terminal,
        at: clock.now(),
      });
    };
    for (const r of live) await change(r, 'Running');
    await expect.poll(() => d.digests.digestOf('C0DEV')).toBeDefined();
    const [r3] = live as [RunRecord];
    expect(await change(r3, 'Success')).toBe('done');
    await d.store.runs.update(r3.id, { finishedAt: clock.now() });
    await d.leases.release(r3.id);
    const r3Edits = editsOf(r3);

    // Within a lease's life, A might still be alive: nobody touches its cards.
    await Promise.all([b.leases.scan(), c.leases.scan(), d.leases.scan()]);
    expect(editsOf(r1) + editsOf(r2)).toBe(0);

    // Past a lease's life: D scanned meanwhile (its owed card is fresh) and renewed its leases.
    clock.advance(TTL / 2);
    await d.leases.scan();
    for (const r of live.slice(1)) expect(await d.leases.acquire(r.id)).toBe(true);
    clock.advance(TTL / 2 + 1);
    await Promise.all([b.leases.scan(), c.leases.scan()]);
    for (const u of updaters) await u.drain();

    expect(cardOf(r1)?.content.text).toBe(`${title}: Succeeded`);
    expect(cardOf(r2)?.content.text).toBe(`${title}: Failed`);
    // Exactly one replica edited each card.
    expect([editsOf(r1), editsOf(r2)]).toEqual([1, 1]);
    // D's own owed card waits for D's burst to be over.
    expect(editsOf(r3)).toBe(r3Edits);
    await expect.poll(() => b.store.owedCards.list()).toEqual([r3.id]);
  });
});
