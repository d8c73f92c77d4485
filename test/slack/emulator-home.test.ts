import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';

let emu: SlackEmulator;
let client: WebClient;
beforeAll(async () => {
  emu = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-test' });
  client = new WebClient('xoxb-test', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await emu.close();
});

const section = (i: number) => ({
  type: 'section' as const,
  block_id: `b${String(i)}`,
  text: { type: 'mrkdwn' as const, text: 'x' },
});

describe('views.publish, as Slack answers it', () => {
  it('keeps one Home per person: the same view id, a new hash each time', async () => {
    const first = await client.views.publish({
      user_id: 'U0BOB',
      view: { type: 'home', blocks: [section(0)] },
    });
    const second = await client.views.publish({
      user_id: 'U0BOB',
      view: { type: 'home', blocks: [section(1)] },
    });
    expect(second.view?.id).toBe(first.view?.id);
    expect(second.view?.hash).not.toBe(first.view?.hash);
    expect(emu.homes.get('U0BOB')?.view.blocks).toEqual([section(1)]);
  });

  it('refuses a stale hash, a view that is not a Home, too many blocks, and an unknown person', async () => {
    const published = await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    await expect(
      client.views.publish({
        user_id: 'U0ALICE',
        hash: published.view?.hash ?? '',
        view: { type: 'home', blocks: [] },
      }),
    ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
    await expect(
      client.views.publish({
        user_id: 'U0ALICE',
        view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] },
      } as unknown as Parameters<typeof client.views.publish>[0]),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(
      client.views.publish({
        user_id: 'U0ALICE',
        view: { type: 'home', blocks: Array.from({ length: 101 }, (_, i) => section(i)) },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(
      client.views.publish({ user_id: 'U0NOBODY', view: { type: 'home', blocks: [] } }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });
});
