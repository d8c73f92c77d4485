import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { createBackgroundClient, createSlackPort } from '../../src/slack/slack-client.js';
import { SlackScheduler } from '../../src/slack/slack-scheduler.js';

let emu: SlackEmulator;
beforeAll(async () => {
  emu = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-t' });
});
afterAll(async () => {
  await emu.close();
});

function updater(onGiveUp?: (channel: string, ts: string, error: string) => Promise<void>) {
  const logger = createLogger('silent');
  const c = createBackgroundClient('xoxb-t', emu.apiUrl, { retries: 0 });
  const slack = createSlackPort(c, c, new SlackScheduler({ logger, scale: 100 }));
  return {
    slack,
    updater: new MessageUpdater(slack, logger, { retryDelayMs: 20, ...(onGiveUp ? { onGiveUp } : {}) }),
  };
}
const content = (text: string) => ({
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});

describe('card edits', () => {
  it('a deleted card: edits end at once with the reason, and later ones cost nothing', async () => {
    const given: string[] = [];
    const { slack, updater: u } = updater(async (_c, _t, error) => {
      given.push(error);
      await Promise.resolve();
    });
    const card = await slack.postMessage('C0OPS', content('v1'));
    emu.deleteMessage('C0OPS', card.ts);
    await expect(u.set('C0OPS', card.ts, content('v2'), true)).resolves.toBe('gave_up');
    expect(given).toEqual(['message_not_found']);
    const calls = emu.calls.length;
    await expect(u.set('C0OPS', card.ts, content('v3'), true)).resolves.toBe('gave_up');
    expect(emu.calls.length).toBe(calls);
  });

  it('asking again for what a card already shows costs no call', async () => {
    const { slack, updater: u } = updater();
    const card = await slack.postMessage('C0OPS', content('v1'));
    const edits = () => emu.calls.filter((c) => c.method === 'chat.update' && c.args.ts === card.ts).length;
    await u.set('C0OPS', card.ts, content('waiting'));
    await u.set('C0OPS', card.ts, content('waiting'));
    expect(edits()).toBe(1);
    await u.set('C0OPS', card.ts, content('done'), true);
    expect(edits()).toBe(2);
  });

  it('a transient failure is retried until the edit lands', async () => {
    const { slack, updater: u } = updater();
    const card = await slack.postMessage('C0OPS', content('v1'));
    emu.failNext('chat.update', 2, { error: 'internal_error' });
    await expect(u.set('C0OPS', card.ts, content('v2'), true)).resolves.toBe('shown');
    expect(emu.channel('C0OPS').messages.find((m) => m.ts === card.ts)?.text).toBe('v2');
  });

  it('closing while Slack keeps failing settles the waiting edit', async () => {
    const { slack, updater: u } = updater();
    const card = await slack.postMessage('C0OPS', content('v1'));
    emu.failNext('chat.update', 1000, { error: 'service_unavailable' });
    const pending = u.set('C0OPS', card.ts, content('v2'), true);
    await new Promise((r) => setTimeout(r, 100));
    u.close();
    await expect(pending).resolves.toBe('closed');
  });
});
