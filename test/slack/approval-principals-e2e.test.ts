import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/harness/simulator/engine.js';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { linkToken, submitWorkflow } from '../helpers/submit.js';

/**
 * The bot's key is a plain service account in no approver group, as in a real deployment:
 * Harness refuses approvals it sends. The card says so before anyone clicks, and what to set up.
 */
let s: Stack | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

async function approvalCardOf(st: Stack, cardTs: string): Promise<{ ts: string; approval: Approval }> {
  const card = await eventually(
    () => st.slack.replies('C0OPS', cardTs).find((m) => textOf(m).includes('Approval needed')),
    (m) => m !== undefined,
  );
  const run = (await st.bot.deps.store.runs.open()).find((r) => r.cardTs === cardTs);
  const approval = [...st.sim.engine.approvals.values()].find((a) => a.execution.id === run?.executionId);
  if (card === undefined || approval === undefined) throw new Error('no approval card');
  return { ts: card.ts, approval };
}
const text = (st: Stack, ts: string) => textOf(st.slack.channel('C0OPS').messages.find((m) => m.ts === ts));
const notes = (st: Stack, user: string) => st.slack.ephemeralsFor(user).map((e) => e.text);

describe('who may approve', () => {
  it('nothing configured: the card says Slack approval cannot work and what to set, with no buttons', async () => {
    const st = (s = await startStack());
    const { ts, approval } = await approvalCardOf(st, await submitWorkflow(st, 'scale_service'));
    const card = text(st, ts);
    expect(card).toContain('Slack approval cannot work for this step');
    expect(card).toContain(
      'Harness refuses the bot\'s key ("The service account configured in the request is not authorized to approve/reject")',
    );
    expect(card).toContain('set HARNESS_APPROVER_API_KEY to a key of a user in account.sre_oncall');
    expect(card).toContain('set IDP_CHATOPS_ENCRYPTION_KEY');
    expect(card).toContain('Open in Harness');
    expect(JSON.stringify(st.slack.channel('C0OPS').messages.find((m) => m.ts === ts)?.blocks)).not.toContain(
      'idp_approval_approve',
    );
    // Nothing was sent that Harness would refuse.
    expect(approval.activities).toEqual([]);
    expect(st.sim.engine.approvals.get(approval.id)?.status).toBe('WAITING');
  });

  it('approver key set: no warning, and Harness records the approver key’s principal', async () => {
    const st = (s = await startStack({ approverKey: 'sim-key-carol' }));
    const { ts, approval } = await approvalCardOf(st, await submitWorkflow(st, 'scale_service'));
    expect(text(st, ts)).not.toContain(':warning:');
    await st.slack.clickMessageButton('C0OPS', ts, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => approval.status,
      (x) => x === 'APPROVED',
    );
    expect(approval.activities.map((a) => a.user.uuid)).toEqual(['u-carol']);
  });

  it('linking on: the card says only linked approvers can approve; an unlinked click sends nothing; a linked one works', async () => {
    const st = (s = await startStack({ encryptionKey: 'k'.repeat(40) }));
    const { ts, approval } = await approvalCardOf(st, await submitWorkflow(st, 'scale_service'));
    expect(text(st, ts)).toContain('Only approvers who linked their Harness account with /idp link');
    await st.slack.clickMessageButton('C0OPS', ts, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => notes(st, 'U0BOB').join('\n'),
      (t) => t.includes('Link your Harness account with /idp link, then click again'),
    );
    // Reject opens its reason form at once (the trigger lives 3 s), then the check turns the
    // form into the same refusal, before any reason can be sent.
    await st.slack.clickMessageButton('C0OPS', ts, 'U0BOB', 'idp_approval_reject');
    await eventually(
      () => st.slack.openViews('U0BOB').map((v) => JSON.stringify(v.view)),
      (views) => views.length === 1 && views.some((v) => v.includes('Link your Harness account')),
    );
    for (const v of st.slack.openViews('U0BOB')) v.closed = true;
    expect(approval.activities).toEqual([]);
    await linkToken(st, 'U0BOB', 'sim-key-bob');
    await st.slack.clickMessageButton('C0OPS', ts, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => approval.status,
      (x) => x === 'APPROVED',
    );
    expect(approval.activities.map((a) => a.user.uuid)).toEqual(['u-bob']);
  });
});
