import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../src/harness-model/types.js';
import type { SlackMessageContent } from '../../src/ports/slack.js';
import { execution, waitingApproval } from '../helpers/fake-ports.js';
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

  it('an approval card’s edit waiting for Slack does not hold the run up; the run is finished once the card shows how it ended', async () => {
    const r = await runRig();
    rigs.push(r);
    r.harness.approvals.set('ap1', waitingApproval({ id: 'ap1' }));
    const waiting: ExecutionView = execution('ApprovalWaiting', [['Approve', 'ApprovalWaiting']]);
    const step = waiting.steps[0];
    if (step === undefined) throw new Error('no step');
    step.approvalInstanceId = 'ap1';
    const done = execution('Success', [
      ['Approve', 'Approved'],
      ['Toggle', 'Success'],
    ]);
    r.harness.views = [waiting];
    const req = await r.request();
    const run = await r.runs.start(await r.claim(req), req);
    const approvalTs = await eventually(
      async () => (await r.store.approvalCards.get('ap1'))?.ts,
      (ts) => ts !== undefined,
    );
    // Approved in Harness; the approval card's edit (its end) waits for Slack.
    const gate = r.slack.hold('updateMessage', { when: (a) => a[1] === approvalTs });
    r.harness.approvals.set('ap1', waitingApproval({ id: 'ap1', status: 'APPROVED' }));
    r.harness.views = [done];
    await gate.reached;
    // The tracker looked on meanwhile and saw the run's end; it is not finished before the card is.
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.status === 'Success',
    );
    expect((await r.store.runs.get(run.id))?.finishedAt).toBeUndefined();
    gate.release();
    await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.slack.message('C0OPS', run.cardTs ?? '')?.content.text).toBe(`${r.title}: Succeeded`);
    const card = r.slack.message('C0OPS', approvalTs ?? '')?.content as SlackMessageContent;
    expect(JSON.stringify(card.blocks)).not.toContain('"type":"button"');
  });
});
