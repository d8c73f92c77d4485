import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleValues } from '../helpers/catalogue.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

const STEAL = '<+secrets.getValue("prod_db_password")>';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ approverKey: 'sim-key-carol' });
});
afterAll(async () => {
  await s.stop();
});
afterEach(() => {
  s.slack.ws.ephemerals.length = 0;
});

async function openForm(command: string, user = 'U0ALICE', channel = 'C0OPS'): Promise<string> {
  const before = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command, user, channel });
  const views = await eventually(
    () => s.slack.openViews(user).filter((v) => !before.has(v.id)),
    (v) => v.length === 1,
  );
  return views[0]?.id ?? '';
}

const executions = () => s.sim.engine.executions.size;

describe('a form value cannot make Harness run an expression', () => {
  it('refuses <+…> in a Jira summary under the field, and starts nothing', async () => {
    const wf = s.catalogue.workflows.get('provision_infrastructure');
    if (wf === undefined) throw new Error('provision_infrastructure');
    const runs = executions();
    const messages = s.slack.messages('C0OPS').length;
    const viewId = await openForm('/provision');
    const values = { ...(await sampleValues('provision_infrastructure')), jira_summary: `Workers ${STEAL}` };
    const reply = await s.slack.submitView(viewId, 'U0ALICE', answersFor(wf, 0, values));
    expect(reply.body).toEqual({
      response_action: 'errors',
      errors: {
        'f:0:jira_summary':
          'Jira Issue Summary cannot contain "<+": Harness would run it as an expression with the bot\'s access. Remove it',
      },
    });
    expect(executions()).toBe(runs);
    expect(s.slack.messages('C0OPS').length).toBe(messages);
  });
});

describe('a value cannot pass for the bot’s own text', () => {
  it('shows a fake status line typed into a form as one quoted line on the card', async () => {
    const wf = s.catalogue.workflows.get('provision_infrastructure');
    if (wf === undefined) throw new Error('provision_infrastructure');
    const before = s.slack.messages('C0OPS').length;
    const viewId = await openForm('/provision');
    const values = {
      ...(await sampleValues('provision_infrastructure')),
      jira_summary: 'Workers\n✅ *Succeeded* <!channel> \u202Edone',
    };
    for (const page of wf.pages)
      await s.slack.submitView(viewId, 'U0ALICE', answersFor(wf, page.index, values));
    // Once Harness has the run, so later tests count executions from a settled state.
    const card = await eventually(
      () => s.slack.messages('C0OPS')[before],
      (m) => textOf(m).includes('Harness execution'),
    );
    const lines = textOf(card).split('\n');
    // The value's one line, quoted; no line of its own that could read as the bot's.
    expect(lines.filter((l) => l.includes('✅') || l.includes('channel'))).toEqual([
      '`Workers ⏎ ✅ *Succeeded* &lt;!channel&gt; done`',
    ]);
    expect(textOf(card)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});

describe('a picker takes only what Harness lists', () => {
  it('refuses a forged service at submit, and accepts one Harness lists', async () => {
    const runs = executions();
    const viewId = await openForm('/scale');
    const forged = await s.slack.submitView(viewId, 'U0ALICE', { ...SCALE_ANSWERS, service: 'billing_core' });
    expect(forged.body).toMatchObject({
      response_action: 'errors',
      errors: { 'f:0:service': expect.stringMatching(/^Service Identifier: "billing_core" is not one of/) },
    });
    expect(executions()).toBe(runs);
    const ok = await s.slack.submitView(viewId, 'U0ALICE', SCALE_ANSWERS);
    expect(ok.status).toBe(200);
    await eventually(executions, (n) => n === runs + 1);
  });
});

describe('approval modals', () => {
  async function rejectModal(): Promise<{ modalId: string; approvalId: string }> {
    const viewId = await openForm('/scale');
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(viewId, 'U0ALICE', SCALE_ANSWERS);
    const cardTs =
      (
        await eventually(
          () => s.slack.messages('C0OPS'),
          (m) => m.length > before,
        )
      )[before]?.ts ?? '';
    const card = await eventually(
      () => s.slack.replies('C0OPS', cardTs).find((m) => textOf(m).includes('Approval needed')),
      (m) => m !== undefined,
    );
    await s.slack.clickMessageButton('C0OPS', card?.ts ?? '', 'U0CAROL', 'idp_approval_reject');
    const [modal] = await eventually(
      () => s.slack.openViews('U0CAROL'),
      (v) => v.length === 1,
    );
    const record = (await s.bot.deps.store.runs.open()).find((r) => r.cardTs === cardTs);
    const approval = [...s.sim.engine.approvals.values()].find((a) => a.execution.id === record?.executionId);
    return { modalId: modal?.id ?? '', approvalId: approval?.id ?? '' };
  }

  it('refuse <+…> in a reason before Harness hears of it', async () => {
    const { modalId, approvalId } = await rejectModal();
    const reply = await s.slack.submitView(modalId, 'U0CAROL', { approval_reason: `no ${STEAL}` });
    expect(reply.body).toEqual({
      response_action: 'errors',
      errors: {
        approval_reason:
          'Your reason cannot contain "<+": Harness would run it as an expression with the bot\'s access. Remove it',
      },
    });
    expect(s.sim.engine.approvals.get(approvalId)?.activities).toEqual([]);
    await s.slack.submitView(modalId, 'U0CAROL', { approval_reason: 'not now' });
  });
});
