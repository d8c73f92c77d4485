import { z } from 'zod';
import type { RunRecord, RunStore } from '../ports/store.js';
import { parseRunBucket } from '../runs/run-status.js';
import type { Db, Tables } from './database.js';

type RunRow = Tables['runs'];

/** Rows are checked on the way out: a file or schema the bot did not write is an error, not a guess. */
const runRow = z.object({
  id: z.string(),
  workflow_id: z.string(),
  requester_id: z.string(),
  channel_id: z.string(),
  card_ts: z.string().nullable(),
  execution_id: z.string().nullable(),
  org_id: z.string(),
  project_id: z.string(),
  pipeline_id: z.string(),
  status: z.string(),
  bucket: z.string(),
  inputs: z.string(),
  execution_url: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  finished_at: z.number().nullable(),
  function_execution_id: z.string().nullable(),
  step_completed_at: z.number().nullable(),
});

const COLUMNS = {
  workflowId: 'workflow_id',
  requesterId: 'requester_id',
  channelId: 'channel_id',
  cardTs: 'card_ts',
  executionId: 'execution_id',
  orgId: 'org_id',
  projectId: 'project_id',
  pipelineId: 'pipeline_id',
  status: 'status',
  bucket: 'bucket',
  inputs: 'inputs',
  executionUrl: 'execution_url',
  error: 'error',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  finishedAt: 'finished_at',
  functionExecutionId: 'function_execution_id',
  stepCompletedAt: 'step_completed_at',
} as const satisfies Record<keyof Omit<RunRecord, 'id'>, keyof RunRow>;

type Field = keyof typeof COLUMNS;

function isField(key: string): key is Field {
  return key in COLUMNS;
}

/**
 * A patch as columns. A key present with `undefined` clears the column (as the earlier store
 * did), so `{ error: undefined }` removes an error.
 */
function toColumns(patch: Partial<Omit<RunRecord, 'id'>>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(patch).filter(isField)) {
    row[COLUMNS[key]] = key === 'inputs' ? JSON.stringify(patch.inputs) : (patch[key] ?? null);
  }
  return row;
}

function fromRow(raw: unknown): RunRecord {
  const r = runRow.parse(raw);
  return {
    id: r.id,
    workflowId: r.workflow_id,
    requesterId: r.requester_id,
    channelId: r.channel_id,
    cardTs: r.card_ts ?? undefined,
    executionId: r.execution_id ?? undefined,
    orgId: r.org_id,
    projectId: r.project_id,
    pipelineId: r.pipeline_id,
    status: r.status,
    bucket: parseRunBucket(r.bucket),
    inputs: z.record(z.string(), z.unknown()).parse(JSON.parse(r.inputs)),
    executionUrl: r.execution_url ?? undefined,
    error: r.error ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at ?? undefined,
    ...(r.function_execution_id === null
      ? {}
      : { functionExecutionId: r.function_execution_id, stepCompletedAt: r.step_completed_at ?? undefined }),
  };
}

export function createRunStore(db: Db): RunStore {
  const get = async (id: string): Promise<RunRecord | undefined> => {
    const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  };
  return {
    async create(run, step) {
      await db
        .insertInto('runs')
        .values({
          id: run.id,
          workflow_id: run.workflowId,
          requester_id: run.requesterId,
          channel_id: run.channelId,
          card_ts: run.cardTs ?? null,
          execution_id: run.executionId ?? null,
          org_id: run.orgId,
          project_id: run.projectId,
          pipeline_id: run.pipelineId,
          status: run.status,
          bucket: run.bucket,
          inputs: JSON.stringify(run.inputs),
          execution_url: run.executionUrl ?? null,
          error: run.error ?? null,
          created_at: run.createdAt,
          updated_at: run.updatedAt,
          finished_at: run.finishedAt ?? null,
          function_execution_id: run.functionExecutionId ?? null,
          function_token: step?.token ?? null,
          step_completed_at: run.stepCompletedAt ?? null,
        })
        .execute();
    },
    async update(id, patch) {
      const set = toColumns(patch);
      if (Object.keys(set).length > 0) await db.updateTable('runs').set(set).where('id', '=', id).execute();
      const run = await get(id);
      if (run === undefined) throw new Error(`no run ${id}`);
      return run;
    },
    get,
    async findByExecution(executionId) {
      const row = await db
        .selectFrom('runs')
        .selectAll()
        .where('execution_id', '=', executionId)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async open() {
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .where('finished_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(fromRow);
    },
    async recent(requesterId, limit) {
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .where('requester_id', '=', requesterId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
    async stepToken(id) {
      const row = await db
        .selectFrom('runs')
        .select('function_token')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.function_token ?? undefined;
    },
    async stepCompleted(id, at) {
      await db
        .updateTable('runs')
        .set({ step_completed_at: at, function_token: null })
        .where('id', '=', id)
        .execute();
    },
    async stepsToComplete() {
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .where('function_execution_id', 'is not', null)
        .where('finished_at', 'is not', null)
        .where('step_completed_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(fromRow);
    },
  };
}
