import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import { stepFunctions } from '../../src/catalogue/step-functions.js';
import { userContext, type EmulatedExecution } from '../../src/sandbox/slack/functions-api.js';
import { sampleValues, shippedCatalogue } from '../helpers/catalogue.js';
import type { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { crashRig } from '../helpers/crash-rig.js';
import type { CrashRig } from '../helpers/crash-rig.js';
import { eventually } from '../helpers/stack.js';
import type { TestDatabase } from '../helpers/test-database.js';

/**
 * A Workflow Builder step's completion is owed from the moment its run is recorded: the bot (a
 * real child process) is SIGKILLed while Slack holds its completion, before or after Slack acted
 * on it, and the next life on the same database completes the step, exactly once at Slack.
 */
let rig: CrashRig;
let slack: SlackEmulator;
let catalogue: Catalogue;
let database: TestDatabase;

beforeAll(async () => {
  catalogue = await shippedCatalogue();
  rig = await crashRig('idp-steps-crash-', { functions: stepFunctions(catalogue) });
  ({ slack, database } = rig);
  await rig.boot();
});
afterAll(() => rig.close());

const killInside = (arrived: Promise<unknown>): Promise<void> => rig.killInside(arrived);

async function runStep(workflowId: string, channel = 'C0OPS'): Promise<EmulatedExecution> {
  const { execution } = await slack.executeFunction(workflowId, {
    channel_id: channel,
    // "Person who used this workflow": Slack sets the user_context, the builder cannot.
    requester_id: userContext('U0ALICE'),
    ...(await sampleValues(workflowId)),
  });
  return execution;
}

const settled = (e: EmulatedExecution, n: number) =>
  eventually(
    () => e.completions.length,
    (c) => c >= n,
    30_000,
  );

describe('killed while completing a Workflow Builder step', () => {
  it('Slack never got it: the next life completes the step', { timeout: 60_000 }, async () => {
    const held = slack.holdNext('functions.completeSuccess', { ms: 60_000, when: 'before' });
    const e = await runStep('toggle_feature_flag');
    await killInside(held);
    await settled(e, 1);
    expect(e.state).toBe('completed');
    expect(e.outputs?.status).toBe('Success');
    // The first call was dropped before Slack acted on it (the caller hung up): one completion.
    expect(e.completions).toEqual([{ method: 'functions.completeSuccess', error: undefined }]);
  });

  it(
    'Slack took it but the answer was lost: the next life is told it is done, and stops',
    { timeout: 60_000 },
    async () => {
      const held = slack.holdNext('functions.completeSuccess', { ms: 60_000, when: 'after' });
      const e = await runStep('toggle_feature_flag');
      await killInside(held);
      await settled(e, 2);
      expect(e.state).toBe('completed');
      expect(e.completions).toEqual([
        { method: 'functions.completeSuccess', error: undefined },
        { method: 'functions.completeSuccess', error: 'execution_not_in_running_state' },
      ]);
    },
  );

  it(
    'a run that could not start: its failed step is completed by the next life',
    { timeout: 60_000 },
    async () => {
      // An archived channel takes no status card, so the run never starts and the step fails.
      slack.channel('C0OPS').archived = true;
      const held = slack.holdNext('functions.completeError', { ms: 60_000, when: 'before' });
      const e = await runStep('toggle_feature_flag');
      await killInside(held);
      await eventually(
        () => e.state,
        (s) => s !== 'running',
        30_000,
      );
      slack.channel('C0OPS').archived = false;
      expect(e.state).toBe('failed');
      expect(e.error).toContain('Toggle a feature flag did not start');
      const store = await database.open();
      try {
        await eventually(
          () => store.runs.stepsToComplete(),
          (owed) => owed.length === 0,
        );
      } finally {
        await store.close();
      }
    },
  );
});
