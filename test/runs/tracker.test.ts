import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessApiError } from '../../src/ports/harness-errors.js';
import { SlackClosedError } from '../../src/ports/slack-errors.js';
import { execution, postOf, slackErrors } from '../helpers/fake-ports.js';
import type { FakePost, FakeSlack } from '../helpers/fake-ports.js';
import { runRig } from '../helpers/run-rig.js';
import { eventually } from '../helpers/stack.js';

type Rig = Awaited<ReturnType<typeof runRig>>;
let rigs: Rig[] = [];
let dir = '';
async function rig(dbFile?: string, slack?: FakeSlack): Promise<Rig> {
  const r = await runRig(dbFile, slack);
  rigs.push(r);
  return r;
}
afterEach(async () => {
  for (const r of rigs) await r.close();
  rigs = [];
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  dir = '';
});

/** The reply in the card's thread that tells how the run ended. */
const finishedReply = (r: Rig) => (m: Pick<FakePost, 'threadTs' | 'content'>) =>
  m.threadTs !== undefined && m.content.text.startsWith(`${r.title}:`);
const cardEdits = (r: Rig) => r.slack.edits().map((c) => c.text);

/** Starts a run through the run service; Harness answers with `ex1`. */
async function started(r: Rig) {
  const req = await r.request();
  return r.runs.start(await r.claim(req), req);
}

/** Each read moves the clock a second: a run's times tell which poll did what. */
function clockPerRead(r: Rig): void {
  r.harness.each('getExecution', () => {
    r.clock.advance(1000);
  });
}

