import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { manifestsWithSteps, sampleRun } from '../helpers/catalogue.js';
import { approvalIdOf, clientFor, SCOPE, simulator, waitFor } from '../helpers/harness.js';

/**
 * Jira, ServiceNow and custom approvals wait in ApprovalWaiting like Harness approvals, but
 * Harness takes no `/harness/activity` for them; a service account listed in
 * `approvers.serviceAccounts` may approve a Harness approval.
 */
let sim: HarnessSimulator;
let dir: string;
beforeAll(async () => {
  dir = await manifestsWithSteps(
    'toggle_feature_flag',
    await readFile('test/fixtures/harness/external-approval-steps.yaml', 'utf8'),
  );
  sim = await simulator({ manifestsDir: dir });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const waitingOn = (stepId: string) => (v: { steps: { id: string; approvalInstanceId?: string }[] }) =>
  v.steps.some((s) => s.id === stepId && s.approvalInstanceId !== undefined);

async function settleTicket(approvalId: string): Promise<void> {
  await fetch(`${sim.url}/_sim/approve-ticket`, {
    method: 'POST',
    body: JSON.stringify({ approvalId, action: 'APPROVE' }),
  });
}

describe('approval types', () => {
  it('Jira and ServiceNow approvals link their ticket and refuse decisions from the API; a listed service account approves', async () => {
    const bot = clientFor(sim);
    const { executionId } = await bot.runPipeline({
      scope: SCOPE,
      ...(await sampleRun('toggle_feature_flag')),
    });
    const jira = approvalIdOf(await waitFor(bot, executionId, waitingOn('jira_change')));
    const issue = await bot.getApproval(jira);
    expect(issue).toMatchObject({ type: 'JiraApproval', status: 'WAITING' });
    expect(issue.ticket?.key).toMatch(/^CHG-\d+$/);
    expect(issue.ticket?.url).toBe(`https://jira.example.com/browse/${issue.ticket?.key ?? ''}`);
    const refused = {
      status: 400,
      harnessMessage: `Invalid request: Invalid harness approval instance id: ${jira}`,
    };
    await expect(clientFor(sim, 'bob').decideApproval(jira, { action: 'APPROVE' })).rejects.toMatchObject(
      refused,
    );
    await expect(bot.approvalAuthorization(jira)).rejects.toMatchObject(refused);

    await settleTicket(jira);
    const snow = approvalIdOf(await waitFor(bot, executionId, waitingOn('snow_change')));
    expect(await bot.getApproval(snow)).toMatchObject({
      type: 'ServiceNowApproval',
      ticket: { key: expect.stringMatching(/^CHG00\d+$/) as string },
    });
    await settleTicket(snow);

    const gate = approvalIdOf(await waitFor(bot, executionId, waitingOn('bot_gate')));
    await expect(bot.approvalAuthorization(gate)).resolves.toEqual({ authorized: true, reason: '' });
    await expect(clientFor(sim, 'alice').approvalAuthorization(gate)).resolves.toEqual({
      authorized: false,
      reason: 'User not authorized to approve/reject',
    });
    const approved = await bot.decideApproval(gate, { action: 'APPROVE', comments: 'via Slack' });
    expect(approved.activities[0]?.user).toMatchObject({ name: 'idp-chatops bot' });
    expect((await waitFor(bot, executionId, () => false)).status).toBe('Success');
  });

  it('a service account not listed is refused in Harness’s words', async () => {
    const bot = clientFor(sim);
    const { executionId } = await bot.runPipeline({ scope: SCOPE, ...(await sampleRun('scale_service')) });
    const id = approvalIdOf(await waitFor(bot, executionId, (v) => v.status === 'ApprovalWaiting'));
    await expect(bot.decideApproval(id, { action: 'APPROVE' })).rejects.toMatchObject({
      status: 400,
      harnessMessage:
        'Invalid request: The service account configured in the request is not authorized to approve/reject',
    });
  });
});
