import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userContext, type EmulatedExecution } from '../../src/sandbox/slack/functions-api.js';
import { sampleValues } from '../helpers/catalogue.js';
import { BOT_TOKEN, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

/**
 * Workflow Builder runs IDP workflows as custom steps: the emulator sends `function_executed` as
 * Slack does and answers functions.completeSuccess / completeError with Slack's checks; the real
 * bot (HTTP or Socket Mode, per vitest project) runs them as it runs slash commands.
 */
let s: Stack;
beforeAll(async () => {
  s = await startStack({
    // Approvals expire after 36 s (1 h at this speed): time enough for a restart under load.
    speed: 100,
    // Carol's key approves (she is in every approver group of the seed).
    approverKey: 'sim-key-carol',
    // Only Bob may rotate tokens.
    access: { rotate_token: { users: ['U0BOB'] } },
  });
});
afterAll(async () => {
  await s.stop();
});

const topLevel = () => s.slack.channel('C0OPS').messages.filter((m) => m.threadTs === undefined);
const executionsOf = (pipelineId: string) =>
  [...s.sim.engine.executions.values()].filter((e) => e.pipeline.identifier === pipelineId);

/**
 * Workflow Builder runs the step with the sample answers (and `extra`) in #ops, started by
 * `requester` (Alice): Slack passes them as the requester's user_context.
 */
async function runStep(
  workflowId: string,
  extra: Record<string, unknown> = {},
  requester = 'U0ALICE',
): Promise<{ execution: EmulatedExecution; cardTs: string | undefined }> {
  const before = new Set(topLevel().map((m) => m.ts));
  const { execution } = await s.slack.executeFunction(workflowId, {
    channel_id: 'C0OPS',
    requester_id: userContext(requester),
    ...(await sampleValues(workflowId)),
    ...extra,
  });
  const card = await eventually(
    () => topLevel().find((m) => !before.has(m.ts)) ?? (execution.state === 'running' ? undefined : 'none'),
    (m) => m !== undefined,
  );
  return { execution, cardTs: typeof card === 'object' ? card.ts : undefined };
}

const ended = (e: EmulatedExecution) =>
  eventually(
    () => e.state,
    (state) => state !== 'running',
    20_000,
  );

describe('IDP workflows as Workflow Builder steps', () => {
  it('a step runs the pipeline once, with its card in the channel, and completes with the outputs', async () => {
    const runsBefore = executionsOf('toggle_feature_flag').length;
    const { execution, cardTs } = await runStep('toggle_feature_flag');
    expect(textOf(topLevel().find((m) => m.ts === cardTs))).toContain('Toggle a feature flag');
    // Slack retries an event it thinks was not handled: the same execution runs nothing twice.
    await s.slack.event(s.slack.functions.event(execution));
    expect(await ended(execution)).toBe('completed');
    expect(execution.outputs?.status).toBe('Success');
    const harnessRun = executionsOf('toggle_feature_flag').at(-1);
    expect(execution.outputs?.execution_url).toContain(harnessRun?.id ?? 'no execution');
    expect(executionsOf('toggle_feature_flag')).toHaveLength(runsBefore + 1);
    expect(execution.completions).toEqual([{ method: 'functions.completeSuccess', error: undefined }]);
    // The card and its thread follow the run as for a slash command.
    await eventually(
      () => textOf(topLevel().find((m) => m.ts === cardTs)),
      (t) => t.includes('Succeeded'),
    );
    const run = (await s.bot.deps.store.runs.recent('U0ALICE', 20)).find((r) => r.cardTs === cardTs);
    expect(run?.functionExecutionId).toBe(execution.id);
    // Once completed, the execution's token is no longer kept.
    await eventually(
      () => s.bot.deps.store.runs.stepToken(run?.id ?? ''),
      (token) => token === undefined,
    );
  });

  it('refuses inputs the workflow’s schema refuses, naming the field and why, and runs nothing', async () => {
    const runsBefore = executionsOf('scale_service').length;
    const { execution, cardTs } = await runStep('scale_service', { replicas: 51 });
    expect(await ended(execution)).toBe('failed');
    expect(execution.error).toBe(
      'Scale a service was not run: Target Replicas (replicas): Target Replicas must be between 0 and 50',
    );
    expect(cardTs).toBeUndefined();
    expect(executionsOf('scale_service')).toHaveLength(runsBefore);
  });

  it('refuses a person the binding’s access rules leave out', async () => {
    const { execution } = await runStep('rotate_token');
    expect(await ended(execution)).toBe('failed');
    expect(execution.error).toContain('Rotate');
    expect(execution.error).toContain('was not run');
    const denied = (await s.bot.deps.store.audit.trail()).filter((e) => e.action === 'run.denied');
    expect(denied.at(-1)).toMatchObject({ actor: 'U0ALICE', workflowId: 'rotate_token' });
  });

  it('refuses a requester set by hand (a plain user id, not Slack’s user_context) and runs nothing', async () => {
    // Alice builds a workflow naming Bob (the only one rotate_token allows) as its requester: a
    // user_id value the builder types in. Workflow Builder cannot produce that for a user_context
    // input, so the event is forged from a real execution of the step.
    const runsBefore = executionsOf('rotate_token').length;
    const cardsBefore = topLevel().length;
    const e = s.slack.functions.start('rotate_token', {
      channel_id: 'C0OPS',
      requester_id: userContext('U0ALICE'),
      ...(await sampleValues('rotate_token')),
    });
    await s.slack.event({ ...s.slack.functions.event(e), inputs: { ...e.inputs, requester_id: 'U0BOB' } });
    expect(await ended(e)).toBe('failed');
    expect(e.error).toBe(
      'Rotate a token was not run: Slack did not say who ran the workflow (requester_id must be the ' +
        'person who used this workflow, not a person the workflow names)',
    );
    expect(e.completions).toEqual([{ method: 'functions.completeError', error: undefined }]);
    expect(executionsOf('rotate_token')).toHaveLength(runsBefore);
    expect(topLevel()).toHaveLength(cardsBefore);
    expect(
      (await s.bot.deps.store.runs.recent('U0BOB', 50)).some((r) => r.functionExecutionId === e.id),
    ).toBe(false);
  });

  it('a pipeline that fails fails the step with the failed step and its message', async () => {
    s.sim.engine.failNextStep('flag_governance', 'policy forbids disabling in Production');
    const { execution } = await runStep('toggle_feature_flag');
    expect(await ended(execution)).toBe('failed');
    expect(execution.error).toContain('Toggle a feature flag ended Failed');
    expect(execution.error).toContain('policy forbids disabling in Production');
  });

  it('approvals are buttons in the thread; a rejection fails the step with the reason', async () => {
    const { execution, cardTs } = await runStep('restart_service');
    const approval = await approvalCard(cardTs ?? '');
    await s.slack.clickMessageButton('C0OPS', approval, 'U0CAROL', 'idp_approval_reject');
    const [modal] = await eventually(
      () => s.slack.openViews('U0CAROL'),
      (v) => v.length === 1,
    );
    await s.slack.submitView(modal?.id ?? '', 'U0CAROL', { approval_reason: 'not during the incident' });
    expect(await ended(execution)).toBe('failed');
    expect(execution.error).toContain('ApprovalRejected');
    expect(execution.error).toContain('not during the incident');
  });

  it('a run survives a crash mid-run: the next life completes the step with the token it kept', async () => {
    const { execution, cardTs } = await runStep('scale_service');
    await approvalCard(cardTs ?? '');
    await s.crashAndRestartBot();
    const approval = await approvalCard(cardTs ?? '');
    await s.slack.clickMessageButton('C0OPS', approval, 'U0BOB', 'idp_approval_approve');
    await ended(execution);
    expect(execution.error).toBeUndefined();
    expect(execution.state).toBe('completed');
    expect(execution.outputs?.status).toBe('Success');
    expect(execution.completions).toEqual([{ method: 'functions.completeSuccess', error: undefined }]);
  });

  it('a run that outlives the execution’s token (a long approval wait) still completes with the outputs', async () => {
    // Slack's 15 minutes (bolt-python#1075), as 1 s here.
    s.slack.functions.tokenTtlMs = 1000;
    try {
      const { execution, cardTs } = await runStep('scale_service');
      const approval = await approvalCard(cardTs ?? '');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await s.slack.clickMessageButton('C0OPS', approval, 'U0BOB', 'idp_approval_approve');
      expect(await ended(execution)).toBe('completed');
      expect(execution.outputs?.status).toBe('Success');
      const harnessRun = executionsOf('scale_service').at(-1);
      expect(execution.outputs?.execution_url).toContain(harnessRun?.id ?? 'no execution');
      expect(execution.completions).toEqual([
        { method: 'functions.completeSuccess', error: 'token_expired' },
        { method: 'functions.completeSuccess', error: undefined },
      ]);
      const gaveUp = (await s.bot.deps.store.audit.trail()).filter(
        (e) => e.action === 'slack.gave_up' && e.details.functionExecution === execution.id,
      );
      expect(gaveUp).toEqual([]);
    } finally {
      s.slack.functions.tokenTtlMs = 15 * 60_000;
    }
  });
});

describe('the emulator’s functions.* as Slack answers them', () => {
  it('runs a step only with inputs of the declared types, the requester as a user_context', () => {
    const inputs = {
      channel_id: 'C0OPS',
      requester_id: userContext('U0ALICE'),
      ...{ service: 'payments_api', environment: 'prod', infrastructure: 'k8s_prod_eu' },
      workload: 'payments/Deployment/payments-api',
      replicas: 6,
    };
    expect(s.slack.functions.start('scale_service', inputs).state).toBe('running');
    const refused = (changed: Record<string, unknown>) => () =>
      s.slack.functions.start('scale_service', { ...inputs, ...changed });
    expect(refused({ requester_id: 'U0BOB' })).toThrow(
      'input requester_id is not of type slack#/types/user_context',
    );
    expect(refused({ requester_id: { id: 'U0BOB' } })).toThrow('requester_id');
    expect(refused({ replicas: 2.5 })).toThrow('input replicas is not of type integer');
    expect(refused({ replicas: '6' })).toThrow('input replicas is not of type integer');
    expect(refused({ channel_id: 'ops' })).toThrow('input channel_id is not of type slack#/types/channel_id');
    expect(refused({ requester_id: undefined })).toThrow('input requester_id is required');
    expect(refused({ not_an_input: 'x' })).toThrow('no input not_an_input');
  });

  const toggleInputs = () => ({
    channel_id: 'C0OPS',
    requester_id: userContext('U0ALICE'),
    flag_name: 'x',
    target_key: 'y',
    action: 'enable',
    environment: 'Production',
  });

  it('the execution’s own token or the app’s bot token completes it, once; another execution’s token does not', async () => {
    const e = s.slack.functions.start('toggle_feature_flag', toggleInputs());
    const other = s.slack.functions.start('toggle_feature_flag', toggleInputs());
    const call = (method: string, token: string, args: Record<string, unknown>) =>
      fetch(`${s.slack.apiUrl}${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(args),
      }).then((r) => r.json() as Promise<{ ok: boolean; error?: string }>);
    const outputs = { status: 'Success', execution_url: 'https://app.harness.io/x' };
    expect(
      await call('functions.completeSuccess', other.token, { function_execution_id: e.id, outputs }),
    ).toEqual({
      ok: false,
      error: 'access_denied',
    });
    expect(
      await call('functions.completeSuccess', e.token, { function_execution_id: 'Fx404', outputs }),
    ).toEqual({
      ok: false,
      error: 'function_execution_not_found',
    });
    expect(
      await call('functions.completeSuccess', e.token, {
        function_execution_id: e.id,
        outputs: { status: 'x' },
      }),
    ).toMatchObject({ ok: false, error: 'parameter_validation_failed' });
    expect(await call('chat.postMessage', e.token, { channel: 'C0OPS', text: 'hi' })).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect(
      await call('functions.completeSuccess', e.token, { function_execution_id: e.id, outputs }),
    ).toEqual({
      ok: true,
    });
    expect(
      await call('functions.completeError', e.token, { function_execution_id: e.id, error: 'late' }),
    ).toEqual({
      ok: false,
      error: 'execution_not_in_running_state',
    });
    // "Bot tokens: No scope required" (https://api.slack.com/methods/functions.completeSuccess).
    expect(
      await call('functions.completeError', BOT_TOKEN, { function_execution_id: other.id, error: 'stopped' }),
    ).toEqual({ ok: true });
    expect(other.state).toBe('failed');
  });

  it('an execution’s token expires after its time (15 minutes at Slack): token_expired', async () => {
    s.slack.functions.tokenTtlMs = 0;
    try {
      const e = s.slack.functions.start('toggle_feature_flag', toggleInputs());
      const r = await fetch(`${s.slack.apiUrl}functions.completeError`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ function_execution_id: e.id, error: 'late' }),
      }).then((x) => x.json() as Promise<{ ok: boolean; error?: string }>);
      expect(r).toEqual({ ok: false, error: 'token_expired' });
      expect(e.state).toBe('running');
    } finally {
      s.slack.functions.tokenTtlMs = 15 * 60_000;
    }
  });
});

/** The approval card of a run's thread, once the bot recorded it (a person reads it before clicking). */
async function approvalCard(cardTs: string): Promise<string> {
  const card = await eventually(
    () => s.slack.replies('C0OPS', cardTs).find((m) => textOf(m).includes('Approval needed')),
    (m) => m !== undefined,
  );
  await eventually(
    async () => {
      const run = (await s.bot.deps.store.runs.open()).find((r) => r.cardTs === cardTs);
      return run === undefined ? [] : await s.bot.deps.store.approvalCards.forRun(run.id);
    },
    (cards) => cards.some((c) => c.ts === card?.ts),
  );
  return card?.ts ?? '';
}
