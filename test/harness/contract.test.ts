import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_KEYS } from '../../src/harness/simulator/seed.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { approvalIdOf, clientFor, SCOPE, simulator, waitFor, waitingApproval } from '../helpers/harness.js';

/**
 * The simulator's answers, validated against Harness's own Swagger for these endpoints
 * (the subset in test/fixtures/harness/, whose `x-source` says where it comes from): nulls
 * dropped, newer enum values allowed, and no field the spec and the lists below lack.
 */
const SPEC_FILE = 'test/fixtures/harness/harness-openapi-subset.json';

/** Statuses newer than the 2022 spec that Harness sends today (harness-core's ExecutionStatus). */
const NEWER_STATUSES = [
  'WaitStepRunning',
  'QueuedLicenseLimitReached',
  'QueuedExecutionConcurrencyReached',
  'AbortedByFreeze',
];
const NEWER_FIELDS: Record<string, string[]> = {
  'pipeline.ExecutionNode': ['logBaseKey'],
  // harness-core PipelineExecutionSummaryDTO (2023+): whether the run carries notes.
  'pipeline.PipelineExecutionSummary': ['notesExistForPlanExecutionId'],
  // approvers.serviceAccounts: newer builds (harness-core ApproversDTO).
  'pipeline.ApproversDTO': ['serviceAccounts'],
};
/**
 * Java `Map<String, Map<String, Object>>` comes out of Swagger's generator as objects of objects
 * of `type: object`, but Java's `Object` holds any JSON value: real outcomes carry numbers,
 * strings and arrays (`httpResponseCode: 200`, `approvalActivities: […]`). Read it as "any".
 */
const ANY_VALUE_MAPS: Record<string, string[]> = { 'pipeline.ExecutionNode': ['outcomes', 'stepDetails'] };

let ajv: Ajv;
let spec: {
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, { schema?: { $ref?: string } }>;
        parameters?: { name: string; in: string; required?: boolean }[];
      }
    >
  >;
  definitions: Record<string, Record<string, unknown>>;
};
let sim: HarnessSimulator;

function strict(
  definitions: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const out = structuredClone(definitions);
  for (const [name, def] of Object.entries(out)) {
    const props = def.properties as Record<string, Record<string, unknown>> | undefined;
    if (props !== undefined && Object.keys(props).length > 0) {
      for (const extra of NEWER_FIELDS[name] ?? []) props[extra] = {};
      def.additionalProperties = false;
    }
    for (const key of ANY_VALUE_MAPS[name] ?? []) {
      const map = props?.[key]?.additionalProperties as Record<string, unknown> | undefined;
      if (map !== undefined) map.additionalProperties = {};
    }
    for (const prop of Object.values(props ?? {})) {
      if (Array.isArray(prop.enum) && prop.enum.includes('ApprovalWaiting'))
        prop.enum = [...(prop.enum as string[]), ...NEWER_STATUSES];
    }
  }
  return out;
}

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, dropNulls(x)]),
    );
  return v;
}

function validator(definition: string): ValidateFunction {
  const fn = ajv.getSchema(`harness#/definitions/${definition}`);
  if (fn === undefined) throw new Error(`no definition ${definition}`);
  return fn;
}

function responseRef(path: string, method: string): string {
  const ref = spec.paths[path]?.[method]?.responses['200']?.schema?.$ref;
  if (ref === undefined) throw new Error(`no 200 schema for ${method} ${path}`);
  return ref.replace('#/definitions/', '');
}

async function call(
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: string,
  key: string = SEED_KEYS.bot,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(path, sim.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: {
      'x-api-key': key,
      'Content-Type': body?.startsWith('{') === true ? 'application/json' : 'application/yaml',
    },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, json: await res.json() };
}

