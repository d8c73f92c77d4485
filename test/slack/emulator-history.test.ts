import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/stack.js';

let slack: SlackEmulator;
let client: WebClient;
beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  client = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await slack.close();
});

const marker = { event_type: 'idp_chatops_delivery', event_payload: { key: 'r1:finished' } };

describe('reading conversations back, as Slack answers it', () => {
  it('returns message metadata only when asked for, replies after their parent', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0OPS', text: 'card' });
    await client.chat.postMessage({ channel: 'C0OPS', text: 'a', thread_ts: parent.ts ?? '' });
    await client.chat.postMessage({
      channel: 'C0OPS',
      text: 'b',
      thread_ts: parent.ts ?? '',
      metadata: marker,
    });
    const plain = await client.conversations.replies({ channel: 'C0OPS', ts: parent.ts ?? '' });
    expect(plain.messages?.map((m) => m.text)).toEqual(['card', 'a', 'b']);
    expect(plain.messages?.some((m) => m.metadata !== undefined)).toBe(false);
    const full = await client.conversations.replies({
      channel: 'C0OPS',
      ts: parent.ts ?? '',
      include_all_metadata: true,
    });
    expect(full.messages?.[2]?.metadata).toEqual(marker);
    await expect(client.conversations.replies({ channel: 'C0OPS', ts: '1.000001' })).rejects.toMatchObject({
      data: { error: 'thread_not_found' },
    });
  });

  it('history is newest first, top level and broadcasts only; a DM is read through conversations.open', async () => {
    const top = await client.chat.postMessage({ channel: 'C0OPS', text: 'top' });
    await client.chat.postMessage({ channel: 'C0OPS', text: 'hidden', thread_ts: top.ts ?? '' });
    await client.chat.postMessage({
      channel: 'C0OPS',
      text: 'shown',
      thread_ts: top.ts ?? '',
      reply_broadcast: true,
    });
    const h = await client.conversations.history({ channel: 'C0OPS', oldest: top.ts ?? '', inclusive: true });
    expect(h.messages?.map((m) => m.text)).toEqual(['shown', 'top']);
    await client.chat.postMessage({ channel: 'U0BOB', text: 'note', metadata: marker });
    const dm = await client.conversations.open({ users: 'U0BOB' });
    const notes = await client.conversations.history({
      channel: dm.channel?.id ?? '',
      include_all_metadata: true,
    });
    expect(notes.messages?.map((m) => [m.text, m.metadata?.event_type])).toEqual([
      ['note', 'idp_chatops_delivery'],
    ]);
  });

  it('reads only conversations the bot is in, as Slack does', async () => {
    // #dev is public and the bot posts there through chat:write.public, but is not in it.
    await client.chat.postMessage({ channel: 'C0DEV', text: 'posted from outside', metadata: marker });
    await expect(client.conversations.history({ channel: 'C0DEV' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    // A private channel or someone else's DM does not exist for the bot.
    for (const channel of ['G0INCIDENT', 'D1ALICEBOB'])
      await expect(client.conversations.history({ channel })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
    // #sre-private: invited, so readable, threads included.
    const parent = await client.chat.postMessage({ channel: 'G0SECRET', text: 'card' });
    const r = await client.conversations.replies({ channel: 'G0SECRET', ts: parent.ts ?? '' });
    expect(r.messages?.map((m) => m.text)).toEqual(['card']);
  });

  it('needs the history scopes and im:write', async () => {
    const narrow = await SlackEmulator.start({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      scopes: ['commands', 'chat:write', 'channels:read'],
    });
    try {
      const c = new WebClient(BOT_TOKEN, { slackApiUrl: narrow.apiUrl, retryConfig: { retries: 0 } });
      await expect(c.conversations.history({ channel: 'C0OPS' })).rejects.toMatchObject({
        data: { error: 'missing_scope' },
      });
      await expect(c.conversations.open({ users: 'U0BOB' })).rejects.toMatchObject({
        data: { error: 'missing_scope' },
      });
    } finally {
      await narrow.close();
    }
  });

  it('refuses malformed metadata as Slack does', async () => {
    await expect(
      client.apiCall('chat.postMessage', { channel: 'C0OPS', text: 'x', metadata: '{"event_type":' }),
    ).rejects.toMatchObject({ data: { error: 'invalid_metadata_format' } });
  });
});
