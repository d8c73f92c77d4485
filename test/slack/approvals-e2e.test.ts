import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValues } from '../helpers/catalogue.js';
import { runUntilApproval } from '../helpers/approvals.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  // The approver key belongs to Carol, a principal in every approver group of the seed.
  s = await startStack({ approverKey: 'sim-key-carol' });
});
afterAll(async () => {
  await s.stop();
});

const run = (workflowId: string, user = 'U0ALICE', channel = 'C0OPS') =>
  runUntilApproval(s, workflowId, user, channel);

const approvalCard = (channel: string, ts: string) =>
  textOf(s.slack.channel(channel).messages.find((m) => m.ts === ts));
const notes = (user: string) => s.slack.ephemeralsFor(user).map((e) => e.text);

describe('approval cards', () => {
  it('shows what is asked, of whom, how many, and by when, in the thread and the channel', async () => {
    const r = await run('scale_service');
    const text = approvalCard('C0OPS', r.approvalCardTs);
    expect(text).toContain('Approval needed: Approve scale');
    expect(text).toContain('Scale payments/Deployment/payments-api to 6 replicas?');
    expect(text).toContain('Approvers: `account.sre_oncall` · 0 of 1 approval');
    expect(text).toMatch(/expires <!date\^\d+\^/);
    expect(text).toContain('*Target Replicas*\n`6`');
    const posted = s.slack.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.reply_broadcast === 'true',
    );
    expect(posted).toBeDefined();
    // A risky workflow confirms before approving.
    const blocks = JSON.stringify(
      s.slack.channel('C0OPS').messages.find((m) => m.ts === r.approvalCardTs)?.blocks,
    );
    expect(blocks).toContain('"confirm":{"title":{"type":"plain_text","text":"Approve this change?"');
  });

  it('approve: Harness gets one activity naming the Slack approver; the card and the run follow', async () => {
    const r = await run('scale_service');
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => approvalCard('C0OPS', r.approvalCardTs),
      (t) => t.includes('Approve scale: Approved'),
    );
    expect(r.approval.activities.map((a) => a.comments)).toEqual([
      'Approved in Slack (U0BOB) by Bob SRE <bob@example.com>',
    ]);
    expect(approvalCard('C0OPS', r.approvalCardTs)).not.toContain('idp_approval_reject');
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === r.cardTs)),
      (t) => t.includes('· Succeeded\nRequested'),
    );
    await eventually(
      () => notes('U0BOB'),
      (n) => n.includes('You approved Approve scale.'),
    );
    const dm = s.slack.channel('D0ALICE').messages.map((m) => m.text);
    expect(dm.join('\n')).toContain(
      'Approve scale of your run of Scale a service was approved by Carol SRE Lead',
    );
    expect(
      (await s.bot.deps.store.audit.trail()).some(
        (e) => e.action === 'approval.approved' && e.actor === 'U0BOB',
      ),
    ).toBe(true);
  });

  it('reject asks for a reason, and the run ends rejected with it', async () => {
    const r = await run('restart_service');
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0CAROL', 'idp_approval_reject');
    const [modal] = await eventually(
      () => s.slack.openViews('U0CAROL'),
      (v) => v.length === 1,
    );
    const empty = await s.slack.submitView(modal?.id ?? '', 'U0CAROL', {});
    expect(empty.body).toEqual({
      response_action: 'errors',
      errors: { approval_reason: 'Say why, so the person who asked knows what to change' },
    });
    await s.slack.submitView(modal?.id ?? '', 'U0CAROL', { approval_reason: 'not during the incident' });
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === r.cardTs)),
      (t) => t.includes('· Rejected\nRequested'),
    );
    expect(r.approval.activities[0]).toMatchObject({
      action: 'REJECT',
      comments: 'Rejected in Slack (U0CAROL) by Carol SRE Lead <carol@example.com>: not during the incident',
    });
    const thread = await eventually(
      () => s.slack.replies('C0OPS', r.cardTs).map(textOf).join('\n'),
      (t) => t.includes('ended'),
    );
    expect(thread).toContain('not during the incident');
  });

  it('approver inputs defined on the step become fields of the approval modal', async () => {
    const r = await run('rotate_token', 'U0BOB');
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0DAVE', 'idp_approval_approve');
    // The modal opens at once, saying it checks the click, then shows the inputs.
    const [modal] = await eventually(
      () => s.slack.openViews('U0DAVE'),
      (v) => v.length === 1 && JSON.stringify(v[0]?.view).includes('approver_input:'),
    );
    expect(JSON.stringify(modal?.view.blocks)).toContain('"block_id":"approver_input:change_ticket"');
    await s.slack.submitView(modal?.id ?? '', 'U0DAVE', {
      'approver_input:change_ticket': 'CHG-7',
      approval_reason: '',
    });
    await eventually(
      () => r.approval.status,
      (st) => st === 'APPROVED',
    );
    expect(r.approval.activities[0]?.approverInputs).toEqual([{ name: 'change_ticket', value: 'CHG-7' }]);
  });
});

