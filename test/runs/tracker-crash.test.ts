import { describe, expect, it } from 'vitest';
import type { HoldOptions } from '../../src/sandbox/slack/emulator.js';
import type { RunRecord } from '../../src/ports/store.js';
import { crashRig } from '../helpers/run-parts.js';
import type { RunParts } from '../helpers/run-parts.js';
import { eventually } from '../helpers/stack.js';

const rig = crashRig();
const TITLE = 'Toggle a feature flag';
const finishedPosts = (run: RunRecord) =>
  rig.slack.replies('C0OPS', run.cardTs ?? '').filter((m) => m.text.startsWith(`${TITLE}:`));
const finishedNotes = () =>
  rig.slack.messages('D0ALICE').filter((m) => m.text.startsWith(`Your run of ${TITLE} finished`));

/** A flag run followed by a first life that dies once Slack holds `method` as `hold` says. */
async function diesInside(method: string, hold: HoldOptions): Promise<RunRecord> {
  const first = rig.life();
  const run = await rig.run(first, 'toggle_feature_flag');
  const held = rig.slack.holdNext(method, hold);
  first.tracker.track(run.id);
  await held;
  await first.die();
  return run;
}

/** A second life picks the run up and finishes it. */
async function nextLifeFinishes(run: RunRecord): Promise<RunParts> {
  const second = rig.life();
  expect(await second.tracker.resume()).toBe(1);
  await eventually(
    async () => (await second.store.runs.get(run.id))?.finishedAt,
    (f) => f !== undefined,
  );
  return second;
}

const toAlice = (a: Record<string, unknown>) => a.channel === 'U0ALICE';

describe('a run’s end survives the bot dying while it is delivered', () => {
  it('dies before the final card edit lands: the next life shows the end, posts it once, tells the requester', async () => {
    // Slack takes the final edit but never gets to apply it: the bot dies meanwhile.
    const run = await diesInside('chat.update', {
      ms: 60_000,
      when: 'before',
      match: (a) => a.text === `${TITLE}: Succeeded`,
    });
    await nextLifeFinishes(run);
    expect(rig.slack.messages('C0OPS').find((m) => m.ts === run.cardTs)?.text).toBe(`${TITLE}: Succeeded`);
    expect(finishedPosts(run)).toHaveLength(1);
    expect(finishedNotes()).toHaveLength(1);
  });

  it('dies after Slack took the finished reply but before the bot heard: the next life finds it and does not post it again', async () => {
    const run = await diesInside('chat.postMessage', {
      ms: 60_000,
      when: 'after',
      match: (a) => typeof a.thread_ts === 'string' && String(a.text).startsWith(`${TITLE}:`),
    });
    expect(finishedPosts(run)).toHaveLength(1);
    await nextLifeFinishes(run);
    expect(finishedPosts(run)).toHaveLength(1);
    expect(finishedNotes()).toHaveLength(1);
    // The thread was read back rather than guessed.
    expect(rig.slack.calls.some((c) => c.method === 'conversations.replies' && c.ok)).toBe(true);
  });

  for (const when of ['after', 'before'] as const)
    it(`dies while the requester’s note is on its way (${when} Slack took it): it is out once`, async () => {
      const run = await diesInside('chat.postMessage', { ms: 60_000, when, match: toAlice });
      await nextLifeFinishes(run);
      expect(finishedNotes()).toHaveLength(1);
      expect(finishedPosts(run)).toHaveLength(1);
    });

  it('Slack refusing to read the DM back (a scope missing since an upgrade): the note is sent, the run ends', async () => {
    const run = await diesInside('chat.postMessage', { ms: 60_000, when: 'before', match: toAlice });
    rig.slack.failNext('conversations.open', 10_000, { error: 'missing_scope' });
    await nextLifeFinishes(run);
    expect(finishedNotes()).toHaveLength(1);
  });

  it('Slack failing the finished reply keeps the run open until it is out', async () => {
    const only = rig.life();
    const run = await rig.run(only, 'toggle_feature_flag');
    rig.slack.failNext('chat.postMessage', 2, { error: 'internal_error' });
    only.tracker.track(run.id);
    await eventually(
      async () => (await only.store.runs.get(run.id))?.finishedAt,
      (f) => f !== undefined,
    );
    expect(finishedPosts(run)).toHaveLength(1);
  });
});