describe('the tracker, driven through its ports', () => {
  it('a run from requested to finished: each event once, in order, with typed payloads', async () => {
    const r = await rig();
    clockPerRead(r);
    r.harness.views = [
      execution('Running', [['Toggle', 'Running']]),
      execution('Success', [['Toggle', 'Success']]),
    ];
    const run = await started(r);
    const done = await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(r.names()).toEqual([
      'run.requested',
      'run.started',
      'run.step_changed',
      'run.step_changed',
      'run.finished',
    ]);
    // Payloads as each subscriber gets them.
    const changes = r.seen.flatMap((s) => (s.name === 'run.step_changed' ? [s.event] : []));
    expect(changes.map((e) => [e.view.status, e.terminal, e.run.status, e.run.bucket])).toEqual([
      ['Running', false, 'Running', 'running'],
      ['Success', true, 'Success', 'succeeded'],
    ]);
    const finished = r.seen.find((s) => s.name === 'run.finished');
    expect(finished?.name === 'run.finished' && finished.event.view.bucket).toBe('succeeded');
    expect(done?.finishedAt).toBe(finished?.event.at);
    const begun = r.seen.find((s) => s.name === 'run.started');
    expect(begun?.name === 'run.started' && begun.event.executionId).toBe('ex1');
    // What people saw: one card, its edits ending on the end, one finished reply, one DM.
    expect(r.slack.messages.filter((c) => c.channel === 'C0OPS' && c.threadTs === undefined)).toHaveLength(1);
    expect(cardEdits(r).at(-1)).toBe(`${r.title}: Succeeded`);
    expect(r.slack.messages.filter(finishedReply(r))).toHaveLength(1);
    expect(r.slack.messages.filter((c) => c.channel === 'U0ALICE')).toHaveLength(1);
    expect((await r.store.audit.trail({ runId: run.id })).map((e) => e.action)).toEqual([
      'run.requested',
      'run.started',
      'run.finished',
    ]);
    expect(r.tracker.tracking).toBe(0);
  });

  it('a terminal status whose thread reply fails stays open, and the next poll finishes it without posting twice', async () => {
    const r = await rig();
    clockPerRead(r);
    r.harness.views = [execution('Success', [['Toggle', 'Success']])];
    r.slack.fail('postMessage', slackErrors.platform('internal_error'), {
      when: (args) => finishedReply(r)(postOf(args)),
    });
    const run = await started(r);
    const done = await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    // The first poll's reply failed: the run was not finished then, but on a later poll.
    const startedAt = (await r.store.audit.trail({ runId: run.id })).find((e) => e.action === 'run.started');
    expect(
      r.slack
        .posts()
        .filter(finishedReply(r))
        .map((c) => c.error === undefined),
    ).toEqual([false, true]);
    expect(done?.finishedAt).toBeGreaterThan((startedAt?.at ?? 0) + 1000);
    expect(r.harness.reads).toBeGreaterThanOrEqual(2);
    expect(r.names().filter((n) => n === 'run.finished')).toHaveLength(1);
    expect(r.slack.messages.filter((c) => c.channel === 'U0ALICE')).toHaveLength(1);
  });

  it('the requester’s note of the end not out yet keeps the run open; the next poll sends it once and finishes', async () => {
    const r = await rig();
    clockPerRead(r);
    r.harness.views = [execution('Success', [['Toggle', 'Success']])];
    r.slack.fail('postMessage', slackErrors.platform('internal_error'), {
      when: (args) => args[0] === 'U0ALICE',
    });
    const run = await started(r);
    const done = await eventually(
      () => r.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    const dms = r.slack.posts().filter((c) => c.channel === 'U0ALICE');
    expect(dms.map((c) => c.error === undefined)).toEqual([false, true]);
    expect(done?.finishedAt).toBeGreaterThan(run.updatedAt + 1000);
    expect(r.slack.messages.filter(finishedReply(r))).toHaveLength(1);
    expect(
      (await r.store.audit.trail({ runId: run.id })).filter((e) => e.action === 'run.finished'),
    ).toHaveLength(1);
  });

  it('a card edit closed by shutdown leaves the run open and its thread untouched; the next life finishes it', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'idp-tracker-'));
    const file = path.join(dir, 'bot.db');
    const first = await rig(file);
    first.harness.views = [execution('Success', [['Toggle', 'Success']])];
    first.slack.fail('updateMessage', new SlackClosedError(), { times: Infinity });
    const run = await started(first);
    await eventually(
      () => first.harness.reads,
      (n) => n >= 3,
    );
    expect((await first.store.runs.get(run.id))?.finishedAt).toBeUndefined();
    expect(first.slack.posts().filter(finishedReply(first))).toEqual([]);
    expect(first.names()).not.toContain('run.finished');
    await first.close();
    // The next life: the same database and workspace, Slack answering again.
    const next = await rig(file, first.slack);
    next.slack.reset();
    next.harness.views = [execution('Success', [['Toggle', 'Success']])];
    expect(await next.tracker.resume()).toBe(1);
    await eventually(
      () => next.store.runs.get(run.id),
      (x) => x?.finishedAt !== undefined,
    );
    expect(cardEdits(next).at(-1)).toBe(`${next.title}: Succeeded`);
    expect(next.slack.messages.filter(finishedReply(next))).toHaveLength(1);
    expect(next.slack.messages.filter((c) => c.channel === 'U0ALICE')).toHaveLength(1);
  });

  it('Harness failing three times in a row says so on the card, once', async () => {
    const r = await rig();
    r.harness.fail('getExecution', new Error('connect ECONNREFUSED'), { times: Infinity });
    await started(r);
    await eventually(
      () => cardEdits(r),
      (texts) => texts.length > 0 && r.harness.reads >= 4,
    );
    const notes = r.slack
      .edits()
      .filter((c) => JSON.stringify(c.blocks).includes('Harness is not answering'));
    expect(notes).toHaveLength(1);
    expect(r.harness.reads).toBeGreaterThanOrEqual(3);
    const seen = r.seen.flatMap((s) => (s.name === 'run.unreachable' ? [s.event] : []));
    expect(seen.map((e) => [e.failures, e.unauthorized])).toEqual([[3, false]]);
  });

  it('Harness refusing the key says that instead', async () => {
    const r = await rig();
    r.harness.fail(
      'getExecution',
      new HarnessApiError('/pipeline/api/pipelines/execution/v2/ex1', 401, 'Token is not valid', 'http'),
      { times: Infinity },
    );
    await started(r);
    await eventually(
      () => r.slack.edits().filter((c) => JSON.stringify(c.blocks).includes('refuses the bot’s key')),
      (edits) => edits.length === 1,
    );
    expect(r.slack.edits().filter((c) => JSON.stringify(c.blocks).includes('not answering'))).toEqual([]);
  });
});
