import { describe, expect, it } from 'vitest';
import { HarnessApiError, HarnessRunError } from '../../src/ports/harness-errors.js';
import { execution, slackErrors } from '../helpers/fake-ports.js';
import { rigsClosedAfterEach } from '../helpers/run-rigs.js';
import type { Rig } from '../helpers/run-rigs.js';
import { eventually } from '../helpers/stack.js';

const rig = rigsClosedAfterEach();

/** A run a Workflow Builder step asked for (its execution id and token), started through the run service. */
async function stepRun(r: Rig) {
  const req = {
    ...(await r.request('function:Fx1')),
    step: { functionExecutionId: 'Fx1', token: 'xwfp-test-1' },
  };
  return r.runs.start(await r.claim(req), req);
}

describe('a Workflow Builder step ends with its run', () => {
  it('success: completed once with status, execution URL and the steps’ outputs, with the execution’s token', async () => {
    const r = await rig();
    const done = execution('Success', [['Toggle', 'Success']]);
    const [step] = done.steps;
    if (step !== undefined) step.outputs = { flagState: 'off' };
    r.harness.views = [done];
    const run = await stepRun(r);
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.slack.argsOf('completeStep')).toEqual([
      [
        'Fx1',
        'xwfp-test-1',
        {
          outputs: {
            status: 'Success',
            execution_url: expect.stringContaining('https://harness.example') as unknown,
            outputs: 'Toggle.flagState: off',
          },
        },
      ],
    ]);
    expect(await r.store.runs.stepToken(run.id)).toBeUndefined();
  });

  it('outputs leave redacted as on the approval card: secret names, credential shapes, Harness masks', async () => {
    const r = await rig();
    const done = execution('Success', [['Rotate', 'Success']]);
    const [step] = done.steps;
    if (step !== undefined)
      step.outputs = {
        db_password: 'hunter2-plain',
        newToken: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
        apiKeyRef: '*******',
        rotatedAt: '2026-11-28',
      };
    r.harness.views = [done];
    const run = await stepRun(r);
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    const [[, , outcome]] = r.slack.argsOf('completeStep') as [
      [string, string, { outputs: Record<string, string> }],
    ];
    const text = outcome.outputs['outputs'] ?? '';
    expect(text).toContain('Rotate.rotatedAt: 2026-11-28');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ghp_');
    expect(text.split('\n').filter((l) => l.endsWith(': ••••••'))).toHaveLength(3);
  });

  it('Slack not answering keeps the run open until the completion goes out', async () => {
    const r = await rig();
    r.harness.views = [execution('Failed', [['Toggle', 'Failed']])];
    r.slack.fail('completeStep', slackErrors.http(503), { times: 2 });
    const run = await stepRun(r);
    await r.slack.called('completeStep', 1);
    expect((await r.store.runs.get(run.id))?.finishedAt).toBeUndefined();
    const finished = await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.slack.argsOf('completeStep')).toHaveLength(3);
    expect(r.slack.completedSteps.get('Fx1')?.outcome).toEqual({
      error: `${r.title} ended Failed: Toggle: exit status 1`,
    });
    expect(finished?.stepCompletedAt).toBeDefined();
  });

  it('Slack refusing the completion for good ends it (audited), never holding the run open', async () => {
    const r = await rig();
    r.harness.views = [execution('Success', [['Toggle', 'Success']])];
    r.slack.fail('completeStep', slackErrors.platform('access_denied'));
    const run = await stepRun(r);
    const finished = await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.slack.argsOf('completeStep')).toHaveLength(1);
    expect(finished?.stepCompletedAt).toBeDefined();
    const gaveUp = (await r.store.audit.trail({ runId: run.id })).filter((e) => e.action === 'slack.gave_up');
    expect(gaveUp.map((e) => e.details.error)).toEqual(['access_denied']);
  });

  it('the execution’s token refused as expired: completed with the bot token instead, not given up', async () => {
    const r = await rig();
    r.harness.views = [execution('Success', [['Toggle', 'Success']])];
    r.slack.fail('completeStep', slackErrors.platform('token_expired'), { times: 1 });
    const run = await stepRun(r);
    const finished = await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.slack.argsOf('completeStep').map(([id, token]) => [id, token])).toEqual([
      ['Fx1', 'xwfp-test-1'],
      ['Fx1', undefined],
    ]);
    expect(r.slack.completedSteps.get('Fx1')).toMatchObject({
      token: undefined,
      outcome: { outputs: { status: 'Success' } },
    });
    expect(finished?.stepCompletedAt).toBeDefined();
    const audit = await r.store.audit.trail({ runId: run.id });
    expect(audit.filter((e) => e.action === 'slack.gave_up')).toEqual([]);
  });

  it('a run Harness refused fails its step with Harness’s reason', async () => {
    const r = await rig();
    r.harness.fail(
      'runPipeline',
      new HarnessRunError(
        false,
        new HarnessApiError('/pipeline/api/pipeline/execute/x', 400, 'Invalid runtime input', 'http'),
      ),
    );
    await stepRun(r);
    const outcome = r.slack.completedSteps.get('Fx1')?.outcome;
    expect(outcome).toMatchObject({ error: expect.stringContaining(`${r.title} did not start`) as unknown });
    expect(JSON.stringify(outcome)).toContain('Invalid runtime input');
  });

  it('a slash command’s run completes no step', async () => {
    const r = await rig();
    r.harness.views = [execution('Success', [['Toggle', 'Success']])];
    const req = await r.request();
    const run = await r.runs.start(await r.claim(req), req);
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.slack.argsOf('completeStep')).toEqual([]);
  });
});
