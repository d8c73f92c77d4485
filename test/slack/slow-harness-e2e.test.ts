import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUntilApproval } from '../helpers/approvals.js';
import { eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
let reject: Awaited<ReturnType<typeof runUntilApproval>>;
let inputs: Awaited<ReturnType<typeof runUntilApproval>>;
beforeAll(async () => {
  s = await startStack({ approverKey: 'sim-key-carol', encryptionKey: 'k'.repeat(40) });
  reject = await runUntilApproval(s, 'restart_service');
  inputs = await runUntilApproval(s, 'rotate_token', 'U0BOB');
  // From here on Harness answers every call 1.5 s late: two checks in a row outlive a trigger_id.
  s.sim.faults.latencyMs = 1500;
});
afterAll(async () => {
  await s.stop();
});

/** The modal a person has open, once its blocks say `what`. */
const modalShowing = (user: string, what: string) =>
  eventually(
    () => s.slack.openViews(user).find((v) => JSON.stringify(v.view).includes(what)),
    (v) => v !== undefined,
    20_000,
  );
const notes = (user: string) => s.slack.ephemeralsFor(user).map((e) => e.text);
const dms = (user: string) =>
  (s.slack.ws.channels.get(`D${user.slice(1)}`)?.messages ?? []).map((m) => m.text);

describe('modals open within the trigger’s life while Harness answers 1.5 s late', () => {
  it('Reject opens its reason form at once; the decision reaches Harness', async () => {
    await s.slack.clickMessageButton('C0OPS', reject.approvalCardTs, 'U0CAROL', 'idp_approval_reject');
    const modal = await modalShowing('U0CAROL', 'Why are you rejecting it?');
    expect(notes('U0CAROL')).toEqual([]);
    await s.slack.submitView(modal?.id ?? '', 'U0CAROL', { approval_reason: 'not during the freeze' });
    await eventually(
      () => reject.approval.status,
      (st) => st === 'REJECTED',
      20_000,
    );
  });

  it('Approve with approver inputs opens at once, then shows the inputs once the click is checked', async () => {
    await s.slack.clickMessageButton('C0OPS', inputs.approvalCardTs, 'U0DAVE', 'idp_approval_approve');
    const modal = await modalShowing('U0DAVE', 'approver_input:change_ticket');
    expect(notes('U0DAVE')).toEqual([]);
    await s.slack.submitView(modal?.id ?? '', 'U0DAVE', { 'approver_input:change_ticket': 'CHG-9' });
    await eventually(
      () => inputs.approval.status,
      (st) => st === 'APPROVED',
      20_000,
    );
    expect(inputs.approval.activities[0]?.approverInputs).toEqual([
      { name: 'change_ticket', value: 'CHG-9' },
    ]);
  });

  it('/idp link opens, answers the submission at once, and tells the person the result', async () => {
    await s.slack.command({ command: '/idp', text: 'link', user: 'U0BOB', channel: 'C0OPS' });
    const modal = await modalShowing('U0BOB', 'Harness personal access token');
    const reply = await s.slack.submitView(modal?.id ?? '', 'U0BOB', { link_token: 'sim-key-bob' });
    expect(reply.body).toMatchObject({ response_action: 'update' });
    await eventually(
      () => dms('U0BOB').join('\n'),
      (t) => t.includes('Your Harness account Bob SRE is linked'),
      20_000,
    );
    expect(s.slack.view(modal?.id ?? '').view.title).toMatchObject({ text: 'Harness account linked' });
    expect((await s.bot.deps.store.identities.get('U0BOB'))?.harnessEmail).toBe('bob@example.com');
  });

  it('/idp link answers even when Harness takes longer than Slack waits for a submission', async () => {
    s.sim.faults.latencyMs = 3500;
    try {
      await s.slack.command({ command: '/idp', text: 'link', user: 'U0CAROL', channel: 'C0OPS' });
      const modal = await modalShowing('U0CAROL', 'Harness personal access token');
      const reply = await s.slack.submitView(modal?.id ?? '', 'U0CAROL', { link_token: 'sim-key-alice' });
      expect(reply.status).toBe(200);
      const said = await eventually(
        () => dms('U0CAROL').join('\n'),
        (t) => t.includes('not linked'),
        20_000,
      );
      expect(said).toContain('This token belongs to alice@example.com, not to your Slack email');
      expect(said).not.toContain('sim-key-alice');
    } finally {
      s.sim.faults.latencyMs = 1500;
    }
  });
});
