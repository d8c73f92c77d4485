import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION_ID } from '../../blocks/ids.js';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import type { EmulatedMessage } from '../../src/sandbox/slack/state.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { submitThrough } from '../helpers/submit.js';
import type { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { crashRig } from '../helpers/crash-rig.js';
import type { CrashRig } from '../helpers/crash-rig.js';
import { eventually } from '../helpers/stack.js';
import type { TestDatabase } from '../helpers/test-database.js';

/**
 * The bot as a real child process, SIGKILLed inside each crash window (widened by an answer the
 * emulator or the simulator holds back), then started again on the same database.
 */
let rig: CrashRig;
let sim: HarnessSimulator;
let slack: SlackEmulator;
let catalogue: Catalogue;
/** SQLite, or a PostgreSQL schema of its own in the `pg` project. */
let database: TestDatabase;

beforeAll(async () => {
  rig = await crashRig('idp-crash-', { env: { HARNESS_APPROVER_API_KEY: 'sim-key-carol' } });
  ({ sim, slack, database } = rig);
  catalogue = await shippedCatalogue();
});
afterAll(() => rig.close());

const boot = (): Promise<void> => rig.boot();
/** Kills the bot once `arrived` (a held request) says it is inside the window, and starts it again. */
const killInside = (arrived: Promise<unknown>, extra: Record<string, string> = {}): Promise<void> =>
  rig.killInside(arrived, extra);

/** A person runs a workflow from Slack with its sample answers; returns the status card's ts. */
const runFromSlack = (workflowId: string): Promise<string> => submitThrough(slack, catalogue, workflowId);

const card = (ts: string): EmulatedMessage | undefined =>
  slack.channel('C0OPS').messages.find((m) => m.ts === ts);
const thread = (ts: string) => slack.replies('C0OPS', ts);
const finishedPosts = (ts: string, title: string) =>
  thread(ts).filter((m) => m.text === `${title}: Succeeded`);
const approvalCards = (ts: string) => thread(ts).filter((m) => m.broadcast === true);
const executionsOf = (pipelineId: string) =>
  [...sim.engine.executions.values()].filter((e) => e.pipeline.identifier === pipelineId);
/** Ephemeral notes to Alice (the bot tells her privately about a run it repaired). */
const ephemerals = (text: string) => slack.ephemeralsFor('U0ALICE').filter((e) => e.text.includes(text));
/** Private notes to Alice, in the app's DM (opened by the first one). */
const notes = (text: string) =>
  (slack.ws.channels.get('D0ALICE')?.messages ?? []).filter((m) => m.text.startsWith(text));

/**
 * Waits until the bot recorded the approval card: it saves the record just after Slack took the
 * card (a round trip later on PostgreSQL), and a person reads a card before clicking it.
 */
async function untilRecorded(runCardTs: string, approvalTs: string): Promise<void> {
  const store = await database.open();
  try {
    await eventually(
      async () => {
        const run = (await store.runs.open()).find((r) => r.cardTs === runCardTs);
        return run === undefined ? [] : await store.approvalCards.forRun(run.id);
      },
      (cards) => cards.some((c) => c.ts === approvalTs),
    );
  } finally {
    await store.close();
  }
}

describe('killed inside each crash window, the bot loses nothing and repeats nothing', () => {
  it('a run’s end, an approval card and an Approve all survive SIGKILL', { timeout: 60_000 }, async () => {
    await boot();

    // Life 1, killed inside two windows at once: a run's end before its final card edit reaches
    // Slack (1), and an approval card between its claim and its post, during the look-ups (2).
    const flag = 'Toggle a feature flag';
    const finalEdit = slack.holdNext('chat.update', {
      ms: 60_000,
      when: 'before',
      match: (a) => a.text === `${flag}: Succeeded`,
    });
    const lookups = slack.holdNext('users.lookupByEmail', { ms: 60_000, when: 'before' });
    const flagTs = await runFromSlack('toggle_feature_flag');
    const scaleTs = await runFromSlack('scale_service');
    const restartTs = await runFromSlack('restart_service');
    await killInside(Promise.all([finalEdit, lookups]));

    // Life 2: every card is there once; then killed while two Approves are on their way to
    // Harness: Bob's never arrives (4a), Carol's is recorded but its answer is lost (4b).
    // Life 2 starts a process, resumes three runs and looks each up in Harness before the
    // approval cards go out: on a loaded machine that takes longer than the usual wait.
    const [scaleCard] = await eventually(
      () => approvalCards(scaleTs),
      (c) => c.length === 1,
      30_000,
    );
    const [restartCard] = await eventually(
      () => approvalCards(restartTs),
      (c) => c.length === 1,
      30_000,
    );
    if (scaleCard === undefined || restartCard === undefined) throw new Error('no approval cards');
    await untilRecorded(scaleTs, scaleCard.ts);
    await untilRecorded(restartTs, restartCard.ts);
    const lost = sim.holdNext('/harness/activity', { ms: 60_000, when: 'before' });
    await slack.clickMessageButton('C0OPS', scaleCard.ts, 'U0BOB', APPROVE_ACTION_ID);
    await lost;
    const unanswered = sim.holdNext('/harness/activity', { ms: 60_000, when: 'after' });
    await slack.clickMessageButton('C0OPS', restartCard.ts, 'U0CAROL', APPROVE_ACTION_ID);
    await killInside(unanswered);

    // Life 3: Carol's decision is found in Harness; Bob, whose click never arrived, approves again.
    await eventually(
      () => card(restartCard.ts)?.text,
      (t) => t === 'Approve restart: Approved',
    );
    await slack.clickMessageButton('C0OPS', scaleCard.ts, 'U0BOB', APPROVE_ACTION_ID);
    const ends: [string, string][] = [
      [flagTs, flag],
      [scaleTs, 'Scale a service'],
      [restartTs, 'Restart a service'],
    ];
    for (const [ts, title] of ends) {
      await eventually(
        () => card(ts)?.text,
        (t) => t === `${title}: Succeeded`,
      );
      await eventually(
        () => notes(`Your run of ${title} finished`).length,
        (n) => n === 1,
      );
    }
    await rig.stop();

    for (const [ts, title] of ends) expect(finishedPosts(ts, title)).toHaveLength(1);
    expect(card(scaleCard.ts)?.text).toBe('Approve scale: Approved');
    const decided = [...sim.engine.approvals.values()].map((a) => [
      a.status,
      a.activities.map((x) => x.comments),
    ]);
    expect(decided).toEqual(
      expect.arrayContaining([
        ['APPROVED', ['Approved in Slack (U0BOB) by Bob SRE <bob@example.com>']],
        ['APPROVED', ['Approved in Slack (U0CAROL) by Carol SRE Lead <carol@example.com>']],
      ]),
    );
    expect(decided).toHaveLength(2);
    for (const ts of [scaleTs, restartTs]) expect(approvalCards(ts)).toHaveLength(1);
    expect(notes('Your run of Scale a service is waiting for approval')).toHaveLength(1);
    expect(notes('Your run of Restart a service is waiting for approval')).toHaveLength(1);
    const store = await database.open();
    try {
      expect(await store.claims.unconfirmedApprovalClicks()).toEqual([]);
      expect(await store.runs.open()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  // The execute call is held (the simulator's holdNext) and the bot killed with it in flight; the
  // restarted bot must settle the run from Harness (RunService.repairStarting), never start it again.
  const EXECUTE = '/pipeline/api/pipeline/execute/';
  const FLAG = 'toggle_feature_flag';
  const flag = 'Toggle a feature flag';
  /** A 1 s search bound, so a run that never started is reported as such quickly. */
  const shortSearch = { HARNESS_LOST_RUN_SEARCH_SECONDS: '1' };

  it('a run Harness started while the bot was killed waiting for the answer is followed, not re-run', async () => {
    await boot();
    const before = new Set(executionsOf(FLAG).map((e) => e.id));
    const started = () => executionsOf(FLAG).filter((e) => !before.has(e.id));
    // The DM and the ephemerals outlive each test: only what this run adds counts.
    const finished = `Your run of ${flag} finished`;
    const repaired = `The bot restarted while starting your run of ${flag}`;
    const counts = () => [
      notes(finished).length,
      ephemerals(repaired).length,
      ephemerals('did not start').length,
    ];
    const [finishedBefore = 0, repairedBefore = 0, refusedBefore = 0] = counts();

    // Harness starts the run; only its answer is held, and the bot dies waiting for it.
    const answerHeld = sim.holdNext(EXECUTE, { ms: 60_000, when: 'after' });
    const ts = await runFromSlack(FLAG);
    await answerHeld;
    await eventually(started, (e) => e.length === 1);
    expect(card(ts)?.text).toBe(`${flag}: Starting`);
    await killInside(Promise.resolve(), shortSearch);

    await eventually(
      () => card(ts)?.text,
      (t) => t === `${flag}: Succeeded`,
    );
    await eventually(counts, ([f, r]) => f === finishedBefore + 1 && r === repairedBefore + 1);
    await rig.stop();

    const [execution] = started();
    expect(started()).toHaveLength(1);
    expect(execution?.status).toBe('Success');
    expect(JSON.stringify(card(ts)?.blocks)).toContain(`/executions/${execution?.id ?? ''}/pipeline`);
    expect(counts()).toEqual([finishedBefore + 1, repairedBefore + 1, refusedBefore]);
    expect(finishedPosts(ts, flag)).toHaveLength(1);
    const posts = thread(ts).map((m) => m.text);
    expect(new Set(posts).size).toBe(posts.length);
    const store = await database.open();
    try {
      expect(await store.runs.open()).toEqual([]);
      expect((await store.runs.recent('U0ALICE', 1))[0]).toMatchObject({
        executionId: execution?.id,
        status: 'Success',
      });
    } finally {
      await store.close();
    }
  });

  it('a run Harness never got before the bot was killed is reported as not started', async () => {
    await boot();
    const before = executionsOf(FLAG).length;
    const refused = () => ephemerals(`${flag} did not start`).length;
    const refusedBefore = refused();

    // The request is held before Harness acts on it; the kill hangs it up, so nothing starts.
    const requestHeld = sim.holdNext(EXECUTE, { ms: 60_000, when: 'before' });
    const ts = await runFromSlack(FLAG);
    await killInside(requestHeld, shortSearch);

    await eventually(
      () => card(ts)?.text,
      (t) => t === `${flag}: Could not start`,
    );
    await eventually(refused, (n) => n === refusedBefore + 1);
    await rig.stop();

    expect(executionsOf(FLAG)).toHaveLength(before);
    expect(JSON.stringify(card(ts)?.blocks)).toContain(
      'No execution of this run appeared in Harness within 1 second, so it did not start',
    );
    expect(refused()).toBe(refusedBefore + 1);
    expect(thread(ts)).toEqual([]);
    const store = await database.open();
    try {
      expect(await store.runs.open()).toEqual([]);
      expect((await store.runs.recent('U0ALICE', 1))[0]?.status).toBe('not_started');
    } finally {
      await store.close();
    }
  });
});
