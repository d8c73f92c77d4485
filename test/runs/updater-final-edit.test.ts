import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { MessageUpdater } from '../../src/runs/message-updater.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { createBackgroundClient, createSlackPort } from '../../src/slack/slack-client.js';
import { SlackScheduler } from '../../src/slack/slack-scheduler.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/stack.js';

let slack: SlackEmulator;
beforeEach(async () => {
  slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
});
afterEach(async () => {
  await slack.close();
});

const content = (text: string) => ({ text, blocks: [] });

describe('the message updater, on which a run’s end depends', () => {
  it('resolves a final edit only once Slack shows it: the tracker may then mark the run finished', async () => {
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const logger = createLogger('silent');
    const background = createBackgroundClient(BOT_TOKEN, slack.apiUrl, { retries: 0 });
    const updater = new MessageUpdater(
      createSlackPort(client, background, new SlackScheduler({ logger, scale: 100 })),
      logger,
      { retryDelayMs: 10 },
    );
    const card = await client.chat.postMessage({ channel: 'C0OPS', text: 'Run: Running' });
    const shown = () => slack.messages('C0OPS').find((m) => m.ts === card.ts)?.text;
    // Slack is slow on the first edit and fails the next ones: the final state waits its turn.
    const held = slack.holdNext('chat.update', { ms: 200, when: 'before' });
    const progress = updater.set('C0OPS', card.ts ?? '', content('Run: step 2 of 3'));
    await held;
    slack.failNext('chat.update', 2, { error: 'internal_error' });
    let landed: string | undefined;
    const final = updater.set('C0OPS', card.ts ?? '', content('Run: Succeeded'), true).then((outcome) => {
      landed = shown();
      return outcome;
    });
    const [, outcome] = await Promise.all([progress, final]);
    expect(outcome).toBe('shown');
    expect(landed).toBe('Run: Succeeded');
    expect(slack.calls.filter((c) => c.method === 'chat.update' && !c.ok)).toHaveLength(2);
    updater.close();
  });
});
