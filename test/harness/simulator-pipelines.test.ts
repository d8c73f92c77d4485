import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormValues } from '../../src/forms/json-schema.js';
import { createHarnessClient } from '../../src/harness/client.js';
import { HarnessRunError } from '../../src/ports/harness-errors.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { sampleRun } from '../helpers/catalogue.js';
import { approvalIdOf, clientFor, SCOPE, simulator, waitFor, waitingApproval } from '../helpers/harness.js';

let sim: HarnessSimulator;

beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

async function start(workflowId: string, overrides: FormValues = {}): Promise<string> {
  const run = await clientFor(sim).runPipeline({
    scope: SCOPE,
    ...(await sampleRun(workflowId, overrides)),
    notes: 'via Slack by @alice',
  });
  return run.executionId;
}

/** Who may approve each pipeline's gate in the seed. */
const APPROVER = {
  rollback_service: 'bob',
  scale_service: 'bob',
  restart_service: 'carol',
  rotate_token: 'dave',
  provision_infrastructure: 'carol',
} as const;

const EXPECTED_STEPS: Record<string, string[]> = {
  onboard_service: [
    'idpcookiecutter',
    'createrepo',
    'createcatalog',
    'directpush',
    'registercatalog',
    'createresource',
    'slacknotify',
  ],
  provision_infrastructure: [
    'jira_create',
    'init',
    'tfsec',
    'plan',
    'export_plan',
    'plan_policy',
    'approve_plan',
    'apply',
    'jira_update',
  ],
  toggle_feature_flag: ['flag_governance', 'enable_for_target', 'disable_for_target'],
  rotate_token: ['approve_rotation', 'rotate_token', 'update_secret'],
  rollback_service: ['approve_rollback', 'rolling_rollback'],
  scale_service: ['current_replicas', 'approve_scale', 'k8s_scale'],
  restart_service: ['approve_restart', 'rolling_restart'],
};

describe('each shipped pipeline runs to completion in the simulator, through the client', () => {
  it.each(Object.keys(EXPECTED_STEPS))('%s', async (id) => {
    const bot = clientFor(sim);
    const executionId = await start(id);
    let view = await waitFor(bot, executionId, waitingApproval);
    const approver = (APPROVER as Record<string, 'bob' | 'carol' | 'dave' | undefined>)[id];
    if (approver !== undefined) {
      expect(view).toMatchObject({ status: 'ApprovalWaiting', bucket: 'needs-human' });
      const decided = await clientFor(sim, approver).decideApproval(approvalIdOf(view), {
        action: 'APPROVE',
        comments: 'via Slack by @bob',
      });
      expect(decided.status).toBe('APPROVED');
    }
    view = await waitFor(bot, executionId, () => false);
    expect(view.status).toBe('Success');
    expect(view.steps.map((s) => s.id)).toEqual(EXPECTED_STEPS[id]);
    expect(view.steps.every((s) => s.status === 'Success' || s.status === 'Skipped')).toBe(true);
    expect(view.stages.every((s) => s.status === 'Success')).toBe(true);
  });

  it('applies when conditions on pipeline variables: only the chosen flag step runs', async () => {
    const bot = clientFor(sim);
    const view = await waitFor(bot, await start('toggle_feature_flag', { action: 'enable' }), () => false);
    expect(view.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'flag_governance:Success',
      'enable_for_target:Success',
      'disable_for_target:Skipped',
    ]);
  });

  it('gives onboarding steps their real outputs', async () => {
    const view = await waitFor(clientFor(sim), await start('onboard_service'), () => false);
    const out = Object.assign({}, ...view.steps.map((s) => s.outputs)) as Record<string, string>;
    expect(out).toMatchObject({
      repositoryUrl: 'https://github.com/acme-services/ledger-svc',
      catalogInfoUrl: 'https://github.com/acme-services/ledger-svc/blob/main/catalog-info.yaml',
      registeredCatalogUrl: expect.stringContaining('/module/idp/catalog/default/component/ledger-svc'),
    });
  });
});

