import { readFile } from 'node:fs/promises';
import { WebClient } from '@slack/web-api';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { DEFAULT_SCOPES } from '../../src/sandbox/slack/state.js';
import { createBackgroundClient } from '../../src/slack/slack-client.js';

let emu: SlackEmulator;
let client: WebClient;
beforeAll(async () => {
  emu = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-test' });
  // The bot's own background client: 429s come back at once, nothing is retried.
  client = createBackgroundClient('xoxb-test', emu.apiUrl, { retries: 0 });
});
afterAll(async () => {
  await emu.close();
});

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e as { data?: { error?: string } }).data?.error ?? String(e),
  );

describe('where the emulated bot may post', () => {
  it('posts in public channels it is not in (chat:write.public), never in conversations it was not invited to', async () => {
    expect(await errorOf(client.chat.postMessage({ channel: 'C0DEV', text: 'x' }))).toBe('ok');
    expect(await errorOf(client.chat.postMessage({ channel: 'G0SECRET', text: 'x' }))).toBe('ok');
    for (const hidden of ['G0INCIDENT', 'D1ALICEBOB', 'G0TRIO'])
      expect(await errorOf(client.chat.postMessage({ channel: hidden, text: 'x' }))).toBe(
        'channel_not_found',
      );
    expect(await errorOf(client.chat.postMessage({ channel: 'U0ALICE', text: 'dm' }))).toBe('ok');
  });

  it('conversations.info shows only what the bot can see, with its membership', async () => {
    await expect(client.conversations.info({ channel: 'C0DEV' })).resolves.toMatchObject({
      channel: { is_private: false, is_member: false },
    });
    await expect(client.conversations.info({ channel: 'G0SECRET' })).resolves.toMatchObject({
      channel: { is_private: true, is_member: true },
    });
    expect(await errorOf(client.conversations.info({ channel: 'G0INCIDENT' }))).toBe('channel_not_found');
    expect(await errorOf(client.conversations.info({ channel: 'G0TRIO' }))).toBe('channel_not_found');
  });

  it('ephemeral notes need the person in the channel; archived channels refuse posts', async () => {
    expect(
      await errorOf(client.chat.postEphemeral({ channel: 'G0SECRET', user: 'U0ALICE', text: 'x' })),
    ).toBe('user_not_in_channel');
    emu.channel('C0DEV').archived = true;
    expect(await errorOf(client.chat.postMessage({ channel: 'C0DEV', text: 'x' }))).toBe('is_archived');
    emu.channel('C0DEV').archived = false;
  });

  it('without chat:write.public, public channels need an invitation', async () => {
    const narrow = await SlackEmulator.start({
      signingSecret: 's',
      botToken: 'xoxb-test',
      scopes: DEFAULT_SCOPES.filter((s) => s !== 'chat:write.public'),
    });
    try {
      const c = new WebClient('xoxb-test', { slackApiUrl: narrow.apiUrl, retryConfig: { retries: 0 } });
      expect(await errorOf(c.chat.postMessage({ channel: 'C0DEV', text: 'x' }))).toBe('not_in_channel');
      expect(await errorOf(c.chat.postMessage({ channel: 'C0OPS', text: 'x' }))).toBe('ok');
    } finally {
      await narrow.close();
    }
  });

  it('asks for the scopes slack-app.yaml asks for', async () => {
    const manifest = parse(await readFile('slack-app.yaml', 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    expect([...DEFAULT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('a deleted message cannot be edited; its thread stays while it has replies', async () => {
    const lone = await client.chat.postMessage({ channel: 'C0OPS', text: 'lone' });
    const parent = await client.chat.postMessage({ channel: 'C0OPS', text: 'parent' });
    await client.chat.postMessage({ channel: 'C0OPS', text: 'reply', thread_ts: parent.ts ?? '' });
    await client.chat.delete({ channel: 'C0OPS', ts: lone.ts ?? '' });
    emu.deleteMessage('C0OPS', parent.ts ?? '');
    expect(await errorOf(client.chat.update({ channel: 'C0OPS', ts: lone.ts ?? '', text: 'y' }))).toBe(
      'message_not_found',
    );
    expect(await errorOf(client.chat.update({ channel: 'C0OPS', ts: parent.ts ?? '', text: 'y' }))).toBe(
      'message_not_found',
    );
    expect(
      await errorOf(client.chat.postMessage({ channel: 'C0OPS', text: 'r', thread_ts: parent.ts ?? '' })),
    ).toBe('ok');
    expect(
      await errorOf(client.chat.postMessage({ channel: 'C0OPS', text: 'r', thread_ts: lone.ts ?? '' })),
    ).toBe('thread_not_found');
  });
});

describe('the emulator’s rate limits', () => {
  it('paces chat.postMessage per channel: a short burst, then 429 with Retry-After', async () => {
    const strict = await SlackEmulator.start({
      signingSecret: 's',
      botToken: 'xoxb-t',
      enforceRateLimits: true,
    });
    try {
      const c = new WebClient('xoxb-t', { slackApiUrl: strict.apiUrl, rejectRateLimitedCalls: true });
      const post = (channel: string) =>
        c.chat.postMessage({ channel, text: 'x' }).then(
          () => 'ok',
          (e: unknown) => `429:${String((e as { retryAfter?: number }).retryAfter)}`,
        );
      const ops = [await post('C0OPS'), await post('C0OPS'), await post('C0OPS'), await post('C0OPS')];
      expect(ops).toEqual(['ok', 'ok', 'ok', expect.stringMatching(/^429:[1-3]$/)]);
      expect(await post('C0DEV')).toBe('ok');
    } finally {
      await strict.close();
    }
  });

  it('can answer every call of one method 429 for a while, leaving the others alone', async () => {
    emu.limits.limitFor('chat.update', 60_000, 20);
    const m = await client.chat.postMessage({ channel: 'C0OPS', text: 'x' });
    await expect(client.chat.update({ channel: 'C0OPS', ts: m.ts ?? '', text: 'y' })).rejects.toMatchObject({
      retryAfter: 20,
    });
    await expect(client.users.info({ user: 'U0BOB' })).resolves.toMatchObject({ ok: true });
    emu.limits.limitFor('chat.update', 0, 20);
    await expect(client.chat.update({ channel: 'C0OPS', ts: m.ts ?? '', text: 'y' })).resolves.toMatchObject({
      ok: true,
    });
  });
});
