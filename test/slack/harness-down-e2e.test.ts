import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValues } from '../helpers/catalogue.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import type { Answer } from '../../src/sandbox/slack/form-state.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';

const SCALE = SCALE_ANSWERS;

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

async function submit(user: string, command: string, answers: Record<string, Answer>): Promise<void> {
  const before = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command, user, channel: 'C0OPS' });
  const [view] = await eventually(
    () => s.slack.openViews(user).filter((v) => !before.has(v.id)),
    (v) => v.length === 1,
  );
  await s.slack.submitView(view?.id ?? '', user, answers);
}

const submitScale = (user: string): Promise<void> => submit(user, '/scale', SCALE);

/** Submitting /scale looks its pickers up in Harness first: faults aim at the run itself. */
const RUN_PATH = '/pipeline/api/pipeline/execute';

describe('Harness failing when the run is submitted', () => {
  it('a refusal from Harness: the requester hears why, privately; the card says it did not start', async () => {
    s.sim.faults.failNext = 1;
    s.sim.faults.failStatus = 400;
    s.sim.faults.failPath = RUN_PATH;
    const before = s.slack.messages('C0OPS').length;
    await submitScale('U0ALICE');
    const [note] = await eventually(
      () => s.slack.ephemeralsFor('U0ALICE'),
      (e) => e.length === 1,
    );
    expect(
      textOf({
        ts: '',
        threadTs: undefined,
        user: '',
        text: note?.text ?? '',
        blocks: note?.blocks ?? [],
        history: [],
      }),
    ).toContain(':x: *Scale a service* did not start.');
    const cardTs = s.slack.messages('C0OPS')[before]?.ts ?? '';
    const card = await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === cardTs)),
      (t) => t.includes('Could not start'),
    );
    expect(card).toContain('Harness answered HTTP 400');
    const run = (await s.bot.deps.store.audit.trail()).filter((e) => e.action === 'run.not_started').at(-1);
    expect(run?.details).toMatchObject({ mayHaveStarted: false });
    expect(await s.bot.deps.store.runs.open()).toEqual([]);
  });

  it('an answer lost on the way back: the bot looks for the run, finds none, and says it did not start; nothing is retried', async () => {
    s.slack.ws.ephemerals.length = 0;
    const runsBefore = s.sim.engine.executions.size;
    s.sim.faults.failRunNext = 1;
    s.sim.faults.failStatus = 503;
    s.sim.faults.failPath = RUN_PATH;
    await submitScale('U0BOB');
    const [note] = await eventually(
      () => s.slack.ephemeralsFor('U0BOB'),
      (e) => e.length === 1,
    );
    expect(JSON.stringify(note?.blocks)).toContain('did not start');
    expect(JSON.stringify(note?.blocks)).toContain('No execution of this run appeared in Harness');
    // The simulator refused before running anything, and the bot did not send the run again.
    expect(s.sim.engine.executions.size).toBe(runsBefore);
  });

  it('Harness going away while a run is followed: the card says so instead of freezing silently', async () => {
    s.sim.faults.failPath = undefined;
    const before = s.slack.messages('C0OPS').length;
    await submitScale('U0DAVE');
    const ts =
      (
        await eventually(
          () => s.slack.messages('C0OPS'),
          (m) => m.length > before,
        )
      ).at(-1)?.ts ?? '';
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === ts)),
      (t) => t.includes('Waiting for approval'),
    );
    s.sim.faults.failNext = 1000;
    s.sim.faults.failStatus = 503;
    const card = await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === ts)),
      (t) => t.includes('Harness is not answering'),
      20_000,
    );
    expect(card).toContain('this card will catch up when it does');
    s.sim.faults.failNext = 0;
  });

  it('Harness unreachable: did not start, and the run is not left open', async () => {
    s.slack.ws.ephemerals.length = 0;
    await s.sim.close();
    // A form with no picker: nothing is looked up in Harness before the run is sent.
    const flag = s.catalogue.workflows.get('toggle_feature_flag');
    if (flag === undefined) throw new Error('toggle_feature_flag');
    await submit('U0CAROL', '/flag', answersFor(flag, 0, await sampleValues('toggle_feature_flag')));
    const [note] = await eventually(
      () => s.slack.ephemeralsFor('U0CAROL'),
      (e) => e.length === 1,
      15_000,
    );
    expect(JSON.stringify(note?.blocks)).toContain('did not start');
    expect(JSON.stringify(note?.blocks)).toContain('could not be reached');
    expect((await s.bot.deps.store.runs.open()).filter((r) => r.requesterId === 'U0CAROL')).toEqual([]);
  });
});
