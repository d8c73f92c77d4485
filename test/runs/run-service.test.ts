import { describe, expect, it } from 'vitest';
import { buildLookingForRunNote } from '../../blocks/build-run-messages.js';
import { HarnessApiError, HarnessRunError } from '../../src/ports/harness-errors.js';
import { runNotes } from '../../src/runs/run-finder.js';
import { RUN_STATES } from '../../src/runs/run-status.js';
import { execution, holdAnswer, slackErrors } from '../helpers/fake-ports.js';
import { rigsClosedAfterEach } from '../helpers/run-rigs.js';
import type { Rig } from '../helpers/run-rigs.js';
import { eventually } from '../helpers/stack.js';

const rig = rigsClosedAfterEach();

/** The Harness calls the run core made, in order. */
const methods = (r: Rig) => r.harness.calls.map((c) => c.method);

const executeCall = '/pipeline/api/pipeline/execute/toggle_feature_flag';
const refused = () =>
  new HarnessRunError(false, new HarnessApiError(executeCall, 400, 'Invalid runtime input', 'http'));
const lost = () =>
  new HarnessRunError(true, new HarnessApiError(executeCall, undefined, undefined, 'timeout'));

describe('the run service, driven through its ports', () => {
  it('a submission is taken once: a replay of it does nothing and emits nothing', async () => {
    const r = await rig();
    const req = await r.request();
    expect(await r.runs.claim(req)).toBeDefined();
    expect(await r.runs.claim(req)).toBeUndefined();
    expect(r.names()).toEqual(['run.requested']);
    const requested = r.seen[0];
    expect(requested?.name === 'run.requested' && requested.event.run.bucket).toBe('starting');
  });

  it('Harness refuses the run: not started, said on the card and to the requester, never followed', async () => {
    const r = await rig();
    r.harness.fail('runPipeline', refused());
    const req = await r.request();
    const claimed = await r.claim(req);
    const run = await r.runs.start(claimed, req);
    expect(run).toMatchObject({ ...RUN_STATES.notStarted, executionId: undefined });
    expect(run.finishedAt).toBe(r.clock.now());
    expect(r.names()).toEqual(['run.requested', 'run.not_started']);
    const ended = r.seen.at(-1);
    expect(ended?.name === 'run.not_started' && [ended.event.mayHaveStarted, ended.event.cardError]).toEqual([
      false,
      undefined,
    ]);
    await r.updater.drain();
    expect(r.slack.edits().at(-1)?.text).toBe(`${r.title}: Could not start`);
    const notes = r.slack.ephemerals;
    expect(notes.map((c) => [c.channel, c.user])).toEqual([['C0OPS', 'U0ALICE']]);
    expect(JSON.stringify(notes[0]?.content.blocks)).toContain('Invalid runtime input');
    const trail = await r.store.audit.trail({ runId: run.id });
    expect(trail.map((e) => [e.action, e.details.mayHaveStarted])).toEqual([
      ['run.requested', undefined],
      ['run.not_started', false],
    ]);
    expect(methods(r)).toEqual(['runPipeline']);
    expect(r.tracker.tracking).toBe(0);
  });

  it('the card cannot be posted (channel archived): Harness is never asked, the requester hears by DM', async () => {
    const r = await rig();
    r.slack.fail('postMessage', slackErrors.platform('is_archived'), { when: (args) => args[0] === 'C0OPS' });
    const req = await r.request();
    const claimed = await r.claim(req);
    const run = await r.runs.start(claimed, req);
    expect(run).toMatchObject({ ...RUN_STATES.notStarted, cardTs: undefined });
    expect(methods(r)).toEqual([]);
    const ended = r.seen.at(-1);
    expect(ended?.name === 'run.not_started' && ended.event.cardError).toBe('is_archived');
    const dm = r.slack.in('U0ALICE');
    expect(dm).toHaveLength(1);
    expect(dm[0]?.content.text).toContain('the channel is archived');
    const trail = await r.store.audit.trail({ runId: run.id });
    expect(trail.at(-1)?.details).toEqual({ reason: 'status card: is_archived', mayHaveStarted: false });
  });

  it('the answer is lost but Harness started it: the run is found by its marker, never started twice, and followed', async () => {
    const r = await rig();
    // Harness took the run (it keeps the notes with the marker), but its answer never came.
    r.harness.nextExecutionId = 'ex9';
    const answer = holdAnswer(r.harness, 'runPipeline');
    r.harness.views = [execution('Success', [['Toggle', 'Success']])];
    const req = await r.request();
    const claimed = await r.claim(req);
    const starting = r.runs.start(claimed, req);
    await answer.reached;
    answer.fail(lost());
    const run = await starting;
    expect(run).toMatchObject({ ...RUN_STATES.started, executionId: 'ex9', error: undefined });
    expect(r.harness.argsOf('runPipeline')).toHaveLength(1);
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.names()).toEqual([
      'run.requested',
      'run.start_unconfirmed',
      'run.started',
      'run.step_changed',
      'run.finished',
    ]);
    const begun = r.seen.find((s) => s.name === 'run.started');
    expect(begun?.name === 'run.started' && [begun.event.executionId, begun.event.afterRestart]).toEqual([
      'ex9',
      false,
    ]);
    expect(r.slack.ephemerals).toEqual([]);
  });

  it('the answer is lost and the run never appears: after the bound, not started, and nothing was started again', async () => {
    const r = await rig();
    r.harness.fail('runPipeline', lost());
    const req = await r.request();
    const claimed = await r.claim(req);
    const run = await r.runs.start(claimed, req);
    expect(run).toMatchObject({ ...RUN_STATES.notStarted, executionId: undefined });
    expect(r.harness.argsOf('runPipeline')).toHaveLength(1);
    expect(r.harness.argsOf('recentExecutions').length).toBeGreaterThan(1);
    expect(r.names()).toEqual(['run.requested', 'run.start_unconfirmed', 'run.not_started']);
    await r.updater.drain();
    // The card said it was looking before it said the run did not start.
    const edits = r.slack.edits().map((c) => JSON.stringify(c.blocks));
    const looking = edits.findIndex((b) => b.includes(buildLookingForRunNote()));
    expect(looking).toBeGreaterThanOrEqual(0);
    expect(looking).toBeLessThan(edits.length - 1);
    expect(edits.at(-1)).not.toContain(buildLookingForRunNote());
  });

  it('a restart while starting: the run found by its marker is followed and its requester told', async () => {
    const r = await rig();
    const req = await r.request();
    const claimed = await r.claim(req);
    // The bot died before Harness answered; Harness had started it.
    r.harness.executions.push({ executionId: 'ex7', notes: runNotes('alice', 'U0ALICE', claimed.id) });
    r.harness.views = [execution('Running', [['Toggle', 'Running']])];
    const repairs = await r.runs.repairStarting();
    expect(repairs).toHaveLength(1);
    const run = await repairs[0];
    expect(run).toMatchObject({ ...RUN_STATES.started, executionId: 'ex7' });
    const begun = r.seen.find((s) => s.name === 'run.started');
    expect(begun?.name === 'run.started' && begun.event.afterRestart).toBe(true);
    expect(r.slack.ephemerals.map((c) => c.content.text)).toEqual([
      expect.stringContaining('Harness did start it'),
    ]);
    expect(methods(r)).not.toContain('runPipeline');
    expect(r.tracker.tracking).toBe(1);
  });
});
