import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/ports/store.js';
import { crashRig } from '../helpers/run-parts.js';
import type { RunParts } from '../helpers/run-parts.js';
import { eventually } from '../helpers/stack.js';

const rig = crashRig();
/** Approval cards are the thread replies broadcast to the channel. */
const cards = (run: RunRecord) =>
  rig.slack.replies('C0OPS', run.cardTs ?? '').filter((m) => m.broadcast === true);
const approvalOf = (run: RunRecord) =>
  [...rig.sim.engine.approvals.values()].find((a) => a.execution.id === run.executionId);

/** A scale run whose approval card is up, followed by `l`, which then stops polling. */
async function waitingRun(l: RunParts): Promise<{ run: RunRecord; approvalId: string }> {
  const run = await rig.run(l, 'scale_service');
  l.tracker.track(run.id);
  const approvalId = await eventually(
    async () => {
      const id = approvalOf(run)?.id;
      return id !== undefined && (await l.store.approvalCards.get(id)) !== undefined ? id : undefined;
    },
    (id) => id !== undefined,
  );
  await l.tracker.stop();
  return { run, approvalId: approvalId ?? '' };
}

describe('an approval card is posted exactly once, whatever the moment the bot dies', () => {
  it('dies during the look-ups before the post: the next life posts the card, and it works', async () => {
    const first = rig.life();
    const run = await rig.run(first, 'scale_service');
    const lookup = rig.slack.holdNext('users.lookupByEmail', { ms: 60_000, when: 'before' });
    first.tracker.track(run.id);
    await lookup;
    await first.die();
    expect(cards(run)).toHaveLength(0);

    const second = rig.life();
    await second.tracker.resume();
    await eventually(
      () => cards(run),
      (c) => c.length === 1,
    );
    const approvalId = approvalOf(run)?.id ?? '';
    await eventually(
      async () => await second.store.approvalCards.get(approvalId),
      (c) => c !== undefined,
    );
    expect(await second.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toBe(
      'You approved Approve scale.',
    );
    expect(cards(run)).toHaveLength(1);
  });

  it('dies after Slack took the card but before the bot heard: the card is found, not posted again', async () => {
    const first = rig.life();
    const run = await rig.run(first, 'scale_service');
    const post = rig.slack.holdNext('chat.postMessage', {
      ms: 60_000,
      when: 'after',
      match: (a) => a.reply_broadcast === 'true',
    });
    first.tracker.track(run.id);
    await post;
    await first.die();
    expect(cards(run)).toHaveLength(1);

    const second = rig.life();
    await second.tracker.resume();
    const approvalId = approvalOf(run)?.id ?? '';
    const record = await eventually(
      async () => await second.store.approvalCards.get(approvalId),
      (c) => c !== undefined,
    );
    expect(record?.ts).toBe(cards(run)[0]?.ts);
    expect(await second.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toBe(
      'You approved Approve scale.',
    );
    expect(cards(run)).toHaveLength(1);
    const requesterNotes = rig.slack
      .messages('D0ALICE')
      .filter((m) => m.text.includes('is waiting for approval'));
    expect(requesterNotes).toHaveLength(1);
  });
});

/** A first life whose click on the waiting approval is on its way to Harness (held `when`) as it dies. */
async function clickDies(when: 'before' | 'after'): Promise<string> {
  // A short client timeout: the dead life's request is given up, as a killed process's would be.
  const first = rig.life({ harnessTimeoutMs: 300 });
  const { approvalId } = await waitingRun(first);
  const sent = rig.sim.holdNext('/harness/activity', { ms: 60_000, when });
  void first.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger').catch(() => undefined);
  await sent;
  await first.die();
  return approvalId;
}

describe('a click whose answer is lost does not block the person', () => {
  it('Harness answers 5xx without recording it: the person is told and can click again', async () => {
    const l = rig.life();
    const { approvalId } = await waitingRun(l);
    void rig.sim.holdNext('/harness/activity', { ms: 0, when: 'before', status: 502 });
    expect(await l.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toMatch(
      /^Harness did not record your decision .*you can click again\.$/,
    );
    expect(rig.sim.engine.approvals.get(approvalId)?.activities).toHaveLength(0);
    expect(await l.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toBe(
      'You approved Approve scale.',
    );
    expect(rig.sim.engine.approvals.get(approvalId)?.activities).toHaveLength(1);
  });

  it('Harness records it but answers 5xx: the decision is read back and counted once', async () => {
    const l = rig.life();
    const { run, approvalId } = await waitingRun(l);
    void rig.sim.holdNext('/harness/activity', { ms: 0, when: 'after', status: 502 });
    expect(await l.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toBe(
      'You approved Approve scale.',
    );
    expect(rig.sim.engine.approvals.get(approvalId)?.activities).toHaveLength(1);
    expect((await l.store.claims.approvalClick(approvalId, 'U0BOB'))?.sent).toBe(true);
    const cardTs = (await l.store.approvalCards.get(approvalId))?.ts;
    const card = rig.slack.channel('C0OPS').messages.find((m) => m.ts === cardTs);
    await eventually(
      () => card?.text,
      (t) => t === 'Approve scale: Approved',
    );
    expect(
      (await l.store.audit.trail({ runId: run.id })).filter((e) => e.action === 'approval.approved'),
    ).toHaveLength(1);
  });

  it('the bot dies after Harness recorded the click: the restart records the outcome', async () => {
    const approvalId = await clickDies('after');

    const second = rig.life();
    expect((await second.store.claims.approvalClick(approvalId, 'U0BOB'))?.sent).toBe(false);
    expect(await second.approvals.recover()).toBe(1);
    expect((await second.store.claims.approvalClick(approvalId, 'U0BOB'))?.sent).toBe(true);
    expect(rig.sim.engine.approvals.get(approvalId)?.status).toBe('APPROVED');
    expect(await second.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toMatch(
      /^Approve scale is already approved/,
    );
  });

  it('the bot dies before Harness recorded the click: the restart frees it and the person can approve', async () => {
    const approvalId = await clickDies('before');

    const second = rig.life();
    expect(await second.approvals.recover()).toBe(1);
    expect(await second.store.claims.approvalClick(approvalId, 'U0BOB')).toBeUndefined();
    expect(await second.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toBe(
      'You approved Approve scale.',
    );
    expect(rig.sim.engine.approvals.get(approvalId)?.activities).toHaveLength(1);
  });

  it('without a restart, the person’s next click settles the lost one first', async () => {
    const approvalId = await clickDies('before');

    const second = rig.life();
    expect(await second.approvals.click('U0BOB', approvalId, 'APPROVE', 'trigger')).toBe(
      'You approved Approve scale.',
    );
    expect(rig.sim.engine.approvals.get(approvalId)?.activities).toHaveLength(1);
  });
});