describe('what steps report before an approval', () => {
  it('the IaCM plan gives its planned changes, the policy step its verdict, before the gate', async () => {
    const view = await waitFor(clientFor(sim), await start('provision_infrastructure'), waitingApproval);
    const plan = view.steps.find((s) => s.id === 'plan');
    // Strings under dotted keys, as Harness publishes them (read with ['plannedChanges.added']).
    expect(Object.keys(plan?.outputs ?? {})).toEqual(
      expect.arrayContaining(['plannedChanges.added', 'plannedChanges.changed', 'plannedChanges.deleted']),
    );
    expect(Number(plan?.outputs['plannedChanges.added'])).toBeGreaterThan(0);
    expect(view.steps.find((s) => s.id === 'plan_policy')?.outputs).toMatchObject({ status: 'pass' });
    expect(view.steps.at(-1)?.id).toBe('approve_plan');
  });

  it('the scale pipeline reads the current replicas, and the next run sees what the last one scaled to', async () => {
    const bot = clientFor(sim);
    const id = await start('scale_service', { workload: 'ledger/Deployment/ledger-svc', replicas: 7 });
    const waiting = await waitFor(bot, id, waitingApproval);
    expect(waiting.steps[0]?.outputs).toEqual({ current_replicas: '2' });
    await clientFor(sim, 'bob').decideApproval(approvalIdOf(waiting), { action: 'APPROVE', comments: 'ok' });
    expect((await waitFor(bot, id, () => false)).status).toBe('Success');
    const next = await start('scale_service', { workload: 'ledger/Deployment/ledger-svc', replicas: 1 });
    expect((await waitFor(bot, next, waitingApproval)).steps[0]?.outputs).toEqual({ current_replicas: '7' });
  });
});

