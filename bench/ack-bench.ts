import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SlackEmulator } from '../src/sandbox/slack/emulator.js';
import type { Transport } from '../src/sandbox/slack/emulator.js';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, freePort, startStack } from './bench-stack.js';
import type { BenchStack } from './bench-stack.js';
import { spawnApp } from './child-process.js';
import type { ChildApp } from './child-process.js';
import { SlackClock } from './slack-clock.js';
import { REQUESTERS, CHANNEL } from './start-runs.js';

/** What one app did at one concurrency over all rounds. */
export interface AckSamples {
  ackMs: number[];
  openMs: number[];
  /** Commands whose modal did not open within 3 s (the trigger_id's life). */
  missed: number;
  /** Commands answered (modal open) per second, each worker typing its next command once its modal is open. */
  throughput: number[];
}

export interface AckResult {
  transport: Transport;
  concurrency: number[];
  bot: AckSamples[];
  bare: AckSamples[];
}

interface Target {
  slack: SlackEmulator;
  clock: SlackClock;
}

const MODAL_DEADLINE_MS = 3000;

/** One person types /scale and waits for the modal: the ack (HTTP answer or envelope ack) and views.open, timed by Slack's side. */
async function oneCommand(t: Target, user: string, into: AckSamples): Promise<void> {
  const t0 = Date.now();
  const reply = await t.slack.command({ command: '/scale', text: '', user, channel: CHANNEL });
  if (reply.status === 200) into.ackMs.push(Date.now() - t0);
  const isOpen = (c: { method: string; ok: boolean; args: Record<string, unknown> }): boolean =>
    c.method === 'views.open' && c.ok && c.args.trigger_id === reply.triggerId;
  // Looked up and listened for without a pause between, so a views.open that came before the ack is not missed.
  const already = t.clock.timed.find((x) => isOpen(x.call));
  const signal = AbortSignal.timeout(Math.max(1, t0 + MODAL_DEADLINE_MS - Date.now()));
  const opened = already ?? (await t.clock.next(isOpen, signal));
  if (opened === undefined) into.missed++;
  else into.openMs.push(opened.at - t0);
}

/** `concurrency` people, each typing `each` commands one after the other. */
async function load(t: Target, concurrency: number, each: number, into: AckSamples): Promise<void> {
  const start = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; i < each; i++)
        await oneCommand(t, REQUESTERS[w % REQUESTERS.length] ?? 'U0ALICE', into);
    }),
  );
  into.throughput.push((concurrency * each) / ((Date.now() - start) / 1000));
}

const empty = (): AckSamples => ({ ackMs: [], openMs: [], missed: 0, throughput: [] });

/**
 * The bot and a bare Bolt app (bench/bare-bolt.ts) side by side, each its own process on its own
 * emulator over the same transport, in alternating rounds (bot, bare, bot, bare…) so drift on a
 * shared machine hits both. The emulator's rate limits are off here: this measures the ack path,
 * and 429s would measure Slack's budget instead (the runs rows keep them on).
 */
export async function ackBench(
  transport: Transport,
  rounds: number,
  log: (line: string) => void,
): Promise<AckResult> {
  const concurrency = [1, 20];
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-bench-ack-'));
  let stack: BenchStack | undefined;
  let bare: ChildApp | undefined;
  let bareSlack: SlackEmulator | undefined;
  try {
    stack = await startStack({
      transport,
      speed: 1,
      replicas: 1,
      editsPerMinute: 45,
      webhooks: false,
      rateLimits: false,
      databaseUrl: '',
    });
    const bot: Target = { slack: stack.slack, clock: new SlackClock(stack.slack, () => undefined) };
    // Warm both up (JIT, connections) before measuring; the bot's modal is recorded for the bare app.
    await load(bot, 4, 3, empty());
    const opened = bot.clock.timed.find((x) => x.call.method === 'views.open' && x.call.ok);
    if (opened === undefined)
      throw new Error('the bot opened no modal for /scale: nothing to give the bare app');
    const view = opened.call.args.view;
    const viewFile = path.join(dir, 'scale-modal.json');
    await writeFile(viewFile, typeof view === 'string' ? view : JSON.stringify(view));
    bareSlack = await SlackEmulator.start({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      transport,
      enforceRateLimits: false,
    });
    const settings = path.join(dir, 'bare.json');
    const port = await freePort();
    await writeFile(
      settings,
      JSON.stringify({
        transport,
        port,
        apiUrl: bareSlack.apiUrl,
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        appToken: APP_TOKEN,
        viewFile,
      }),
    );
    bare = await spawnApp(['dist/bench/bare-bolt.js', settings], {}, 'bare bolt is running');
    if (transport === 'http') bareSlack.botUrl = `${bare.url}/slack/events`;
    const bareTarget: Target = { slack: bareSlack, clock: new SlackClock(bareSlack, () => undefined) };
    await load(bareTarget, 4, 3, empty());
    const result: AckResult = {
      transport,
      concurrency,
      bot: concurrency.map(empty),
      bare: concurrency.map(empty),
    };
    for (let r = 0; r < rounds; r++) {
      for (const [name, target, into] of [
        ['bot', bot, result.bot],
        ['bare Bolt', bareTarget, result.bare],
      ] as const) {
        log(`  ack ${transport} round ${String(r + 1)}: ${name}`);
        for (const [i, c] of concurrency.entries()) {
          const samples = into[i];
          if (samples !== undefined) await load(target, c, c === 1 ? 40 : 5, samples);
        }
      }
    }
    return result;
  } finally {
    await bare?.stop();
    await bareSlack?.close();
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
