import { WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { SlackMessageContent, SlackPort } from '../../src/ports/slack.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import type { EditOutcome } from '../../src/runs/message-updater.js';

/**
 * The updater's retries, on fake timers: which failures are tried again, how long it waits
 * between tries, and that a permanent error or a stop ends them. Each call to chat.update is
 * recorded with the (fake) time it was made, so "no further call" is checked after the clock has
 * run far past any delay, not after a real sleep.
 */
type Answer = 'ok' | Error | Promise<void>;

const slackError = (error: string) => new WebAPIPlatformError({ ok: false, error });
const content = (text: string): SlackMessageContent => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

function fakeSlack(answers: Answer[]) {
  const calls: { at: number; text: string }[] = [];
  const unused = () => Promise.reject(new Error('the updater only edits messages'));
  const port: SlackPort = {
    postMessage: unused,
    updateMessage: async (_channel, _ts, c) => {
      calls.push({ at: Date.now(), text: c.text });
      const answer = answers.shift() ?? 'ok';
      if (answer instanceof Error) throw answer;
      if (answer !== 'ok') await answer;
    },
    postEphemeral: unused,
    openView: unused,
    updateView: unused,
    publishHome: unused,
    userEmail: unused,
    userName: unused,
    userIdByEmail: unused,
    userGroupMembers: unused,
    completeStep: unused,
    findDelivered: unused,
    userGroupIdByHandle: unused,
    channelInfo: unused,
  };
  return { port, calls };
}

function updaterOn(answers: Answer[], retryDelayMs = 100) {
  const slack = fakeSlack(answers);
  const givenUp: string[] = [];
  const updater = new MessageUpdater(slack.port, createLogger('silent'), {
    retryDelayMs,
    onGiveUp: async (_c, _t, error) => {
      givenUp.push(error);
      await Promise.resolve();
    },
  });
  return { updater, calls: slack.calls, givenUp };
}

/** Runs the fake clock until `p` settles (at most an hour of fake time). */
async function settle(p: Promise<EditOutcome>): Promise<EditOutcome> {
  let outcome: EditOutcome | undefined;
  void p.then((o) => (outcome = o));
  for (let i = 0; i < 3600 && outcome === undefined; i++) await vi.advanceTimersByTimeAsync(1000);
  return p;
}

const gaps = (calls: { at: number }[]) => calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? 0));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('card edit retries', () => {
  it('retries transient failures, waiting twice as long each time from 2× to 32× the retry delay', async () => {
    const { updater, calls } = updaterOn([
      ...['internal_error', 'service_unavailable', 'fatal_error', 'request_timeout'].map(slackError),
      new Error('socket hang up'),
      slackError('internal_error'),
      slackError('internal_error'),
    ]);
    await expect(settle(updater.set('C1', '1.0', content('v2')))).resolves.toBe('shown');
    expect(calls).toHaveLength(8);
    expect(gaps(calls)).toEqual([200, 400, 800, 1600, 3200, 3200, 3200]);
  });

  it('never waits more than a minute between tries', async () => {
    const { updater, calls } = updaterOn(
      Array.from({ length: 5 }, () => slackError('internal_error')),
      5000,
    );
    await expect(settle(updater.set('C1', '1.0', content('v2')))).resolves.toBe('shown');
    expect(gaps(calls)).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('retries an unexpected error too, even a TypeError, as slack-errors.ts calls it transient', async () => {
    const { updater, calls } = updaterOn([new TypeError('x is not a function'), new Error('?')]);
    await expect(settle(updater.set('C1', '1.0', content('v2')))).resolves.toBe('shown');
    expect(calls).toHaveLength(3);
  });

  it('starts waiting from the shortest delay again once an edit has landed', async () => {
    const fail = () => slackError('internal_error');
    const { updater, calls } = updaterOn([fail(), fail(), fail(), 'ok', fail(), 'ok']);
    await settle(updater.set('C1', '1.0', content('v2')));
    await settle(updater.set('C1', '1.0', content('v3')));
    expect(gaps(calls.slice(4))).toEqual([200]);
  });

  it('sends the newest content on the next try, and settles both askers once it lands', async () => {
    const { updater, calls } = updaterOn([slackError('internal_error')]);
    const first = updater.set('C1', '1.0', content('v2'));
    await vi.advanceTimersByTimeAsync(0);
    const second = updater.set('C1', '1.0', content('v3'), true);
    await expect(settle(first)).resolves.toBe('shown');
    await expect(second).resolves.toBe('shown');
    expect(calls.map((c) => c.text)).toEqual(['v2', 'v3']);
  });

  it('stops at the first permanent error: one call, given up with the reason, later edits cost nothing', async () => {
    const { updater, calls, givenUp } = updaterOn([slackError('message_not_found')]);
    await expect(settle(updater.set('C1', '1.0', content('v2')))).resolves.toBe('gave_up');
    expect(givenUp).toEqual(['message_not_found']);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await expect(updater.set('C1', '1.0', content('v3'))).resolves.toBe('gave_up');
    expect(calls).toHaveLength(1);
    expect(updater.lostBecause('C1', '1.0')).toBe('message_not_found');
  });

  it('a permanent error after transient ones also ends the retries at once', async () => {
    const { updater, calls, givenUp } = updaterOn([slackError('internal_error'), slackError('is_archived')]);
    await expect(settle(updater.set('C1', '1.0', content('v2')))).resolves.toBe('gave_up');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toHaveLength(2);
    expect(givenUp).toEqual(['is_archived']);
  });

  it('close during the wait between tries settles the edit at once, and nothing is tried again', async () => {
    const { updater, calls } = updaterOn(Array.from({ length: 100 }, () => slackError('internal_error')));
    const pending = updater.set('C1', '1.0', content('v2'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    updater.close();
    await expect(pending).resolves.toBe('closed');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toHaveLength(1);
  });

  it('close while an edit is on its way: its failure is not retried', async () => {
    let fail: (err: Error) => void = () => undefined;
    const inFlight = new Promise<void>((_, reject) => {
      fail = reject;
    });
    const { updater, calls } = updaterOn([inFlight]);
    const pending = updater.set('C1', '1.0', content('v2'));
    await vi.advanceTimersByTimeAsync(0);
    updater.close();
    fail(slackError('internal_error'));
    await expect(pending).resolves.toBe('closed');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toHaveLength(1);
  });
});
