import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestsWithSteps } from '../helpers/catalogue.js';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { submitWorkflow } from '../helpers/submit.js';

/**
 * A pipeline that waits on a Jira issue, then a ServiceNow change, then a Harness approval that
 * lists the bot's service account: the first two are shown as waiting with their ticket and no
 * buttons; the third can be approved from Slack with the bot's own key.
 */
let s: Stack;
let dir: string;
beforeAll(async () => {
  dir = await manifestsWithSteps(
    'toggle_feature_flag',
    await readFile('test/fixtures/harness/external-approval-steps.yaml', 'utf8'),
  );
  s = await startStack({ manifestsDir: dir });
});
afterAll(async () => {
  await s.stop();
  await rm(dir, { recursive: true, force: true });
});

const reply = (cardTs: string, needle: string) =>
  eventually(
    () => s.slack.replies('C0OPS', cardTs).find((m) => textOf(m).includes(needle)),
    (m) => m !== undefined,
  );
const blocksOf = (ts: string) =>
  JSON.stringify(s.slack.channel('C0OPS').messages.find((m) => m.ts === ts)?.blocks);
const waiting = (stepId: string) =>
  eventually(
    () => [...s.sim.engine.approvals.values()].find((a) => a.stepRun.step.identifier === stepId),
    (a) => a !== undefined,
  );

describe('approvals Slack cannot decide', () => {
  it('Jira and ServiceNow approvals show their ticket and where to approve, without buttons; the card follows them', async () => {
    const cardTs = await submitWorkflow(s, 'toggle_feature_flag');
    const jiraCard = await reply(cardTs, 'Waiting for approval in Jira: Change ticket approved');
    const jira = await waiting('jira_change');
    const key = jira?.ticket?.key ?? '';
    expect(textOf(jiraCard)).toContain(`Approve it in Jira:`);
    expect(textOf(jiraCard)).toContain(`<https://jira.example.com/browse/${key}|${key}>`);
    expect(blocksOf(jiraCard?.ts ?? '')).not.toContain('idp_approval_approve');
    await eventually(
      () =>
        s.slack.ws.channels
          .get('D0ALICE')
          ?.messages.map((m) => textOf(m))
          .join('\n') ?? '',
      (t) =>
        t.includes(`waiting for approval (Change ticket approved) on ${key}`) &&
        t.includes('approve it in Jira'),
    );

    s.sim.engine.settleExternally(jira?.id ?? '', 'APPROVE');
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === jiraCard?.ts)),
      (t) => t.includes('Change ticket approved* · Approved'),
    );
    const snowCard = await reply(cardTs, 'Waiting for approval in ServiceNow: Change request approved');
    expect(blocksOf(snowCard?.ts ?? '')).not.toContain('idp_approval_approve');
    s.sim.engine.settleExternally((await waiting('snow_change'))?.id ?? '', 'APPROVE');

    // A Harness approval listing the bot's service account: Slack can approve it with the bot's key.
    const gateCard = await reply(cardTs, 'Approval needed: Bot may approve');
    expect(textOf(gateCard)).not.toContain(':warning:');
    await s.slack.clickMessageButton('C0OPS', gateCard?.ts ?? '', 'U0BOB', 'idp_approval_approve');
    const gate = await waiting('bot_gate');
    await eventually(
      () => gate?.status,
      (st) => st === 'APPROVED',
    );
    expect(gate?.activities.map((a) => a.user.name)).toEqual(['idp-chatops bot']);
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === cardTs)),
      (t) => t.includes('· Succeeded'),
    );
  });
});
