import { afterEach, describe, expect, it } from 'vitest';
import { execution } from '../helpers/fake-ports.js';
import { runRig } from '../helpers/run-rig.js';
import { eventually } from '../helpers/stack.js';

type Rig = Awaited<ReturnType<typeof runRig>>;
let rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs) await r.close();
  rigs = [];
});

describe('card edits waiting their turn', () => {
  it('a progress edit waiting for Slack does not hold the run up: its end is seen, and the card shows it in one more edit', async () => {
    const r = await runRig();
    rigs.push(r);
    r.harness.views = [
      execution('Running', [['Toggle', 'Running']]),
      execution('Running', [
        ['Toggle', 'Success'],
        ['Notify', 'Running'],
      ]),
      execution('Success', [
        ['Toggle', 'Success'],
        ['Notify', 'Success'],
      ]),
    ];
    // The card's first edit (the run started, with its link) waits for Slack.
    const gate = r.slack.hold('updateMessage');
    const req = await r.request();
    const run = await r.runs.start(await r.claim(req), req);
    await gate.reached;
    // Meanwhile the tracker goes on looking: it reads the run to its end.
    await eventually(
      () => r.harness.reads,
      (n) => n >= 3,
    );
    expect((await r.store.runs.get(run.id))?.status).toBe('Success');
    // Not finished while the card does not show the end yet.
    expect((await r.store.runs.get(run.id))?.finishedAt).toBeUndefined();
    gate.release();
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    // The states seen meanwhile cost one edit, with the newest: the end.
    expect(r.slack.edits().map((c) => c.text)).toEqual([`${r.title}: Running`, `${r.title}: Succeeded`]);
  });
});
