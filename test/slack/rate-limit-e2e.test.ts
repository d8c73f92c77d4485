import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../helpers/harness.js';
import { approvalOf, cardAfter, cardText, openForm } from '../helpers/runs.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';
import { eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

describe('Slack rate-limiting card edits', () => {
  it('for 25 s (Retry-After: 20): a slash command still opens its modal, and every card then ends right', async () => {
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(await openForm(s), 'U0ALICE', SCALE_ANSWERS);
    const ts = await cardAfter(s, 'C0OPS', before);
    const approval = await approvalOf(s, ts);
    const approvalCard = await eventually(
      async () => await s.bot.deps.store.approvalCards.get(approval),
      (c) => c !== undefined,
    );
    s.slack.limits.limitFor('chat.update', 25_000, 20);
    await clientFor(s.sim, 'bob').decideApproval(approval, { action: 'APPROVE' });
    await eventually(
      () => s.slack.calls.some((c) => c.method === 'chat.update' && c.status === 429),
      Boolean,
    );

    // The emulator refuses views.open once the trigger is 3 s old, so the modal opens only in time.
    const opened = await openForm(s, { user: 'U0BOB' });
    expect(s.slack.view(opened).view.callback_id).toBeDefined();

    await eventually(
      () => cardText(s, 'C0OPS', ts),
      (t) => t.includes('· Succeeded\nRequested'),
      60_000,
    );
    await eventually(
      () => cardText(s, 'C0OPS', approvalCard?.ts ?? ''),
      (t) => t.includes('Approved') && !t.includes('Reject'),
      10_000,
    );
  }, 90_000);
});