describe('approvals follow Harness rules', () => {
  it('rejection ends the run ApprovalRejected, with who and why', async () => {
    const bot = clientFor(sim);
    const id = await start('scale_service');
    const waiting = await waitFor(bot, id, waitingApproval);
    const decided = await clientFor(sim, 'carol').decideApproval(approvalIdOf(waiting), {
      action: 'REJECT',
      comments: 'not during the freeze',
    });
    expect(decided).toMatchObject({
      status: 'REJECTED',
      activities: [
        { action: 'REJECT', comments: 'not during the freeze', user: { email: 'carol@example.com' } },
      ],
    });
    const view = await waitFor(bot, id, () => false);
    expect(view).toMatchObject({ status: 'ApprovalRejected', bucket: 'failed' });
    expect(view.steps[1]).toMatchObject({
      status: 'ApprovalRejected',
      failureMessage: 'Approval rejected by Carol SRE Lead: not during the freeze',
    });
    expect(view.steps.map((s) => s.id)).toEqual(['current_replicas', 'approve_scale']);
  });

  it('refuses people outside the approver groups, and the executor when the step says so', async () => {
    const bot = clientFor(sim);
    const id = await start('rollback_service');
    const approval = approvalIdOf(await waitFor(bot, id, waitingApproval));
    await expect(
      clientFor(sim, 'alice').decideApproval(approval, { action: 'APPROVE' }),
    ).rejects.toMatchObject({
      status: 400,
      harnessMessage: 'Invalid request: User not authorized to approve/reject',
    });
    // rollback_service sets disallowPipelineExecutor; the bot's key started the run.
    await expect(bot.decideApproval(approval, { action: 'APPROVE' })).rejects.toMatchObject({
      status: 400,
      harnessMessage: 'Invalid request: Pipeline executor is not allowed to approve/reject',
    });
    await clientFor(sim, 'bob').decideApproval(approval, { action: 'APPROVE' });
    await expect(
      clientFor(sim, 'carol').decideApproval(approval, { action: 'APPROVE' }),
    ).rejects.toMatchObject({ status: 400, harnessMessage: 'Approval instance is already approved' });
    expect((await waitFor(bot, id, () => false)).status).toBe('Success');
  });

  it('records approver inputs and the approver, readable through the client', async () => {
    const bot = clientFor(sim);
    const id = await start('rotate_token');
    const approval = approvalIdOf(await waitFor(bot, id, waitingApproval));
    const before = await bot.getApproval(approval);
    expect(before).toMatchObject({
      status: 'WAITING',
      userGroups: ['account.security_admins'],
      minimumCount: 1,
      disallowPipelineExecutor: true,
      approverInputs: [{ name: 'change_ticket', defaultValue: '' }],
    });
    expect(before.approvalMessage).toBe('Rotate token ci_token of service account ci_bot?');
    expect(before.deadline).toBeGreaterThan(Date.now() - 1000);
    await clientFor(sim, 'dave').decideApproval(approval, {
      action: 'APPROVE',
      comments: 'via Slack by @dave',
      approverInputs: [{ name: 'change_ticket', value: 'CHG-42' }],
    });
    expect((await bot.getApproval(approval)).activities).toEqual([
      {
        user: { uuid: 'u-dave', name: 'Dave Security', email: 'dave@example.com' },
        action: 'APPROVE',
        comments: 'via Slack by @dave',
        at: expect.any(Number),
        approverInputs: [{ name: 'change_ticket', value: 'CHG-42' }],
      },
    ]);
    expect(await bot.listExecutionApprovals(id, SCOPE)).toEqual([
      { id: approval, type: 'HarnessApproval', status: 'APPROVED' },
    ]);
  });

  it('expires a waiting approval: the instance is EXPIRED and the run Expired', async () => {
    const bot = clientFor(sim);
    const id = await start('restart_service');
    const approval = approvalIdOf(await waitFor(bot, id, waitingApproval));
    await fetch(`${sim.url}/_sim/expire`, { method: 'POST', body: JSON.stringify({ approvalId: approval }) });
    const view = await waitFor(bot, id, () => false);
    expect(view).toMatchObject({ status: 'Expired', bucket: 'failed' });
    expect((await bot.getApproval(approval)).status).toBe('EXPIRED');
    await expect(
      clientFor(sim, 'carol').decideApproval(approval, { action: 'APPROVE' }),
    ).rejects.toMatchObject({ harnessMessage: 'Harness approval instance has already expired' });
  });

  it('expires on the step timeout by itself', async () => {
    const fast = await simulator({ speed: 3_600_000 });
    try {
      const bot = clientFor(fast);
      const run = await bot.runPipeline({ scope: SCOPE, ...(await sampleRun('restart_service')) });
      const view = await waitFor(bot, run.executionId, () => false);
      expect(view.status).toBe('Expired');
      expect(view.steps[0]).toMatchObject({
        id: 'approve_restart',
        status: 'Expired',
        failureMessage: 'Approval timed out',
      });
    } finally {
      await fast.close();
    }
  });

  it('aborts a run waiting for approval', async () => {
    const bot = clientFor(sim);
    const id = await start('scale_service');
    const approval = approvalIdOf(await waitFor(bot, id, waitingApproval));
    await bot.abortExecution(id, SCOPE);
    const view = await waitFor(bot, id, () => false);
    expect(view).toMatchObject({ status: 'Aborted', bucket: 'failed' });
    expect((await bot.getApproval(approval)).status).toBe('ABORTED');
  });
});