describe('approvers are called', () => {
  it('the card mentions the approvers it found in Slack, and reminds them once before it expires', async () => {
    const lookups = () => s.slack.calls.filter((c) => c.method === 'users.lookupByEmail').length;
    const r = await run('scale_service');
    const posted = s.slack.calls
      .filter((c) => c.method === 'chat.postMessage' && c.args.reply_broadcast === 'true')
      .at(-1);
    expect(String(posted?.args.text)).toMatch(
      /Approval needed: Approve scale \(Scale a service\): <@U0BOB> <@U0CAROL>$/,
    );
    // In the blocks, where people read them (fallback text only shows in notifications).
    const blocks = s.slack.channel('C0OPS').messages.find((m) => m.ts === r.approvalCardTs)?.blocks;
    expect(JSON.stringify(blocks)).toContain('<@U0BOB> <@U0CAROL>');
    const afterCard = lookups();
    // Harness moves the deadline close: the next look at the approval reminds, once.
    r.approval.deadline = Date.now() + 60_000;
    const reminders = () =>
      s.slack
        .replies('C0OPS', r.cardTs)
        .map(textOf)
        .filter((t) => t.includes('expires at'));
    await eventually(reminders, (x) => x.length === 1);
    expect(reminders()[0]).toMatch(
      /:alarm_clock: <@U0BOB> <@U0CAROL> \*Approve scale\* expires at <!date\^\d+\^\{time\}/,
    );
    await new Promise((res) => setTimeout(res, 300));
    expect(reminders()).toHaveLength(1);
    // The reminder and another card for the same approvers cost no more email lookups.
    await run('scale_service');
    expect(lookups()).toBe(afterCard);
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => r.approval.status,
      (st) => st === 'APPROVED',
    );
    expect(
      (await s.bot.deps.store.audit.trail({ limit: 500 })).some(
        (e) => e.action === 'approval.outcome' && e.details.status === 'APPROVED',
      ),
    ).toBe(true);
  });
});

