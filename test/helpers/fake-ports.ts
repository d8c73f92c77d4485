import type { RunRecord } from '../../src/ports/store.js';
import { Gate } from './scripted-calls.js';

/**
 * Fakes of the ports the core talks through, for unit tests that drive one module of src/runs
 * (updater, deliveries, approvals, tracker, run service) the way the bot does, with the REAL
 * store (`openStore({ databasePath: ':memory:' })`; never a fake of it).
 *
 * - `FakeSlack` (a SlackPort): keeps the messages posted and edited; `slackErrors` builds
 *   failures as @slack/web-api throws them.
 * - `FakeHarness` (the run and approval calls of the Harness client; `client()` gives the
 *   HarnessClient), with `execution`, `waitingApproval` and `harnessErrors`.
 * - Both record `calls` (with the error each ended with) and take a script: `fail(method, error, { times, when })` makes the next
 *   matching call(s) throw; `hold(method, { when })` returns a Gate where the next matching call
 *   waits (`await gate.reached`, then `gate.release()` or `gate.fail(err)`); `called(method, n)`
 *   waits until a method was called n times (the event that proves progress, not a sleep);
 *   `each(method, fn)` runs fn at each call (a test's clock moves there).
 * - `ManualClock`: the time the module reads (`now`), moved by the test.
 * - `runRecord(patch)`: a run of `scale_service` (shipped catalogue) as the store keeps it.
 * - `holdAnswer(obj, method)`: the real method runs at once but its answer waits at a Gate, as a
 *   server database's would; to open the window between a write and its caller going on.
 */
export { FakeSlack, postOf, slackErrors } from './fake-slack.js';
export type { FakeEphemeral, FakeMessage, FakePerson, FakePost, SlackMethod } from './fake-slack.js';
export { execution, FakeHarness, harnessErrors, waitingApproval } from './fake-harness.js';
export type { HarnessMethod } from './fake-harness.js';
export { Gate } from './scripted-calls.js';

export class ManualClock {
  constructor(private t = Date.UTC(2026, 10, 28, 12, 0, 0)) {}

  /** Pass this where a module takes `now: () => number`. */
  readonly now = (): number => this.t;

  advance(ms: number): void {
    this.t += ms;
  }
}

/** A run as the store keeps it: `scale_service` asked by U0ALICE in #ops (C0OPS), running. */
/** A flag run with its own id, execution and times: the run the lease and poke tests store. */
export function flagRun(id: string, over: Partial<RunRecord> = {}, at = Date.now()): RunRecord {
  return runRecord({
    id,
    workflowId: 'toggle_feature_flag',
    requesterId: 'U1',
    channelId: 'C1',
    cardTs: '1.1',
    executionId: `exec-${id}`,
    pipelineId: 'flag',
    status: 'Running',
    executionUrl: undefined,
    createdAt: at,
    updatedAt: at,
    ...over,
  });
}

export function runRecord(patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    workflowId: 'scale_service',
    requesterId: 'U0ALICE',
    channelId: 'C0OPS',
    cardTs: '1700000000.000001',
    executionId: 'exec1',
    orgId: 'default',
    projectId: 'platform',
    pipelineId: 'scale_service',
    status: 'Running',
    bucket: 'running',
    inputs: {},
    executionUrl: 'https://harness.example/executions/exec1',
    error: undefined,
    createdAt: 0,
    updatedAt: 0,
    finishedAt: undefined,
    ...patch,
  };
}

type AsyncMethodName<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/** The next call of `obj[method]` runs, but its answer is held at the returned gate. */
export function holdAnswer<T extends object>(obj: T, method: AsyncMethodName<T>): Gate {
  const gate = new Gate();
  const real = obj[method];
  if (typeof real !== 'function') throw new Error(`${String(method)} is not a method`);
  const original = real.bind(obj) as (...args: unknown[]) => Promise<unknown>;
  Object.assign(obj, {
    [method]: async (...args: unknown[]) => {
      Object.assign(obj, { [method]: original });
      const answer = original(...args);
      // Handled here too, so a failure while held is not reported as unhandled.
      answer.catch(() => undefined);
      await gate.pass(args);
      return answer;
    },
  });
  return gate;
}