describe('runs that go wrong', () => {
  it('aborts a run in the middle of a step', async () => {
    const slow = await simulator({ speed: 1 });
    try {
      const bot = clientFor(slow);
      const run = await bot.runPipeline({ scope: SCOPE, ...(await sampleRun('provision_infrastructure')) });
      await waitFor(bot, run.executionId, (v) => v.steps[0]?.status === 'Running');
      await bot.abortExecution(run.executionId, SCOPE);
      const view = await waitFor(bot, run.executionId, () => false);
      expect(view.status).toBe('Aborted');
      expect(view.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['jira_create:Aborted']);
    } finally {
      await slow.close();
    }
  });

  it('fails a step with its message, and stops there', async () => {
    const bot = clientFor(sim);
    sim.engine.failNextStep('rolling_rollback', 'Release history not found for payments-api');
    const id = await start('rollback_service');
    await clientFor(sim, 'bob').decideApproval(approvalIdOf(await waitFor(bot, id, waitingApproval)), {
      action: 'APPROVE',
    });
    const view = await waitFor(bot, id, () => false);
    expect(view).toMatchObject({
      status: 'Failed',
      bucket: 'failed',
      failureMessage: 'Release history not found for payments-api',
    });
    expect(view.steps.at(-1)).toMatchObject({
      id: 'rolling_rollback',
      status: 'Failed',
      failureMessage: 'Release history not found for payments-api',
    });
    expect(view.stages[0]).toMatchObject({
      status: 'Failed',
      failureMessage: 'Release history not found for payments-api',
    });
  });

  it.each([
    [
      'a variable the pipeline does not take',
      'pipeline:\n  identifier: scale_service\n  variables:\n    - {name: nope, type: String, value: x}\n',
      /Variable \[nope\] is not a runtime input of pipeline \[scale_service\]/,
    ],
    ['YAML that does not parse', 'pipeline: [\n', /Invalid yaml/],
    [
      'missing required inputs',
      '',
      /The following runtime inputs are required: pipeline\.variables\.service/,
    ],
    [
      'a value outside allowedValues',
      'pipeline:\n  identifier: toggle_feature_flag\n  variables:\n    - {name: action, type: String, value: explode}\n',
      /Value \[explode\] for variable \[action\] is not one of the allowed values \[enable, disable\]/,
    ],
  ])('refuses %s with a 400 and Harness-style message; nothing runs', async (_what, yaml, message) => {
    const before = sim.engine.executions.size;
    const pipelineId = yaml.includes('toggle_feature_flag') ? 'toggle_feature_flag' : 'scale_service';
    const err = await clientFor(sim)
      .runPipeline({ scope: SCOPE, pipelineId, runtimeInputYaml: yaml })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarnessRunError);
    expect(err).toMatchObject({
      mayHaveStarted: false,
      cause: { status: 400, harnessMessage: expect.stringMatching(message) },
    });
    expect(sim.engine.executions.size).toBe(before);
  });

  it('answers 404 for a pipeline that does not exist and 401 for an unknown key', async () => {
    await expect(
      clientFor(sim).runPipeline({ scope: SCOPE, pipelineId: 'nope', runtimeInputYaml: '' }),
    ).rejects.toMatchObject({ cause: { status: 404 } });
    const res = await fetch(`${sim.url}/ng/api/user/currentUser`, { headers: { 'x-api-key': 'wrong' } });
    expect(res.status).toBe(401);
  });
});

describe('faults on demand', () => {
  it('answers 429 beyond its rate limit, without Retry-After, and the client rides it out', async () => {
    const limited = await simulator({ speed: 1000 });
    try {
      limited.faults.rateLimitPerMinute = 2;
      const first = await fetch(`${limited.url}/ng/api/user/currentUser`, {
        headers: { 'x-api-key': 'sim-key-alice' },
      });
      await fetch(`${limited.url}/ng/api/user/currentUser`, { headers: { 'x-api-key': 'sim-key-alice' } });
      const third = await fetch(`${limited.url}/ng/api/user/currentUser`, {
        headers: { 'x-api-key': 'sim-key-alice' },
      });
      expect(first.status).toBe(200);
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBeNull();
      limited.faults.rateLimitPerMinute = undefined;
      limited.faults.failNext = 2;
      limited.faults.failStatus = 503;
      await expect(clientFor(limited, 'alice').currentUser()).resolves.toMatchObject({ uuid: 'u-alice' });
      limited.faults.garbageNext = 1;
      await expect(clientFor(limited, 'alice').currentUser()).resolves.toMatchObject({ uuid: 'u-alice' });
    } finally {
      await limited.close();
    }
  });

  it('lets an admin key given on the command line run and approve anything', async () => {
    const admin = await simulator({ apiKey: 'my-own-key' });
    try {
      const mine = createHarnessClient({
        baseUrl: admin.url,
        apiKey: 'my-own-key',
        accountId: 'idp_sandbox',
        retryBaseMs: 1,
        retryMaxMs: 2,
      });
      const run = await mine.runPipeline({ scope: SCOPE, ...(await sampleRun('scale_service')) });
      const approval = approvalIdOf(await waitFor(mine, run.executionId, waitingApproval));
      await expect(mine.decideApproval(approval, { action: 'APPROVE' })).resolves.toMatchObject({
        status: 'APPROVED',
      });
    } finally {
      await admin.close();
    }
  });
});
