import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { SlackMessageContent } from '../../src/ports/slack.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import type { EditOutcome } from '../../src/runs/message-updater.js';
import { FakeSlack, slackErrors } from '../helpers/fake-ports.js';

/**
 * The message updater through its port: what Slack received, and what each caller was told.
 * Real timers with a short retry delay: tests wait for the calls that prove progress.
 */
const content = (text: string): SlackMessageContent => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

let updaters: MessageUpdater[] = [];
afterEach(() => {
  for (const u of updaters) u.close();
  updaters = [];
});

function rig(retryDelayMs = 5) {
  const slack = new FakeSlack();
  const givenUp: { channel: string; ts: string; error: string }[] = [];
  const updater = new MessageUpdater(slack, createLogger('silent'), {
    retryDelayMs,
    onGiveUp: async (channel, ts, error) => {
      givenUp.push({ channel, ts, error });
      await Promise.resolve();
    },
  });
  updaters.push(updater);
  const card = slack.seed('C0OPS', content('Run: starting'));
  const edits = (ts = card.ts) =>
    slack.calls
      .filter((c) => c.method === 'updateMessage' && c.args[1] === ts)
      .map((c) => (c.args[2] as SlackMessageContent).text);
  return { slack, updater, card, givenUp, edits };
}

/** Settles to the outcome, or to 'pending' if it has not settled once everything queued ran. */
async function peek(p: Promise<EditOutcome>): Promise<EditOutcome | 'pending'> {
  return Promise.race([
    p,
    new Promise<'pending'>((r) => {
      setImmediate(() => {
        r('pending');
      });
    }),
  ]);
}

