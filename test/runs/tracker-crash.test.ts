import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { simulator } from '../helpers/harness.js';
import { runParts, startedRun } from '../helpers/run-parts.js';
import type { RunParts } from '../helpers/run-parts.js';
import { BOT_TOKEN, eventually, SIGNING_SECRET } from '../helpers/stack.js';

let dir: string;
let sim: HarnessSimulator;
let slack: SlackEmulator;
let catalogue: Catalogue;
let lives: RunParts[];
beforeAll(async () => {
  catalogue = await shippedCatalogue();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-tracker-'));
  sim = await simulator({ speed: 50 });
  slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  lives = [];
});
afterEach(async () => {
  // Held requests of a dead life are dropped with the connections, then the living one stops.
  await slack.close();
  await sim.close();
  for (const life of lives) {
    // An updater keeps retrying an edit Slack cannot take; closed, it lets the tracker stop.
    life.updater.close();
    await life.tracker.stop();
  }
  await rm(dir, { recursive: true, force: true });
});

const life = (): RunParts => {
  const l = runParts(path.join(dir, 'bot.db'), slack, sim, catalogue);
  lives.push(l);
  return l;
};
const TITLE = 'Toggle a feature flag';
const finishedPosts = (cardTs: string) =>
  slack.replies('C0OPS', cardTs).filter((m) => m.text.startsWith(`${TITLE}:`));
const dms = (user: string) => slack.messages(`D${user.slice(1)}`).map((m) => m.text);

describe('a run’s end survives the bot dying while it is delivered', () => {
  it('dies before the final card edit lands: the next life shows the end, posts it once, tells the requester', async () => {
    const first = life();
    const run = await startedRun(first.store, slack, sim, catalogue, 'toggle_feature_flag');
    expect(catalogue.workflows.get('toggle_feature_flag')?.title).toBe(TITLE);
    // Slack takes the final edit but never gets to apply it: the bot dies meanwhile.
    const finalEdit = slack.holdNext('chat.update', {
      ms: 60_000,
      when: 'before',
      match: (a) => a.ts === run.cardTs && String(a.text).endsWith(': Succeeded'),
    });
    first.tracker.track(run.id);
    await finalEdit;
    first.die();

    const second = life();
    expect(second.tracker.resume()).toBe(1);
    await eventually(
      () => second.store.getRun(run.id)?.finishedAt,
      (f) => f !== undefined,
    );
    const card = slack.messages('C0OPS').find((m) => m.ts === run.cardTs);
    expect(card?.text).toBe(`${TITLE}: Succeeded`);
    expect(finishedPosts(run.cardTs ?? '')).toHaveLength(1);
    expect(dms('U0ALICE').filter((t) => t.startsWith(`Your run of ${TITLE} finished`))).toHaveLength(1);
  });

  it('dies after Slack took the finished reply but before the bot heard: the next life finds it and does not post it again', async () => {
    const first = life();
    const run = await startedRun(first.store, slack, sim, catalogue, 'toggle_feature_flag');
    const reply = slack.holdNext('chat.postMessage', {
      ms: 60_000,
      when: 'after',
      match: (a) => a.thread_ts === run.cardTs && String(a.text).startsWith(`${TITLE}:`),
    });
    first.tracker.track(run.id);
    await reply;
    first.die();
    expect(finishedPosts(run.cardTs ?? '')).toHaveLength(1);

    const second = life();
    second.tracker.resume();
    await eventually(
      () => second.store.getRun(run.id)?.finishedAt,
      (f) => f !== undefined,
    );
    expect(finishedPosts(run.cardTs ?? '')).toHaveLength(1);
    expect(dms('U0ALICE').filter((t) => t.startsWith(`Your run of ${TITLE} finished`))).toHaveLength(1);
    // The thread was read back rather than guessed.
    expect(slack.calls.some((c) => c.method === 'conversations.replies' && c.ok)).toBe(true);
  });

  it('dies while the requester’s note is on its way: the note is found in the DM, not sent twice', async () => {
    const first = life();
    const run = await startedRun(first.store, slack, sim, catalogue, 'toggle_feature_flag');
    const note = slack.holdNext('chat.postMessage', {
      ms: 60_000,
      when: 'after',
      match: (a) => a.channel === 'U0ALICE',
    });
    first.tracker.track(run.id);
    await note;
    first.die();

    const second = life();
    second.tracker.resume();
    await eventually(
      () => second.store.getRun(run.id)?.finishedAt,
      (f) => f !== undefined,
    );
    expect(dms('U0ALICE').filter((t) => t.startsWith(`Your run of ${TITLE} finished`))).toHaveLength(1);
    expect(finishedPosts(run.cardTs ?? '')).toHaveLength(1);
  });

  it('dies before the requester’s note reaches Slack: the next life sends it, once', async () => {
    const first = life();
    const run = await startedRun(first.store, slack, sim, catalogue, 'toggle_feature_flag');
    const note = slack.holdNext('chat.postMessage', {
      ms: 60_000,
      when: 'before',
      match: (a) => a.channel === 'U0ALICE',
    });
    first.tracker.track(run.id);
    await note;
    first.die();

    const second = life();
    second.tracker.resume();
    await eventually(
      () => second.store.getRun(run.id)?.finishedAt,
      (f) => f !== undefined,
    );
    expect(dms('U0ALICE').filter((t) => t.startsWith(`Your run of ${TITLE} finished`))).toHaveLength(1);
    expect(finishedPosts(run.cardTs ?? '')).toHaveLength(1);
  });

  it('Slack refusing to read the DM back (a scope missing since an upgrade): the note is sent, the run ends', async () => {
    const first = life();
    const run = await startedRun(first.store, slack, sim, catalogue, 'toggle_feature_flag');
    const note = slack.holdNext('chat.postMessage', {
      ms: 60_000,
      when: 'before',
      match: (a) => a.channel === 'U0ALICE',
    });
    first.tracker.track(run.id);
    await note;
    first.die();

    slack.failNext('conversations.open', 10_000, { error: 'missing_scope' });
    const second = life();
    second.tracker.resume();
    await eventually(
      () => second.store.getRun(run.id)?.finishedAt,
      (f) => f !== undefined,
    );
    expect(dms('U0ALICE').filter((t) => t.startsWith(`Your run of ${TITLE} finished`))).toHaveLength(1);
  });

  it('Slack failing the finished reply keeps the run open until it is out', async () => {
    const only = life();
    const run = await startedRun(only.store, slack, sim, catalogue, 'toggle_feature_flag');
    slack.failNext('chat.postMessage', 2, { error: 'internal_error' });
    only.tracker.track(run.id);
    await eventually(
      () => only.store.getRun(run.id)?.finishedAt,
      (f) => f !== undefined,
    );
    expect(finishedPosts(run.cardTs ?? '')).toHaveLength(1);
  });
});
