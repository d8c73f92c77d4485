/**
 * A bare Bolt app, the yardstick of the bot's ack path: it answers `/scale` the way Bolt's own
 * getting-started guide does (ack, then `views.open` with the trigger_id), with the very modal
 * the bot opened for `/scale` (recorded from the emulator by the benchmark), nothing else.
 * Run as its own process by bench/ack-bench.ts: `node dist/bench/bare-bolt.js <settings.json>`.
 * https://docs.slack.dev/tools/bolt-js/concepts/acknowledge, https://docs.slack.dev/tools/bolt-js/concepts/creating-modals
 */
import { readFile } from 'node:fs/promises';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { View } from '@slack/types';
import { z } from 'zod';

const Settings = z.object({
  transport: z.enum(['http', 'socket']),
  port: z.number().int(),
  apiUrl: z.string(),
  botToken: z.string(),
  signingSecret: z.string(),
  appToken: z.string(),
  viewFile: z.string(),
});

const s = Settings.parse(JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')));
const view = JSON.parse(await readFile(s.viewFile, 'utf8')) as View;
const receiver =
  s.transport === 'http'
    ? new HTTPReceiver({ signingSecret: s.signingSecret, port: s.port, logLevel: LogLevel.ERROR })
    : new SocketModeReceiver({
        appToken: s.appToken,
        installerOptions: { port: s.port, clientOptions: { slackApiUrl: s.apiUrl } },
        logLevel: LogLevel.ERROR,
      });
const app = new App({
  token: s.botToken,
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: s.apiUrl },
});

app.command('/scale', async ({ ack, body, client }) => {
  await ack();
  await client.views.open({ trigger_id: body.trigger_id, view });
});

await app.start(s.port);
process.stdout.write(
  `${JSON.stringify({ msg: 'bare bolt is running', url: `http://127.0.0.1:${String(s.port)}` })}\n`,
);
