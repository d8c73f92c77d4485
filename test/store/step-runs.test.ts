import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import { runRecord } from '../helpers/fake-ports.js';
import { STORE_BACKENDS } from '../helpers/store-backends.js';
import { storePerTest } from '../helpers/store-per-test.js';

const T = 1_764_000_000_000;

describe.each(STORE_BACKENDS)('runs of Workflow Builder steps on $name', (backend) => {
  let store: Store;
  const open = storePerTest(backend, { opened: (s) => (store = s), toClose: () => [store] });

  it('remembers the step’s execution id and token across a reopen, until the step is completed', async () => {
    await store.runs.create(runRecord({ id: 'step1', executionId: 'e1', functionExecutionId: 'Fx1' }), {
      token: 'xwfp-test-1',
    });
    await store.runs.create(runRecord({ id: 'cmd1', executionId: 'e2' }));
    await store.close();
    store = await open();
    expect(await store.runs.get('step1')).toMatchObject({
      functionExecutionId: 'Fx1',
      stepCompletedAt: undefined,
    });
    expect((await store.runs.get('cmd1'))?.functionExecutionId).toBeUndefined();
    expect(await store.runs.stepToken('step1')).toBe('xwfp-test-1');
    // The token never travels with the run record.
    expect(JSON.stringify(await store.runs.get('step1'))).not.toContain('xwfp');

    // Owed only once the run is over.
    expect(await store.runs.stepsToComplete()).toEqual([]);
    await store.runs.update('step1', { finishedAt: T });
    await store.runs.update('cmd1', { finishedAt: T });
    expect((await store.runs.stepsToComplete()).map((r) => r.id)).toEqual(['step1']);

    await store.runs.stepCompleted('step1', T + 1);
    expect(await store.runs.stepsToComplete()).toEqual([]);
    expect(await store.runs.stepToken('step1')).toBeUndefined();
    expect((await store.runs.get('step1'))?.stepCompletedAt).toBe(T + 1);
  });
});
