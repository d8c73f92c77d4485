import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/ports/store.js';
import { crashRig } from '../helpers/run-parts.js';
import { eventually } from '../helpers/stack.js';

/**
 * Where recorded intentions (issue 14) meet Slack's permanent errors (issue 8): an answer Slack
 * will never change is an outcome, so a run's end is never held open by it.
 */
const rig = crashRig();
const TITLE = 'Toggle a feature flag';
const finishedNotes = () =>
  rig.slack.messages('D0ALICE').filter((m) => m.text.startsWith(`Your run of ${TITLE} finished`));
const threadPosts = (run: RunRecord) =>
  rig.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === run.cardTs);

describe('Slack refusing for good while a run ends', () => {
  it('the channel is archived: the final edit and the thread replies are given up once, the requester still hears, the run finishes', async () => {
    const only = rig.life();
    const run = await rig.run(only, 'toggle_feature_flag');
    rig.slack.channel('C0OPS').archived = true;
    only.tracker.track(run.id);
    await eventually(
      async () => (await only.store.runs.get(run.id))?.finishedAt,
      (f) => f !== undefined,
    );
    expect(only.updater.lostBecause('C0OPS', run.cardTs ?? '')).toBe('is_archived');
    expect(finishedNotes()).toHaveLength(1);
    const gaveUp = (await only.store.audit.trail())
      .filter((e) => e.action === 'slack.gave_up' && e.runId === run.id)
      .map((e) => e.details.error);
    expect(gaveUp.length).toBeGreaterThan(0);
    expect(new Set(gaveUp)).toEqual(new Set(['is_archived']));
    // Each refused reply was tried once and recorded: nothing is retried afterwards.
    const tried = threadPosts(run).length;
    expect(tried).toBe(gaveUp.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(threadPosts(run)).toHaveLength(tried);
  });

  it('the bot stops before the final edit lands: the run stays open, and the next life ends it', async () => {
    const first = rig.life();
    const run = await rig.run(first, 'toggle_feature_flag');
    const held = rig.slack.holdNext('chat.update', {
      ms: 60_000,
      when: 'before',
      match: (a) => a.text === `${TITLE}: Succeeded`,
    });
    first.tracker.track(run.id);
    await held;
    // Closed, the edit settles as 'closed': not shown, not given up, so the run is not finished.
    first.updater.close();
    await first.tracker.stop();
    expect((await first.store.runs.get(run.id))?.finishedAt).toBeUndefined();
    expect(finishedNotes()).toHaveLength(0);
    await first.die();

    const second = rig.life();
    expect(await second.tracker.resume()).toBe(1);
    await eventually(
      async () => (await second.store.runs.get(run.id))?.finishedAt,
      (f) => f !== undefined,
    );
    expect(rig.slack.messages('C0OPS').find((m) => m.ts === run.cardTs)?.text).toBe(`${TITLE}: Succeeded`);
    expect(finishedNotes()).toHaveLength(1);
  });

  it('the approval card is refused (channel archived): the requester is told once to decide in Harness, never retried', async () => {
    const only = rig.life();
    const run = await rig.run(only, 'scale_service');
    rig.slack.channel('C0OPS').archived = true;
    only.tracker.track(run.id);
    const told = () =>
      rig.slack.messages('D0ALICE').filter((m) => m.text.includes('Slack refused the approval card'));
    const notes = await eventually(told, (n) => n.length === 1);
    expect(notes[0]?.text).toContain('(is_archived). Approvers can decide in Harness');
    const broadcasts = () =>
      rig.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.reply_broadcast === 'true');
    expect(broadcasts()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(broadcasts()).toHaveLength(1);
    expect(told()).toHaveLength(1);
    expect(
      (await only.store.audit.trail()).some(
        (e) => e.action === 'slack.gave_up' && String(e.details.event).startsWith('approval:'),
      ),
    ).toBe(true);
  });
});