function expectValid(definition: string, value: unknown): void {
  const fn = validator(definition);
  const ok = fn(dropNulls(value));
  expect(
    ok ? [] : fn.errors?.map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`),
    definition,
  ).toEqual([]);
}

const ACCOUNT = { accountIdentifier: 'idp_sandbox' };
const SCOPED = { ...ACCOUNT, orgIdentifier: 'default', projectIdentifier: 'platform' };
const SCALE =
  'pipeline:\n  identifier: scale_service\n  variables:\n    - {name: service, type: String, value: payments_api}\n    - {name: environment, type: String, value: prod}\n    - {name: infrastructure, type: String, value: k8s_prod_eu}\n    - {name: workload, type: String, value: Deployment/payments-api}\n    - {name: replicas, type: String, value: "4"}\n';

beforeAll(async () => {
  spec = JSON.parse(await readFile(SPEC_FILE, 'utf8')) as typeof spec;
  ajv = new Ajv({ strict: false, allErrors: true });
  for (const f of ['int32', 'int64', 'date-time', 'double', 'float', 'byte', 'binary', 'date'])
    ajv.addFormat(f, true);
  ajv.addSchema({ ...spec, definitions: strict(spec.definitions) }, 'harness');
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

describe('the simulator answers in Harness’s shapes', () => {
  it('for a whole run: execute, execution graph while waiting and when done, approval, activity, interrupt', async () => {
    const executed = await call(
      'POST',
      '/pipeline/api/pipeline/execute/scale_service',
      { ...SCOPED, moduleType: 'cd' },
      SCALE,
    );
    expect(executed.status).toBe(200);
    expectValid(responseRef('/pipeline/api/pipeline/execute/{identifier}', 'post'), executed.json);
    const id = (executed.json as { data: { planExecution: { uuid: string } } }).data.planExecution.uuid;

    const view = await waitFor(clientFor(sim), id, waitingApproval);
    const detailWaiting = await call('GET', `/pipeline/api/pipelines/execution/v2/${id}`, {
      ...SCOPED,
      renderFullBottomGraph: 'true',
    });
    expectValid(
      responseRef('/pipeline/api/pipelines/execution/v2/{planExecutionId}', 'get'),
      detailWaiting.json,
    );

    const approvalId = approvalIdOf(view);
    const approval = await call('GET', `/pipeline/api/approvals/${approvalId}`);
    expectValid(responseRef('/pipeline/api/approvals/{approvalInstanceId}', 'get'), approval.json);
    expectValid(
      'pipeline.HarnessApprovalInstanceDetails',
      (approval.json as { data: { details: unknown } }).data.details,
    );

    const auth = await call(
      'GET',
      `/pipeline/api/approvals/${approvalId}/harness/authorization`,
      {},
      undefined,
      SEED_KEYS.bob,
    );
    expectValid(
      responseRef('/pipeline/api/approvals/{approvalInstanceId}/harness/authorization', 'get'),
      auth.json,
    );
    expect((auth.json as { data: unknown }).data).toEqual({ authorized: true, reason: '' });

    const activity = await call(
      'POST',
      `/pipeline/api/approvals/${approvalId}/harness/activity`,
      ACCOUNT,
      JSON.stringify({ action: 'APPROVE', comments: 'via Slack', approverInputs: [] }),
      SEED_KEYS.bob,
    );
    expectValid(
      responseRef('/pipeline/api/approvals/{approvalInstanceId}/harness/activity', 'post'),
      activity.json,
    );
    expectValid(
      'pipeline.HarnessApprovalInstanceDetails',
      (activity.json as { data: { details: unknown } }).data.details,
    );

    await waitFor(clientFor(sim), id, () => false);
    const detailDone = await call('GET', `/pipeline/api/pipelines/execution/v2/${id}`, {
      ...SCOPED,
      renderFullBottomGraph: 'true',
    });
    expectValid(
      responseRef('/pipeline/api/pipelines/execution/v2/{planExecutionId}', 'get'),
      detailDone.json,
    );

    // The executions list (ExecutionDetailsResource.getListOfExecutions, not in the 2022 subset): a
    // Spring Page whose items are the same PipelineExecutionSummary, newest first.
    const listed = await call(
      'POST',
      '/pipeline/api/pipelines/execution/summary',
      { ...SCOPED, pipelineIdentifier: 'scale_service', page: '0', size: '5' },
      '{"filterType":"PipelineExecution"}',
    );
    expect(listed.status).toBe(200);
    const page = (listed.json as { data: { content: unknown[]; totalElements: number; number: number } })
      .data;
    expect(page.number).toBe(0);
    expect(page.content.length).toBeGreaterThan(0);
    for (const item of page.content) expectValid('pipeline.PipelineExecutionSummary', item);
    expect(page.content[0]).toMatchObject({ planExecutionId: id });
    const notes = await call('GET', `/pipeline/api/pipelines/execution/${id}/notes`, ACCOUNT);
    expect(notes.json).toMatchObject({ status: 'SUCCESS', data: { notes: '' } });

    const again = await call(
      'POST',
      '/pipeline/api/pipeline/execute/scale_service',
      { ...SCOPED, moduleType: 'cd' },
      SCALE,
    );
    const second = (again.json as { data: { planExecution: { uuid: string } } }).data.planExecution.uuid;
    const interrupt = await call('PUT', `/pipeline/api/pipeline/execute/interrupt/${second}`, {
      ...SCOPED,
      interruptType: 'AbortAll',
    });
    expectValid(
      responseRef('/pipeline/api/pipeline/execute/interrupt/{planExecutionId}', 'put'),
      interrupt.json,
    );
  });

  it.each([
    ['/ng/api/servicesV2', 'get', SCOPED],
    ['/ng/api/environmentsV2', 'get', SCOPED],
    ['/ng/api/user-groups', 'get', ACCOUNT],
    ['/ng/api/user-groups/{identifier}', 'get', ACCOUNT],
    ['/ng/api/user-groups/{identifier}/member/{userIdentifier}', 'get', ACCOUNT],
    ['/ng/api/user-groups/{identifier}/users', 'post', ACCOUNT],
    ['/ng/api/user/aggregate', 'post', { ...ACCOUNT, searchTerm: 'bob@example.com' }],
    ['/ng/api/user/currentUser', 'get', {}],
  ])('for %s', async (path, method, query) => {
    const concrete = path.replace('{identifier}', 'sre_oncall').replace('{userIdentifier}', 'u-bob');
    // A user's key: the bot's is a service account's, which has no current user.
    const r = await call(
      method.toUpperCase(),
      concrete,
      query,
      method === 'post' ? '{}' : undefined,
      SEED_KEYS.alice,
    );
    expect(r.status).toBe(200);
    expectValid(responseRef(path, method), r.json);
  });

  it.each([
    [
      400,
      'POST',
      '/pipeline/api/pipeline/execute/scale_service',
      { ...SCOPED, moduleType: 'cd' },
      'pipeline: [',
      'pipeline.Failure',
    ],
    [404, 'GET', '/pipeline/api/pipelines/execution/v2/nope', SCOPED, undefined, 'pipeline.Error'],
    // addHarnessApprovalActivity refuses with InvalidRequestException: a 400 Failure.
    [
      400,
      'POST',
      '/pipeline/api/approvals/{approval}/harness/activity',
      ACCOUNT,
      '{"action":"APPROVE"}',
      'pipeline.Failure',
    ],
  ])('for a %i error', async (status, method, path, query, body, definition) => {
    let concrete = path;
    if (path.includes('{approval}')) {
      const run = await clientFor(sim).runPipeline({
        scope: SCOPE,
        pipelineId: 'scale_service',
        runtimeInputYaml: SCALE,
      });
      concrete = path.replace(
        '{approval}',
        approvalIdOf(await waitFor(clientFor(sim), run.executionId, waitingApproval)),
      );
    }
    const r = await call(method, concrete, query, body, SEED_KEYS.alice);
    expect(r.status).toBe(status);
    expectValid(definition, r.json);
  });
});

describe('the simulator checks requests as Harness does', () => {
  it.each([
    ['/pipeline/api/pipeline/execute/{identifier}', 'post'],
    ['/pipeline/api/pipelines/execution/v2/{planExecutionId}', 'get'],
    ['/pipeline/api/pipeline/execute/interrupt/{planExecutionId}', 'put'],
    ['/ng/api/servicesV2', 'get'],
    ['/ng/api/user-groups', 'get'],
  ])('%s refuses a request without each required query parameter', async (path, method) => {
    const required = (spec.paths[path]?.[method]?.parameters ?? [])
      .filter((p) => p.in === 'query' && p.required === true && p.name !== 'moduleType')
      .map((p) => p.name);
    expect(required.length).toBeGreaterThan(0);
    const full: Record<string, string> = { ...SCOPED, interruptType: 'AbortAll' };
    const concrete = path.replace('{identifier}', 'scale_service').replace('{planExecutionId}', 'x');
    for (const name of required) {
      const query = Object.fromEntries(Object.entries(full).filter(([k]) => k !== name));
      const r = await call(method.toUpperCase(), concrete, query, method === 'post' ? SCALE : undefined);
      expect(r.status, `${path} without ${name}`).toBe(400);
      expect((r.json as { message: string }).message).toContain(name);
    }
  });
});
