import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { submitWorkflow } from '../helpers/submit.js';

/**
 * Harness may start a run and the bot never hear of it (a dropped connection, a late answer, a
 * crash while starting). The bot finds the execution by the marker in its notes and follows it;
 * it never starts a second one, and says "did not start" only when none appears.
 */
let s: Stack | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const FLAG = 'toggle_feature_flag';
const card = (st: Stack, ts: string) => textOf(st.slack.channel('C0OPS').messages.find((m) => m.ts === ts));
const executionsOf = (st: Stack, pipelineId: string) =>
  [...st.sim.engine.executions.values()].filter((e) => e.pipeline.identifier === pipelineId);
const notes = (st: Stack, user: string) =>
  st.slack.ephemeralsFor(user).map((e) => `${e.text}\n${JSON.stringify(e.blocks)}`);

describe('a run whose answer was lost', () => {
  it('dropped answer: the card follows the real execution to its end, and only one exists', async () => {
    const st = (s = await startStack());
    st.sim.faults.dropRunAnswerNext = 1;
    const ts = await submitWorkflow(st, FLAG);
    await eventually(
      () => card(st, ts),
      (t) => t.includes('· Succeeded'),
    );
    const executions = executionsOf(st, FLAG);
    expect(executions).toHaveLength(1);
    const run = (await st.bot.deps.store.runs.recent('U0ALICE', 1))[0];
    expect(run?.executionId).toBe(executions[0]?.id);
    expect(card(st, ts)).toContain(`/executions/${executions[0]?.id ?? ''}/pipeline`);
    expect(executions[0]?.notes).toContain(`idp-chatops run ${run?.id ?? ''}`);
    expect(card(st, ts)).not.toContain('looking for this run');
  });

  it('late answer (a Git-stored pipeline fetched first): the run is found, not reported lost', async () => {
    const st = (s = await startStack({ executeTimeoutMs: 200 }));
    st.sim.faults.runAnswerDelayMs = 600;
    const ts = await submitWorkflow(st, FLAG);
    await eventually(
      () => card(st, ts),
      (t) => t.includes('· Succeeded'),
    );
    expect(executionsOf(st, FLAG)).toHaveLength(1);
    expect(notes(st, 'U0ALICE').join('\n')).not.toContain('did not start');
  });

  it('Harness never started it: the card says so after the bound, and nothing was started', async () => {
    const st = (s = await startStack({ finder: { boundMs: 300, intervalMs: 50 } }));
    // A 502 from the gateway: the request may have reached Harness, but here it did not.
    Object.assign(st.sim.faults, { failRunNext: 1, failStatus: 502 });
    const ts = await submitWorkflow(st, FLAG);
    await eventually(
      () => card(st, ts),
      (t) => t.includes('did not start'),
    );
    expect(card(st, ts)).toContain('No execution of this run appeared in Harness within 1 second');
    expect(executionsOf(st, FLAG)).toHaveLength(0);
    await eventually(
      () => notes(st, 'U0ALICE').join('\n'),
      (t) => t.includes('did not start'),
    );
  });
});

describe('a crash while a run starts (issue 14, item 3)', () => {
  it('the restarted bot finds the run Harness started, follows it, and tells the requester', async () => {
    const st = (s = await startStack());
    // Harness takes a while to start the run: the bot dies with the request in flight.
    st.sim.faults.runStartDelayMs = 400;
    const ts = await submitWorkflow(st, FLAG);
    await eventually(
      () => card(st, ts),
      (t) => t.includes('Starting'),
    );
    await st.crashAndRestartBot();
    await eventually(
      () => executionsOf(st, FLAG).length,
      (n) => n === 1,
    );
    await eventually(
      () => card(st, ts),
      (t) => t.includes('· Succeeded'),
    );
    expect(executionsOf(st, FLAG)).toHaveLength(1);
    expect((await st.bot.deps.store.runs.recent('U0ALICE', 1))[0]?.executionId).toBe(
      executionsOf(st, FLAG)[0]?.id,
    );
    await eventually(
      () => notes(st, 'U0ALICE').join('\n'),
      (t) => t.includes('The bot restarted while starting your run of'),
    );
  });
});