describe('MessageUpdater', () => {
  it('latest state wins: while one edit is in flight, of two more only the newest is sent', async () => {
    const { slack, updater, card, edits } = rig();
    const gate = slack.hold('updateMessage');
    const first = updater.set('C0OPS', card.ts, content('step 1'));
    await gate.reached;
    const second = updater.set('C0OPS', card.ts, content('step 2'));
    const third = updater.set('C0OPS', card.ts, content('step 3'));
    gate.release();
    expect(await Promise.all([first, second, third])).toEqual(['shown', 'shown', 'shown']);
    expect(edits()).toEqual(['step 1', 'step 3']);
    expect(slack.message('C0OPS', card.ts)?.content.text).toBe('step 3');
  });

  it('a burst of states while waiting its turn costs one call, with the newest', async () => {
    const { slack, updater, card, edits } = rig();
    const other = slack.seed('C0OPS', content('Other: starting'));
    const gate = slack.hold('updateMessage');
    const busy = updater.set('C0OPS', other.ts, content('Other: step 1'));
    await gate.reached;
    const burst = ['step 1', 'step 2', 'step 3'].map((s) => updater.set('C0OPS', card.ts, content(s)));
    gate.release();
    expect(await Promise.all([busy, ...burst])).toEqual(['shown', 'shown', 'shown', 'shown']);
    expect(edits()).toEqual(['step 3']);
  });

  it('a transient failure (429, 5xx, network, Slack "try again") is retried, waiting longer each time, until shown', async () => {
    const delay = 5;
    const { slack, updater, card, edits } = rig(delay);
    for (const err of [
      slackErrors.rateLimited(1),
      slackErrors.http(503),
      slackErrors.network(),
      slackErrors.platform('internal_error'),
    ])
      slack.fail('updateMessage', err);
    await expect(updater.set('C0OPS', card.ts, content('Run: Succeeded'), true)).resolves.toBe('shown');
    expect(edits()).toHaveLength(5);
    expect(slack.message('C0OPS', card.ts)?.content.text).toBe('Run: Succeeded');
    // Backoff: each wait at least twice the one before (from 2× the retry delay), never a busy loop.
    const times = slack.calls.filter((c) => c.method === 'updateMessage').map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual(delay * 2 ** (i + 1) - 2);
    });
  });

  it.each(['message_not_found', 'channel_not_found', 'is_archived'])(
    'a permanent failure (%s) is tried once: onGiveUp hears it, later edits cost no call',
    async (error) => {
      const { slack, updater, card, givenUp, edits } = rig();
      slack.fail('updateMessage', slackErrors.platform(error), { times: Infinity });
      await expect(updater.set('C0OPS', card.ts, content('step 2'))).resolves.toBe('gave_up');
      expect(givenUp).toEqual([{ channel: 'C0OPS', ts: card.ts, error }]);
      expect(updater.lostBecause('C0OPS', card.ts)).toBe(error);
      await expect(updater.set('C0OPS', card.ts, content('Run: Failed'), true)).resolves.toBe('gave_up');
      expect(edits()).toEqual(['step 2']);
      expect(givenUp).toHaveLength(1);
    },
  );

  it('close() while retrying: the edit settles "closed", and nothing more is sent', async () => {
    const { slack, updater, card, edits } = rig(5);
    slack.fail('updateMessage', slackErrors.http(503), { times: Infinity });
    const pending = updater.set('C0OPS', card.ts, content('Run: Succeeded'), true);
    await slack.called('updateMessage', 2);
    updater.close();
    await expect(pending).resolves.toBe('closed');
    const tries = edits().length;
    await updater.drain();
    // The retry loop has ended (its promise settled): what it sent is all it will ever send.
    expect(edits()).toHaveLength(tries);
    await expect(updater.set('C0OPS', card.ts, content('again'), true)).resolves.toBe('closed');
    expect(edits()).toHaveLength(tries);
  });

  it('close() during a long backoff settles at once, without another try', async () => {
    const { slack, updater, card, edits } = rig(60_000);
    slack.fail('updateMessage', slackErrors.platform('service_unavailable'));
    const pending = updater.set('C0OPS', card.ts, content('Run: Succeeded'), true);
    await slack.called('updateMessage', 1);
    updater.close();
    await expect(pending).resolves.toBe('closed');
    expect(edits()).toHaveLength(1);
  });

  it('a final edit asked for while a progress edit is in flight is never dropped, even when that edit fails', async () => {
    const { slack, updater, card, edits } = rig();
    const gate = slack.hold('updateMessage');
    const progress = updater.set('C0OPS', card.ts, content('step 2 of 3'));
    await gate.reached;
    const final = updater.set('C0OPS', card.ts, content('Run: Succeeded'), true);
    slack.fail('updateMessage', slackErrors.http(502), { times: 2 });
    gate.fail(slackErrors.network());
    expect(await Promise.all([progress, final])).toEqual(['shown', 'shown']);
    expect(slack.message('C0OPS', card.ts)?.content.text).toBe('Run: Succeeded');
    expect(edits().at(-1)).toBe('Run: Succeeded');
  });

  it('final states go out ahead of progress edits waiting their turn', async () => {
    const { slack, updater, card } = rig();
    const other = slack.seed('C0OPS', content('Other: starting'));
    const third = slack.seed('C0OPS', content('Third: starting'));
    const gate = slack.hold('updateMessage');
    const busy = updater.set('C0OPS', card.ts, content('Run: step 1'));
    await gate.reached;
    const progress = updater.set('C0OPS', other.ts, content('Other: step 1'));
    const final = updater.set('C0OPS', third.ts, content('Third: Succeeded'), true);
    gate.release();
    await Promise.all([busy, progress, final]);
    const order = slack.argsOf('updateMessage').map((a) => (a[2] as SlackMessageContent).text);
    expect(order).toEqual(['Run: step 1', 'Third: Succeeded', 'Other: step 1']);
  });

  it('a card whose progress edit waits its turn jumps the queue when its final state comes', async () => {
    const { slack, updater, card } = rig();
    const other = slack.seed('C0OPS', content('Other: starting'));
    const third = slack.seed('C0OPS', content('Third: starting'));
    const gate = slack.hold('updateMessage');
    const busy = updater.set('C0OPS', card.ts, content('Run: step 1'));
    await gate.reached;
    const waiting = updater.set('C0OPS', other.ts, content('Other: step 1'));
    const progress = updater.set('C0OPS', third.ts, content('Third: step 1'));
    const final = updater.set('C0OPS', third.ts, content('Third: Succeeded'), true);
    gate.release();
    await Promise.all([busy, waiting, progress, final]);
    const order = slack.argsOf('updateMessage').map((a) => (a[2] as SlackMessageContent).text);
    expect(order).toEqual(['Run: step 1', 'Third: Succeeded', 'Other: step 1']);
  });

  it('cards are independent: one in backoff or given up does not hold another back', async () => {
    const { slack, updater, card, edits } = rig(60_000);
    const lost = slack.seed('C0OPS', content('Lost: starting'));
    const other = slack.seed('C0OPS', content('Other: starting'));
    slack.fail('updateMessage', slackErrors.http(503), { when: (a) => a[1] === card.ts, times: Infinity });
    slack.fail('updateMessage', slackErrors.platform('message_not_found'), { when: (a) => a[1] === lost.ts });
    const stuck = updater.set('C0OPS', card.ts, content('Run: step 2'));
    await slack.called('updateMessage', 1);
    await expect(updater.set('C0OPS', lost.ts, content('Lost: step 2'))).resolves.toBe('gave_up');
    await expect(updater.set('C0OPS', other.ts, content('Other: step 2'))).resolves.toBe('shown');
    expect(slack.message('C0OPS', other.ts)?.content.text).toBe('Other: step 2');
    // The stuck card is still waiting for its next try, having made one.
    expect(await peek(stuck)).toBe('pending');
    expect(edits()).toHaveLength(1);
  });
});
