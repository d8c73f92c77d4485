import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalOf, openForm } from '../helpers/runs.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ approverKey: 'sim-key-carol' });
});
afterAll(async () => {
  await s.stop();
});

describe('a status card deleted in the middle of a run', () => {
  it('the approval still reaches the approvers, the requester learns the outcome, the bot stops', async () => {
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(await openForm(s), 'U0ALICE', SCALE_ANSWERS);
    const [card] = await eventually(
      () => s.slack.messages('C0OPS').slice(before),
      (m) => m.length > 0,
    );
    s.slack.deleteMessage('C0OPS', card?.ts ?? '');
    await approvalOf(s, card?.ts ?? '');

    // Without its thread, the approval card goes to the channel itself, mentioning the approvers.
    const approvalCard = await eventually(
      () => s.slack.channel('C0OPS').messages.find((m) => textOf(m).includes('Approval needed')),
      (m) => m !== undefined && s.slack.channel('C0OPS').messages.indexOf(m) >= before,
    );
    expect(textOf(approvalCard)).toContain('<@U0BOB>');
    await s.slack.clickMessageButton('C0OPS', approvalCard?.ts ?? '', 'U0BOB', 'idp_approval_approve');

    await eventually(
      () => s.slack.channel('D0ALICE').messages.map((m) => m.text),
      (t) => t.some((x) => x.includes('Your run of Scale a service finished: Succeeded')),
      15_000,
    );
    const gaveUp = (await s.bot.deps.store.audit.trail()).filter(
      (e) => e.action === 'slack.gave_up' && e.details.ts === card?.ts,
    );
    expect(gaveUp.map((e) => e.details.error)).toContain('message_not_found');
    // Nothing is left retrying the deleted card: the bot stops with nothing pending.
    expect(await s.restartBot()).toEqual({ clean: true });
  }, 30_000);
});
