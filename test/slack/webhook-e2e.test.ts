import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientFor, SCOPE } from '../helpers/harness.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  // Polls an hour apart: only a webhook can move the card after its first look.
  s = await startStack({
    webhookSecret: 'hook-secret-test',
    timing: { fastMs: 3_600_000, slowMs: 3_600_000, backoff: 1 },
  });
});
afterAll(async () => {
  await s.stop();
});

it('a Harness pipeline notification makes the bot look at the execution at once', async () => {
  await s.slack.command({ command: '/scale', user: 'U0ALICE', channel: 'C0OPS' });
  const [view] = await eventually(
    () => s.slack.openViews('U0ALICE'),
    (v) => v.length === 1,
  );
  await s.slack.submitView(view?.id ?? '', 'U0ALICE', SCALE_ANSWERS);
  const card = () => textOf(s.slack.messages('C0OPS')[0]);
  await eventually(card, (t) => t.includes('Harness execution'));
  const run = await eventually(
    async () => (await s.bot.deps.store.runs.open())[0],
    (r) => r?.executionId !== undefined,
  );
  const executionId = run?.executionId ?? '';
  const waiting = await eventually(
    () => clientFor(s.sim).getExecution(executionId, SCOPE),
    (v) => v.steps.some((x) => x.approvalInstanceId !== undefined),
  );
  await clientFor(s.sim, 'bob').decideApproval(
    waiting.steps.find((x) => x.approvalInstanceId !== undefined)?.approvalInstanceId ?? '',
    {
      action: 'APPROVE',
    },
  );
  await eventually(
    () => clientFor(s.sim).getExecution(executionId, SCOPE),
    (v) => v.status === 'Success',
  );
  await new Promise((r) => setTimeout(r, 200));
  expect(card()).not.toContain('· Succeeded\nRequested');

  const res = await fetch(`${s.bot.url}/harness/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Harness-Webhook-Secret': 'hook-secret-test' },
    body: JSON.stringify({
      eventData: { planExecutionId: executionId, eventType: 'PipelineSuccess', nodeStatus: 'completed' },
    }),
  });
  expect(res.status).toBe(202);
  await eventually(card, (t) => t.includes('· Succeeded\nRequested'));
});
