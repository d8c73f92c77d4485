import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { SlackMessageContent } from '../../src/ports/slack.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import { ChannelDigests } from '../../src/runs/channel-digest.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import { renderCard } from '../../src/runs/presenter.js';
import { statusBucket } from '../../src/harness-model/status.js';
import { statusCard } from '../../src/runs/status-card.js';
import { openStore } from '../../src/store/open-store.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { execution, FakeSlack, runRecord, slackErrors } from '../helpers/fake-ports.js';
import type { FakeMessage } from '../helpers/fake-ports.js';

/**
 * Many runs in one channel, through the status card's subscriber as the run core wires it: what
 * the channel shows (the digest, each card) as runs start, move and end.
 */
const T = 1_700_000_000_000;
let lives: { updater: MessageUpdater; store: Store }[] = [];
let dir = '';
afterEach(async () => {
  for (const l of lives) {
    l.updater.close();
    await l.store.close();
  }
  lives = [];
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function life(o: { file?: string; slack?: FakeSlack; threshold?: number } = {}) {
  const slack = o.slack ?? new FakeSlack();
  const store = await openStore({ databasePath: o.file ?? ':memory:' });
  const catalogue = await shippedCatalogue();
  const logger = createLogger('silent');
  const updater = new MessageUpdater(slack, logger, { retryDelayMs: 5 });
  lives.push({ updater, store });
  const digests = new ChannelDigests({
    slack,
    updater,
    store,
    logger,
    now: () => T,
    threshold: o.threshold ?? 2,
    renderEnd: (run) => renderCard(run, catalogue.workflows.get(run.workflowId), undefined, undefined, T),
  });
  const card = statusCard({ digests, catalogue, logger, now: () => T });
  const title = catalogue.workflows.get('scale_service')?.title ?? '';
  /** A run whose card is in #ops, recorded in the store as the run service leaves it. */
  const run = async (n: number): Promise<RunRecord> => {
    const posted = slack.seed('C0OPS', { text: `${title}: Starting`, blocks: [] });
    const r = runRecord({
      id: `r${String(n)}`,
      cardTs: posted.ts,
      executionId: `ex${String(n)}`,
      executionUrl: `https://harness.example/executions/ex${String(n)}`,
    });
    await store.runs.create(r);
    return r;
  };
  /** The tracker saw `status`: recorded, then shown (as `run.step_changed` does). */
  const change = async (r: RunRecord, status: string) => {
    const bucket = statusBucket(status);
    const terminal = ['succeeded', 'failed'].includes(bucket);
    const updated = await store.runs.update(r.id, { status, bucket });
    return card.stepChanged({ run: updated, view: execution(status, [['Scale', status]]), terminal, at: T });
  };
  /** The digest: the one message in #ops that is no run's card. */
  const digest = (runs: RunRecord[]): FakeMessage | undefined =>
    slack.in('C0OPS').find((m) => m.threadTs === undefined && !runs.some((r) => r.cardTs === m.ts));
  return { slack, store, updater, digests, title, run, change, digest };
}

/** The text a person reads in a message's blocks. */
function read(c: SlackMessageContent): string {
  return c.blocks
    .flatMap((b) =>
      b.type === 'section' && b.text !== undefined
        ? [b.text.text]
        : b.type === 'context'
          ? b.elements.flatMap((e) => ('text' in e ? [e.text] : []))
          : [],
    )
    .join('\n');
}

/** Waits for the digest's post (the run that made it due goes on without waiting for it). */
async function posted(l: Awaited<ReturnType<typeof life>>, runs: RunRecord[]): Promise<FakeMessage> {
  await expect.poll(() => l.digest(runs)).toBeDefined();
  await l.updater.drain();
  const digest = l.digest(runs);
  if (digest === undefined) throw new Error('no digest');
  return digest;
}

const cardOf = (slack: FakeSlack, r: RunRecord) => slack.message('C0OPS', r.cardTs ?? '');

describe('a channel digest', () => {
  it('up to the threshold, runs show on their own cards and no digest is posted', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2)];
    for (const r of runs) await l.change(r, 'Running');
    await l.updater.drain();
    expect(l.digest(runs)).toBeUndefined();
    for (const r of runs) expect(cardOf(l.slack, r)?.content.text).toBe(`${l.title}: Running`);
  });

  it('more runs going than the threshold: a digest lists every run with its state and link; their changes edit it, not their cards', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3)];
    for (const r of runs) await l.change(r, 'Running');
    const digest = await posted(l, runs);
    expect(digest.content.text).toBe('3 of 3 runs in this channel still going');
    for (const n of [1, 2, 3])
      expect(read(digest.content)).toContain(
        `<https://harness.example/executions/ex${String(n)}|${l.title}>`,
      );
    expect(read(digest.content).match(/Running · <@U0ALICE>/g)).toHaveLength(3);
    const cardEdits = runs.map((r) => cardOf(l.slack, r)?.edits.length);

    // One edit of the digest covers many runs: while one is on its way, three changes wait as one.
    const gate = l.slack.hold('updateMessage', { when: (a) => a[1] === digest.ts });
    await l.change(runs[0] as RunRecord, 'ApprovalWaiting');
    await gate.reached;
    await l.change(runs[1] as RunRecord, 'ApprovalWaiting');
    await l.change(runs[2] as RunRecord, 'ApprovalWaiting');
    gate.release();
    await l.updater.drain();
    expect(digest.edits).toHaveLength(2);
    expect(read(digest.content).match(/Waiting for approval · <@U0ALICE>/g)).toHaveLength(3);
    // The cards were not edited meanwhile.
    expect(runs.map((r) => cardOf(l.slack, r)?.edits.length)).toEqual(cardEdits);
  });

  it('when the burst is over the digest says so and every card shows its run’s end (folded back)', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3)];
    for (const r of runs) await l.change(r, 'Running');
    const digest = await posted(l, runs);
    const [a, b, c] = runs as [RunRecord, RunRecord, RunRecord];
    expect(await l.change(a, 'Success')).toBe('done');
    expect(await l.change(b, 'Failed')).toBe('done');
    // Two ended, one going: the ends are on the digest, the cards not edited yet.
    expect(read(digest.content)).toMatch(/Succeeded · <@U0ALICE>/);
    expect(cardOf(l.slack, a)?.content.text).toBe(`${l.title}: Running`);
    expect(await l.change(c, 'Success')).toBe('done');
    await l.updater.drain();
    expect(digest.content.text).toBe('3 runs in this channel are over; each card shows its end.');
    expect(cardOf(l.slack, a)?.content.text).toBe(`${l.title}: Succeeded`);
    expect(cardOf(l.slack, b)?.content.text).toBe(`${l.title}: Failed`);
    expect(cardOf(l.slack, c)?.content.text).toBe(`${l.title}: Succeeded`);
    await expect.poll(() => l.store.owedCards.list()).toEqual([]);
    // The next burst gets a digest of its own.
    expect(l.digests.digestOf('C0OPS')).toBeUndefined();
  });

  it('runs’ ends go on the digest ahead of every other edit waiting its turn', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3), await l.run(4)];
    const [a, b] = runs as [RunRecord, RunRecord];
    for (const r of runs.slice(0, 3)) await l.change(r, 'Running');
    const digest = await posted(l, runs);
    // A progress edit of another message (run 4's card: below the threshold it would be its own)
    // is on its way; the digest's progress and then an end are asked for meanwhile.
    const other = l.slack.seed('C0DEV', { text: 'other', blocks: [] });
    const gate = l.slack.hold('updateMessage', { when: (x) => x[1] === other.ts });
    const busy = l.updater.set('C0DEV', other.ts, { text: 'other: step 1', blocks: [] });
    await gate.reached;
    const queued = l.updater.set('C0DEV', other.ts, { text: 'other: step 2', blocks: [] });
    const third = l.slack.seed('C0DEV', { text: 'third', blocks: [] });
    const progress = l.updater.set('C0DEV', third.ts, { text: 'third: step 1', blocks: [] });
    const fourth = l.slack.seed('C0DEV', { text: 'fourth', blocks: [] });
    const final = l.updater.set('C0DEV', fourth.ts, { text: 'fourth: Succeeded', blocks: [] }, true);
    await l.change(a, 'ApprovalWaiting');
    const ended = l.change(b, 'Success');
    // The end is recorded as owed to b's card just before the digest's final edit is asked for.
    await expect.poll(() => l.store.owedCards.list()).toEqual(['r2']);
    gate.release();
    expect(await ended).toBe('done');
    await Promise.all([busy, queued, progress, final]);
    const sent = l.slack.argsOf('updateMessage').map((x) => ({
      ts: x[1],
      content: x[2] as SlackMessageContent,
    }));
    const endAt = sent.findIndex((e) => e.ts === digest.ts && /Succeeded/.test(read(e.content)));
    expect(endAt).toBeGreaterThan(-1);
    expect(endAt).toBeLessThan(sent.findIndex((e) => e.content.text === 'third: step 1'));
    // Even ahead of one card's final state: the digest's edit tells many people at once.
    expect(endAt).toBeLessThan(sent.findIndex((e) => e.content.text === 'fourth: Succeeded'));
    // One edit of the digest showed both: a's progress and b's end.
    expect(sent.filter((e) => e.ts === digest.ts)).toHaveLength(1);
  });

  it('the bot stops before the cards caught up: the next life brings each card to its run’s end', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'digest-'));
    const file = path.join(dir, 'bot.db');
    const slack = new FakeSlack();
    const first = await life({ file, slack, threshold: 2 });
    const runs = [await first.run(1), await first.run(2), await first.run(3)];
    for (const r of runs) await first.change(r, 'Running');
    await posted(first, runs);
    // Every card edit fails from now on, so no fold lands in this life.
    slack.fail('updateMessage', slackErrors.http(503), {
      when: (a) => runs.some((r) => r.cardTs === a[1]),
      times: Infinity,
    });
    for (const r of runs) expect(await first.change(r, r.id === 'r2' ? 'Failed' : 'Success')).toBe('done');
    expect(await first.store.owedCards.list()).toEqual(['r1', 'r2', 'r3']);
    first.updater.close();
    await first.store.close();
    lives = [];
    slack.reset();

    const second = await life({ file, slack, threshold: 2 });
    const second2 = new ChannelDigests({
      slack,
      updater: second.updater,
      store: second.store,
      logger: createLogger('silent'),
      now: () => T,
      threshold: 2,
      renderEnd: (run) => renderCard(run, undefined, undefined, undefined, T),
    });
    expect(await second2.repayOwedCards()).toBe(3);
    await second.updater.drain();
    expect(cardOf(slack, runs[0] as RunRecord)?.content.text).toContain('Succeeded');
    expect(cardOf(slack, runs[1] as RunRecord)?.content.text).toContain('Failed');
    expect(cardOf(slack, runs[2] as RunRecord)?.content.text).toContain('Succeeded');
    await expect.poll(() => second.store.owedCards.list()).toEqual([]);
  });

  it('the digest was deleted: ends go on the runs’ own cards again', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3)];
    for (const r of runs) await l.change(r, 'Running');
    const digest = await posted(l, runs);
    l.slack.fail('updateMessage', slackErrors.platform('message_not_found'), {
      when: (a) => a[1] === digest.ts,
      times: Infinity,
    });
    const [a] = runs as [RunRecord];
    expect(await l.change(a, 'Failed')).toBe('done');
    expect(cardOf(l.slack, a)?.content.text).toBe(`${l.title}: Failed`);
    // The others go on on their own cards.
    await l.change(runs[1] as RunRecord, 'ApprovalWaiting');
    await l.updater.drain();
    expect(cardOf(l.slack, runs[1] as RunRecord)?.content.text).toBe(`${l.title}: Waiting for approval`);
  });
  it('a run whose lease went to another replica leaves the digest: the rest end, and the burst is over', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3)];
    for (const r of runs) await l.change(r, 'Running');
    const digest = await posted(l, runs);
    const [a, b, c] = runs as [RunRecord, RunRecord, RunRecord];
    expect(await l.change(a, 'Success')).toBe('done');
    expect(await l.change(b, 'Failed')).toBe('done');
    const cBefore = cardOf(l.slack, c)?.content.text;
    // This replica lost c's lease (the tracker drops it): its new follower shows c's end on c's card.
    await l.digests.leave(c.id);
    await l.updater.drain();
    expect(digest.content.text).toBe('2 runs in this channel are over; each card shows its end.');
    expect(read(digest.content)).not.toContain('Running');
    expect(cardOf(l.slack, a)?.content.text).toBe(`${l.title}: Succeeded`);
    expect(cardOf(l.slack, b)?.content.text).toBe(`${l.title}: Failed`);
    // c's card is not this replica's to edit any more.
    expect(cardOf(l.slack, c)?.content.text).toBe(cBefore);
    await expect.poll(() => l.store.owedCards.list()).toEqual([]);
    expect(l.digests.digestOf('C0OPS')).toBeUndefined();
  });

  it('a run whose lease went elsewhere while others still go: the digest no longer lists it', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3)];
    for (const r of runs) await l.change(r, 'Running');
    const digest = await posted(l, runs);
    await l.digests.leave((runs[2] as RunRecord).id);
    await l.updater.drain();
    expect(digest.content.text).toBe('2 of 2 runs in this channel still going');
    expect(l.digests.digestOf('C0OPS')).toBe(digest.ts);
  });

  it('every run ends while the digest is being posted: the posted digest says the burst is over', async () => {
    const l = await life({ threshold: 2 });
    const runs = [await l.run(1), await l.run(2), await l.run(3)];
    const gate = l.slack.hold('postMessage');
    for (const r of runs) await l.change(r, 'Running');
    await gate.reached;
    // The runs end meanwhile, each on its own card.
    for (const r of runs) expect(await l.change(r, 'Success')).toBe('done');
    for (const r of runs) expect(cardOf(l.slack, r)?.content.text).toBe(`${l.title}: Succeeded`);
    gate.release();
    await expect.poll(() => l.digest(runs)).toBeDefined();
    await expect
      .poll(async () => {
        await l.updater.drain();
        return l.digest(runs)?.content.text;
      })
      .toBe('3 runs in this channel are over; each card shows its end.');
    expect(read(l.digest(runs)?.content ?? { text: '', blocks: [] })).not.toContain('Running');
  });
});
