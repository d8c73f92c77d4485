import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { SlackMessageContent } from '../../src/ports/slack.js';
import type { Store } from '../../src/ports/store.js';
import { Deliveries } from '../../src/runs/deliveries.js';
import { openStore } from '../../src/store/open-store.js';
import { FakeSlack, ManualClock, slackErrors } from '../helpers/fake-ports.js';

/** Messages posted once per run and key, through the Slack port, with the real store's claims. */
const note = (text: string): SlackMessageContent => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

let store: Store;
let slack: FakeSlack;
let clock: ManualClock;
let deliveries: Deliveries;
beforeEach(async () => {
  store = await openStore({ databasePath: ':memory:' });
  slack = new FakeSlack();
  clock = new ManualClock();
  deliveries = new Deliveries({ store, slack, logger: createLogger('silent'), now: clock.now });
});
afterEach(async () => {
  await store.close();
});

const posts = () => slack.argsOf('postMessage');
const toThread = { channel: 'C0OPS', threadTs: '1700000000.000001' };

describe('Deliveries', () => {
  it('posts once, carrying its delivery key; asking again answers with the same message', async () => {
    const first = await deliveries.post('r1', 'finished', toThread, () => note('Run finished'));
    expect(first).toEqual({ state: 'sent', ts: expect.any(String) });
    expect(slack.in('C0OPS')).toMatchObject([
      { threadTs: toThread.threadTs, deliveryKey: 'r1:finished', content: { text: 'Run finished' } },
    ]);
    await expect(deliveries.post('r1', 'finished', toThread, () => note('again'))).resolves.toEqual(first);
    expect(posts()).toHaveLength(1);
    expect(await deliveries.done('r1', 'finished')).toBe(true);
    // Another key, or the same key of another run, is its own message.
    await deliveries.post('r2', 'finished', toThread, () => note('Run finished'));
    expect(posts()).toHaveLength(2);
  });

  it('a second post of a key while the first is in flight is busy: one Slack post', async () => {
    const gate = slack.hold('postMessage');
    const first = deliveries.post('r1', 'finished', toThread, () => note('Run finished'));
    await gate.reached;
    await expect(deliveries.post('r1', 'finished', toThread, () => note('Run finished'))).resolves.toEqual({
      state: 'busy',
    });
    gate.release();
    await expect(first).resolves.toMatchObject({ state: 'sent' });
    expect(posts()).toHaveLength(1);
  });

  it('a leftover claim (claimed, not sent: the bot died) whose message landed is read back, not posted again', async () => {
    const claimedAt = clock.now();
    await store.claims.claimThreadEvent('r1', 'finished', claimedAt);
    const landed = slack.seed(
      'C0OPS',
      { ...note('Run finished'), deliveryKey: 'r1:finished' },
      toThread.threadTs,
    );
    clock.advance(60_000);
    await expect(deliveries.post('r1', 'finished', toThread, () => note('Run finished'))).resolves.toEqual({
      state: 'sent',
      ts: landed.ts,
    });
    expect(slack.argsOf('findDelivered')).toEqual([
      ['C0OPS', 'r1:finished', { threadTs: toThread.threadTs, since: claimedAt }],
    ]);
    expect(posts()).toHaveLength(0);
    expect(await store.claims.threadEvent('r1', 'finished')).toMatchObject({ sent: true, ts: landed.ts });
  });

  it('a leftover claim whose message never landed is posted, once', async () => {
    await store.claims.claimThreadEvent('r1', 'finished', clock.now());
    await expect(
      deliveries.post('r1', 'finished', toThread, () => note('Run finished')),
    ).resolves.toMatchObject({
      state: 'sent',
    });
    expect(posts()).toHaveLength(1);
    await deliveries.post('r1', 'finished', toThread, () => note('Run finished'));
    expect(posts()).toHaveLength(1);
  });

  it('two concurrent posts of a leftover claim post at most once', async () => {
    await store.claims.claimThreadEvent('r1', 'finished', clock.now());
    const results = await Promise.all([
      deliveries.post('r1', 'finished', toThread, () => note('Run finished')),
      deliveries.post('r1', 'finished', toThread, () => note('Run finished')),
    ]);
    expect(posts()).toHaveLength(1);
    expect(results.map((r) => r.state).sort()).toEqual(['busy', 'sent']);
  });

  it('the thread is gone: the message goes beside it, in the channel', async () => {
    slack.fail('postMessage', slackErrors.platform('thread_not_found'), { when: (a) => a[2] !== undefined });
    const r = await deliveries.post('r1', 'finished', { ...toThread, orElse: { channel: 'C0OPS' } }, () =>
      note('Run finished'),
    );
    expect(r).toMatchObject({ state: 'sent' });
    expect(slack.in('C0OPS')).toMatchObject([{ threadTs: undefined, deliveryKey: 'r1:finished' }]);
  });

  it.each(['is_archived', 'channel_not_found'])(
    'a permanent refusal (%s) is the outcome: recorded, audited, never tried again',
    async (error) => {
      slack.fail('postMessage', slackErrors.platform(error), { times: Infinity });
      await expect(deliveries.post('r1', 'finished', toThread, () => note('Run finished'))).resolves.toEqual({
        state: 'refused',
        error,
      });
      expect(await deliveries.done('r1', 'finished')).toBe(true);
      const audit = await store.audit.trail({ runId: 'r1' });
      expect(audit).toMatchObject([
        { actor: 'slack', action: 'slack.gave_up', details: { event: 'finished', channel: 'C0OPS', error } },
      ]);
      await expect(deliveries.post('r1', 'finished', toThread, () => note('again'))).resolves.toMatchObject({
        state: 'refused',
      });
      expect(posts()).toHaveLength(1);
    },
  );

  it.each([
    ['a 5xx', slackErrors.http(503)],
    ['a network error', slackErrors.network()],
    ['a 429', slackErrors.rateLimited(2)],
  ])('a transient failure (%s) frees the claim and throws; the next try posts', async (_what, err) => {
    slack.fail('postMessage', err);
    await expect(deliveries.post('r1', 'finished', toThread, () => note('Run finished'))).rejects.toBe(err);
    expect(await store.claims.threadEvent('r1', 'finished')).toBeUndefined();
    expect(await store.audit.trail({ runId: 'r1' })).toEqual([]);
    await expect(
      deliveries.post('r1', 'finished', toThread, () => note('Run finished')),
    ).resolves.toMatchObject({
      state: 'sent',
    });
    expect(posts()).toHaveLength(2);
    expect(slack.in('C0OPS')).toHaveLength(1);
  });

  it('content that cannot be made frees the claim: nothing was posted, the next try starts clean', async () => {
    const broken = new Error('Harness did not answer');
    await expect(deliveries.post('r1', 'finished', toThread, () => Promise.reject(broken))).rejects.toBe(
      broken,
    );
    expect(await store.claims.threadEvent('r1', 'finished')).toBeUndefined();
    await deliveries.post('r1', 'finished', toThread, () => note('Run finished'));
    expect(posts()).toHaveLength(1);
  });
});