describe('every click is checked', () => {
  it('an ineligible clicker is told why, and Harness hears nothing', async () => {
    const r = await run('scale_service');
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0ALICE', 'idp_approval_approve');
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0EVE', 'idp_approval_approve');
    await eventually(
      () => notes('U0ALICE'),
      (n) => n.some((t) => t.includes("You can't decide on Approve scale")),
    );
    expect(notes('U0ALICE').at(-1)).toBe(
      "You can't decide on Approve scale: you are not in the approver group account.sre_oncall.",
    );
    await eventually(
      () => notes('U0EVE'),
      (n) => n.length > 0,
    );
    expect(notes('U0EVE').at(-1)).toBe(
      "You can't decide on Approve scale: no Harness user has your email (eve@elsewhere.example).",
    );
    expect(r.approval.activities).toEqual([]);
    expect(r.approval.status).toBe('WAITING');
  });

  it('the person who asked cannot approve where the step disallows the executor', async () => {
    const r = await run('rollback_service', 'U0BOB');
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => notes('U0BOB'),
      (n) => n.some((t) => t.includes('You asked for this run')),
    );
    expect(r.approval.activities).toEqual([]);
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0CAROL', 'idp_approval_approve');
    await eventually(
      () => r.approval.status,
      (st) => st === 'APPROVED',
    );
  });

  it('two approvers at once, and a double tap: one activity, the others told what happened', async () => {
    const r = await run('scale_service');
    await Promise.all([
      s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve'),
      s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve'),
      s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0CAROL', 'idp_approval_approve'),
    ]);
    await eventually(
      () => r.approval.status,
      (st) => st === 'APPROVED',
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(r.approval.activities).toHaveLength(1);
    const told = [...notes('U0BOB'), ...notes('U0CAROL')].filter((t) => /already|You approved/.test(t));
    expect(told.length).toBeGreaterThanOrEqual(2);
  });

  it('a click after the approval was decided in Harness says by whom', async () => {
    const r = await run('scale_service');
    s.sim.engine.decide(
      r.approval.id,
      s.sim.engine.seed.users.find((u) => u.uuid === 'u-bob') ?? (undefined as never),
      'APPROVE',
      'done in the Harness UI',
      [],
    );
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0CAROL', 'idp_approval_approve');
    await eventually(
      () => notes('U0CAROL'),
      (n) => n.some((t) => t.includes('already approved by Bob SRE')),
    );
    await eventually(
      () => approvalCard('C0OPS', r.approvalCardTs),
      (t) => t.includes('Bob SRE approved'),
    );
  });

  it('expiry: the card says so and its buttons are gone', async () => {
    const r = await run('scale_service');
    s.sim.engine.expire(r.approval.id);
    await eventually(
      () => approvalCard('C0OPS', r.approvalCardTs),
      (t) => t.includes('Expired: nobody decided in time'),
    );
    expect(
      JSON.stringify(s.slack.channel('C0OPS').messages.find((m) => m.ts === r.approvalCardTs)?.blocks),
    ).not.toContain('idp_approval_approve');
  });

  it('a restart between the card and the click: the click still works', async () => {
    const r = await run('scale_service');
    await s.restartBot();
    await s.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => r.approval.status,
      (st) => st === 'APPROVED',
    );
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === r.cardTs)),
      (t) => t.includes('· Succeeded\nRequested'),
    );
  });
});

/** Alice runs /onboard in #dev with the sample answers; returns how many messages #dev had before. */
async function submitOnboarding(): Promise<number> {
  const wf = s.catalogue.workflows.get('onboard_service');
  if (wf === undefined) throw new Error('wf');
  const before = s.slack.messages('C0DEV').length;
  await s.slack.command({ command: '/onboard', user: 'U0ALICE', channel: 'C0DEV' });
  const [view] = await eventually(
    () => s.slack.openViews('U0ALICE'),
    (v) => v.length === 1,
  );
  await s.slack.submitView(
    view?.id ?? '',
    'U0ALICE',
    answersFor(wf, 0, await sampleValues('onboard_service')),
  );
  return before;
}

describe('notifications', () => {
  it('onboarding tells the team what was created, with real links from the run’s outputs', async () => {
    const before = await submitOnboarding();
    const notice = await eventually(
      () =>
        s.slack
          .messages('C0DEV')
          .slice(before)
          .map(textOf)
          .find((t) => t.includes('is done')),
      (t) => t !== undefined,
    );
    expect(notice).toContain('*Onboard a new service*, requested by <@U0ALICE>, is done');
    expect(notice).toContain('Repository: <https://github.com/acme-services/ledger-svc>');
    expect(notice).toContain(
      'catalog-info.yaml: <https://github.com/acme-services/ledger-svc/blob/main/catalog-info.yaml>',
    );
    expect(notice).toMatch(
      /Catalog entry: <https:\/\/app\.harness\.io\/ng\/account\/idp_sandbox\/module\/idp\/catalog\/default\/component\/ledger-svc>/,
    );
    expect(notice).toContain('Pipeline run: <http');
    expect(
      s.slack
        .channel('D0ALICE')
        .messages.map((m) => m.text)
        .join('\n'),
    ).toContain('Your run of Onboard a new service finished: Succeeded.');
  });

  it('a failed onboarding says which step failed and why', async () => {
    s.sim.engine.failNextStep('createrepo', 'Repository acme-services/ledger-svc already exists');
    const before = await submitOnboarding();
    const thread = await eventually(
      () => {
        const card = s.slack.messages('C0DEV')[before];
        return card === undefined ? '' : s.slack.replies('C0DEV', card.ts).map(textOf).join('\n');
      },
      (t) => t.includes('ended'),
    );
    expect(thread).toContain('Step *CreateRepo*: Repository acme-services/ledger-svc already exists');
  });
});
