import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseExecutionGraph } from '../../src/harness/execution-view.js';
import { normaliseStatus, statusBucket } from '../../src/harness-model/status.js';
import { executionDetail } from '../../src/harness/wire.js';

const load = async () => {
  const raw: unknown = JSON.parse(await readFile('test/fixtures/harness/execution-v2.json', 'utf8'));
  return parseExecutionGraph(executionDetail.parse(raw).data);
};

describe('parseExecutionGraph', () => {
  it('reads the pipeline status with its bucket, from legacy spellings too', async () => {
    const v = await load();
    expect(v).toMatchObject({
      executionId: 'Kq3xQ1yAQ2a9bS0nYkVd1w',
      pipelineId: 'rollback_service',
      runSequence: 42,
      status: 'ApprovalWaiting',
      bucket: 'needs-human',
    });
  });

  it('walks stages from startingNodeId: sequence, then parallel children (not the parallel block), then what follows', async () => {
    const v = await load();
    expect(v.stages.map((s) => `${s.id}:${s.status}`)).toEqual([
      'prepare:Success',
      'rollback_eu:ApprovalWaiting',
      'rollback_us:Failed',
      'verify:QuantumWaiting',
    ]);
    expect(v.stages.find((s) => s.id === 'rollback_us')?.failureMessage).toBe('Rollout status check failed');
  });

  it('lists steps in stage order then start time, without container nodes', async () => {
    const v = await load();
    expect(v.steps.map((s) => `${s.stageId ?? ''}/${s.id}:${s.type}`)).toEqual([
      'prepare/create_repo:CreateRepo',
      'prepare/mystery:BrandNewStepType',
      'rollback_eu/approve:HarnessApproval',
      'rollback_us/rollback:K8sRollingRollback',
    ]);
  });

  it('finds the approval instance of a waiting approval step', async () => {
    const v = await load();
    expect(v.steps.find((s) => s.id === 'approve')?.approvalInstanceId).toBe('AppRovalInstance00001');
  });

  it('keeps failure messages and flattens outputs', async () => {
    const v = await load();
    expect(v.steps.find((s) => s.id === 'rollback')).toMatchObject({
      failureMessage: 'Rollout status check failed',
      bucket: 'failed',
      endTs: 1724142509000,
    });
    expect(v.steps.find((s) => s.id === 'create_repo')?.outputs).toEqual({
      repositoryUrl: 'https://github.com/acme/ledger',
      status: 'done',
    });
  });

  it('does not crash on unknown statuses or step types, and never calls them terminal', async () => {
    const v = await load();
    expect(v.steps.find((s) => s.id === 'mystery')).toMatchObject({
      status: 'SomethingNew',
      bucket: 'unknown',
    });
    expect(v.stages.at(-1)?.bucket).toBe('unknown');
  });

  it('survives a layout that loops and a graph without nodes', () => {
    const v = parseExecutionGraph({
      pipelineExecutionSummary: {
        planExecutionId: 'x',
        status: 'Running',
        startingNodeId: 'a',
        layoutNodeMap: {
          a: { nodeGroup: 'STAGE', nodeIdentifier: 'a', edgeLayoutList: { nextIds: ['b'] } },
          b: { nodeGroup: 'STAGE', nodeIdentifier: 'b', edgeLayoutList: { nextIds: ['a'] } },
        },
      },
      executionGraph: null,
    });
    expect(v.stages.map((s) => s.id)).toEqual(['a', 'b']);
    expect(v.steps).toEqual([]);
  });
});

describe('status buckets', () => {
  it.each([
    ['Running', 'running'],
    ['AsyncWaiting', 'running'],
    ['ApprovalWaiting', 'needs-human'],
    ['INTERVENTION_WAITING', 'needs-human'],
    ['Queued', 'queued'],
    ['QueuedLicenseLimitReached', 'queued'],
    ['Paused', 'paused'],
    ['Success', 'succeeded'],
    ['SUCCEEDED', 'succeeded'],
    ['IgnoreFailed', 'succeeded'],
    ['ApprovalRejected', 'failed'],
    ['Expired', 'failed'],
    ['Aborted', 'failed'],
    ['AbortedByFreeze', 'failed'],
    ['FREEZE_FAILED', 'failed'],
    ['Errored', 'failed'],
    ['Whatever', 'unknown'],
  ])('%s → %s', (status, bucket) => {
    expect(statusBucket(status)).toBe(bucket);
  });

  it('normalises the engine enum to display values', () => {
    expect(normaliseStatus('APPROVAL_REJECTED')).toBe('ApprovalRejected');
    expect(normaliseStatus(undefined)).toBe('NotStarted');
  });
});
