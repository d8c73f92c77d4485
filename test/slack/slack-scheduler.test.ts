import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { createBackgroundClient } from '../../src/slack/slack-client.js';
import { SlackClosedError, classifySlackError } from '../../src/ports/slack-errors.js';
import { SlackScheduler } from '../../src/slack/slack-scheduler.js';
import { eventually } from '../helpers/stack.js';

let emu: SlackEmulator;
beforeAll(async () => {
  emu = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-t' });
});
afterAll(async () => {
  await emu.close();
});

const client = () => createBackgroundClient('xoxb-t', emu.apiUrl, { retries: 0 });
const logger = createLogger('silent');

describe('the background Slack scheduler', () => {
  it('a 429 holds back only its own method, for its Retry-After, then the call lands', async () => {
    const c = client();
    const scheduler = new SlackScheduler({ logger });
    const m = await c.chat.postMessage({ channel: 'C0OPS', text: 'card' });
    emu.limits.limitFor('chat.update', 500, 1);
    const order: string[] = [];
    const edit = scheduler
      .call('chat.update', 'C0OPS', () => c.chat.update({ channel: 'C0OPS', ts: m.ts ?? '', text: 'new' }))
      .then(() => order.push('chat.update'));
    // Slack has answered the edit with its 429: chat.update now waits.
    await eventually(
      () => emu.calls.filter((x) => x.method === 'chat.update' && x.status === 429),
      (limited) => limited.length > 0,
    );
    await scheduler
      .call('users.info', undefined, () => c.users.info({ user: 'U0BOB' }))
      .then(() => order.push('users.info'));
    await edit;
    expect(order).toEqual(['users.info', 'chat.update']);
    expect(emu.calls.filter((x) => x.method === 'chat.update').map((x) => x.status)).toEqual([429, 200]);
  });

  it('keeps a method under its tier: beyond it, calls wait their turn', async () => {
    const c = client();
    // 50 a minute scaled to 2: the third edit in a minute waits.
    const scheduler = new SlackScheduler({ logger, scale: 0.04 });
    const m = await c.chat.postMessage({ channel: 'C0OPS', text: 'card' });
    const edit = () =>
      scheduler.call('chat.update', 'C0OPS', () =>
        c.chat.update({ channel: 'C0OPS', ts: m.ts ?? '', text: 'x' }),
      );
    const before = emu.calls.filter((x) => x.method === 'chat.update').length;
    await edit();
    await edit();
    const third = edit();
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.calls.filter((x) => x.method === 'chat.update').length - before).toBe(2);
    scheduler.close();
    await expect(third).rejects.toBeInstanceOf(SlackClosedError);
  });

  it('a configured pace for a method (SLACK_EDITS_PER_MINUTE for chat.update) replaces its tier', async () => {
    const c = client();
    const scheduler = new SlackScheduler({ logger, perMinute: { 'chat.update': 2 } });
    const m = await c.chat.postMessage({ channel: 'C0OPS', text: 'card' });
    const edit = () =>
      scheduler.call('chat.update', 'C0OPS', () =>
        c.chat.update({ channel: 'C0OPS', ts: m.ts ?? '', text: 'x' }),
      );
    const before = emu.calls.filter((x) => x.method === 'chat.update').length;
    await edit();
    await edit();
    const third = edit();
    // Other methods keep their own tier meanwhile.
    await scheduler.call('users.info', undefined, () => c.users.info({ user: 'U0BOB' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.calls.filter((x) => x.method === 'chat.update').length - before).toBe(2);
    scheduler.close();
    await expect(third).rejects.toBeInstanceOf(SlackClosedError);
  });

  it('closing ends a wait on Retry-After at once', async () => {
    const c = client();
    const scheduler = new SlackScheduler({ logger });
    emu.limits.limitFor('users.lookupByEmail', 60_000, 30);
    const waiting = scheduler.call('users.lookupByEmail', undefined, () =>
      c.users.lookupByEmail({ email: 'bob@example.com' }),
    );
    // The lookup got its 429: the call now waits out the Retry-After.
    await eventually(
      () => emu.calls.filter((x) => x.method === 'users.lookupByEmail' && x.status === 429),
      (limited) => limited.length > 0,
    );
    scheduler.close();
    await expect(waiting).rejects.toBeInstanceOf(SlackClosedError);
    emu.limits.limitFor('users.lookupByEmail', 0, 1);
  });
});

describe('which Slack failures are worth another try', () => {
  it('tells permanent answers from transient ones', async () => {
    const c = client();
    const outcome = (p: Promise<unknown>) => p.then(() => undefined, classifySlackError);
    expect(await outcome(c.chat.update({ channel: 'C0OPS', ts: '1.1', text: 'x' }))).toEqual({
      kind: 'permanent',
      error: 'message_not_found',
    });
    expect(await outcome(c.chat.postMessage({ channel: 'G0INCIDENT', text: 'x' }))).toEqual({
      kind: 'permanent',
      error: 'channel_not_found',
    });
    emu.failNext('chat.postMessage', 1, { error: 'internal_error' });
    expect(await outcome(c.chat.postMessage({ channel: 'C0OPS', text: 'x' }))).toMatchObject({
      kind: 'transient',
    });
    emu.failNext('chat.postMessage', 1, { retryAfter: 3 });
    expect(await outcome(c.chat.postMessage({ channel: 'C0OPS', text: 'x' }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
    const unreachable = createBackgroundClient('xoxb-t', 'http://127.0.0.1:1/api/', { retries: 0 });
    expect(await outcome(unreachable.auth.test())).toMatchObject({ kind: 'transient' });
  });
});
