import { readFile } from 'node:fs/promises';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessClient } from '../../src/harness/client.js';
import { HarnessApiError, HarnessRunError } from '../../src/ports/harness-errors.js';
import { createRequestBudget } from '../../src/harness/request-budget.js';
import { errorMessage } from '../../src/errors.js';
import { eventually } from '../helpers/stack.js';

const BASE = 'https://harness.test';
const KEY = 'pat.test-secret-key';
const SCOPE = { orgId: 'default', projectId: 'platform' };
const client = (extra: Partial<Parameters<typeof createHarnessClient>[0]> = {}) =>
  createHarnessClient({
    baseUrl: BASE,
    apiKey: KEY,
    accountId: 'acct',
    budget: createRequestBudget(100_000),
    retryBaseMs: 1,
    retryMaxMs: 2,
    timeoutMs: 500,
    executeTimeoutMs: 500,
    ...extra,
  });

const planOk = {
  status: 'SUCCESS',
  data: { planExecution: { uuid: 'exec-1', status: 'RUNNING', startTs: 1 } },
  metaData: null,
  correlationId: 'c',
};
const harnessFailure = (message: string, code = 'INVALID_REQUEST') => ({
  status: 'ERROR',
  code,
  message,
  correlationId: 'corr-1',
  responseMessages: [],
});
const EXECUTE = '/pipeline/api/pipeline/execute/scale_service';
const run = () =>
  client().runPipeline({
    scope: SCOPE,
    pipelineId: 'scale_service',
    runtimeInputYaml: 'pipeline:\n  identifier: scale_service\n',
    moduleType: 'cd',
    notes: 'via Slack by @alice',
  });

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('runPipeline', () => {
  it('posts the runtime YAML with the key, account and scope, and returns the execution id', async () => {
    const scope = nock(BASE, {
      reqheaders: { 'x-api-key': KEY, 'harness-account': 'acct', 'content-type': 'application/yaml' },
    })
      .post(EXECUTE, 'pipeline:\n  identifier: scale_service\n')
      .query({
        accountIdentifier: 'acct',
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
        moduleType: 'cd',
        notesForPipelineExecution: 'via Slack by @alice',
      })
      .reply(200, planOk);
    await expect(run()).resolves.toEqual({ executionId: 'exec-1', status: 'RUNNING' });
    expect(scope.isDone()).toBe(true);
  });

  it('sends an empty body, not none, when the workflow has no inputs', async () => {
    let body: unknown = 'unset';
    nock(BASE)
      .post(EXECUTE, (b: unknown) => ((body = b), true))
      .query(true)
      .reply(200, planOk);
    await client().runPipeline({ scope: SCOPE, pipelineId: 'scale_service', runtimeInputYaml: '' });
    expect(body).toBe('');
  });

  it.each([
    ['a 500', (s: nock.Interceptor) => s.reply(500, harnessFailure('Oops')), true],
    ['a timeout', (s: nock.Interceptor) => s.delay(1000).reply(200, planOk), true],
    [
      'a dropped connection',
      (s: nock.Interceptor) => s.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
      true,
    ],
    ['an unreadable 200', (s: nock.Interceptor) => s.reply(200, '<html>oops</html>'), true],
    [
      'a 400 from Harness',
      (s: nock.Interceptor) => s.reply(400, harnessFailure('Variable [x] is not a runtime input')),
      false,
    ],
  ])(
    'is sent once after %s, and says whether the run may have started',
    async (_what, reply, mayHaveStarted) => {
      const scope = reply(nock(BASE).post(EXECUTE).query(true));
      const extra = nock(BASE).post(EXECUTE).query(true).reply(200, planOk);
      const err = await failure(run());
      expect(err).toBeInstanceOf(HarnessRunError);
      expect((err as HarnessRunError).mayHaveStarted).toBe(mayHaveStarted);
      expect(errorMessage(err)).toMatch(
        mayHaveStarted ? /may have started: check the pipeline's executions/ : /did not start/,
      );
      expect(scope.isDone()).toBe(true);
      expect(extra.isDone()).toBe(false);
    },
  );

  it('is retried after a 429: Harness refused it before doing anything', async () => {
    nock(BASE).post(EXECUTE).query(true).reply(429, 'Too many requests');
    const last = nock(BASE).post(EXECUTE).query(true).reply(200, planOk);
    await expect(run()).resolves.toMatchObject({ executionId: 'exec-1' });
    expect(last.isDone()).toBe(true);
  });

  it('is retried when the connection is refused, and then says the run did not start', async () => {
    let attempts = 0;
    const budget = {
      acquire: () => {
        attempts++;
        return Promise.resolve();
      },
      waiting: 0,
    };
    // Port 9 (discard) has no listener on loopback: a real refused connection.
    const c = createHarnessClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: KEY,
      accountId: 'acct',
      budget,
      retries: 3,
      retryBaseMs: 1,
      retryMaxMs: 2,
    });
    nock.enableNetConnect('127.0.0.1:9');
    const err = (await failure(
      c.runPipeline({ scope: SCOPE, pipelineId: 'p', runtimeInputYaml: '' }),
    )) as HarnessRunError;
    nock.disableNetConnect();
    expect(attempts).toBe(4);
    expect(err.mayHaveStarted).toBe(false);
    expect(err.message).toMatch(/could not be reached .*ECONNREFUSED\. The run did not start/);
  });

  it('carries Harness’s own message, status and endpoint, never the key', async () => {
    nock(BASE).post(EXECUTE).query(true).reply(400, harnessFailure('Pipeline [scale_service] is not valid'));
    const err = (await failure(run())) as HarnessRunError;
    expect(err.cause).toMatchObject({
      status: 400,
      endpoint: `POST ${EXECUTE}`,
      harnessMessage: 'Pipeline [scale_service] is not valid',
      correlationId: 'corr-1',
    });
    expect(err.message).toBe(
      `Harness answered HTTP 400 on POST ${EXECUTE}: Pipeline [scale_service] is not valid. The run did not start.`,
    );
    expect(JSON.stringify(err)).not.toContain(KEY);
    expect(err.message).not.toContain(KEY);
  });
});

describe('reads', () => {
  const EXEC = '/pipeline/api/pipelines/execution/v2/exec-1';
  let fixture: unknown;
  beforeAll(async () => {
    fixture = JSON.parse(await readFile('test/fixtures/harness/execution-v2.json', 'utf8'));
  });

  it('asks for the full graph and parses it into the execution view', async () => {
    nock(BASE)
      .get(EXEC)
      .query({
        accountIdentifier: 'acct',
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
        renderFullBottomGraph: 'true',
      })
      .reply(200, fixture as nock.Body);
    const v = await client().getExecution('exec-1', SCOPE);
    expect(v).toMatchObject({ status: 'ApprovalWaiting', bucket: 'needs-human' });
    expect(v.steps.find((s) => s.type === 'HarnessApproval')?.approvalInstanceId).toBe(
      'AppRovalInstance00001',
    );
  });

  it('retries 429, 5xx, network errors, timeouts and unreadable bodies, then succeeds', async () => {
    nock(BASE).get(EXEC).query(true).reply(429);
    nock(BASE).get(EXEC).query(true).reply(503, 'unavailable');
    nock(BASE).get(EXEC).query(true).replyWithError({ code: 'ECONNRESET', message: 'reset' });
    nock(BASE).get(EXEC).query(true).reply(200, '{"status": "SUCC');
    const last = nock(BASE)
      .get(EXEC)
      .query(true)
      .reply(200, fixture as nock.Body);
    await expect(client({ retries: 5 }).getExecution('exec-1', SCOPE)).resolves.toMatchObject({
      executionId: 'Kq3xQ1yAQ2a9bS0nYkVd1w',
    });
    expect(last.isDone()).toBe(true);
  });

  it('gives up after its retries with a typed error', async () => {
    const scope = nock(BASE)
      .get(EXEC)
      .query(true)
      .times(3)
      .reply(502, harnessFailure('Bad gateway', 'DEFAULT_ERROR_CODE'));
    const err = await failure(client({ retries: 2 }).getExecution('exec-1', SCOPE));
    expect(err).toBeInstanceOf(HarnessApiError);
    expect(err).toMatchObject({
      status: 502,
      kind: 'http',
      harnessMessage: 'Bad gateway',
      code: 'harness_http_502',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('reports a timeout as such', async () => {
    nock(BASE)
      .get(EXEC)
      .query(true)
      .times(2)
      .delay(1000)
      .reply(200, fixture as nock.Body);
    const err = await failure(client({ retries: 1, timeoutMs: 50 }).getExecution('exec-1', SCOPE));
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(errorMessage(err)).toBe(`Harness did not answer in time on GET ${EXEC}`);
  });

  it('does not retry 401, and flags it', async () => {
    const scope = nock(BASE)
      .get(EXEC)
      .query(true)
      .reply(401, harnessFailure('Invalid API token', 'INVALID_TOKEN'));
    nock(BASE)
      .get(EXEC)
      .query(true)
      .reply(200, fixture as nock.Body);
    const err = (await failure(client().getExecution('exec-1', SCOPE))) as HarnessApiError;
    expect(err.unauthorized).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a 200 whose JSON is not an execution', async () => {
    nock(BASE)
      .get(EXEC)
      .query(true)
      .reply(200, { status: 'SUCCESS', data: { pipelineExecutionSummary: { status: 'Running' } } });
    await expect(client().getExecution('exec-1', SCOPE)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('parses an approval instance', async () => {
    nock(BASE)
      .get('/pipeline/api/approvals/ap-1')
      .query({ accountIdentifier: 'acct' })
      .reply(200, {
        status: 'SUCCESS',
        data: {
          id: 'ap-1',
          type: 'HarnessApproval',
          status: 'WAITING',
          deadline: 1724228086000,
          errorMessage: null,
          details: {
            approvalMessage: 'Roll back?',
            approvers: {
              userGroups: ['account.sre_oncall'],
              minimumCount: 2,
              disallowPipelineExecutor: true,
            },
            approverInputs: [{ name: 'ticket', defaultValue: '' }],
            approvalActivities: [
              {
                user: { uuid: 'u1', name: 'Bob', email: 'bob@example.com' },
                action: 'APPROVE',
                approvedAt: 5,
                comments: 'ok',
                approverInputs: [{ name: 'ticket', value: 'CHG-1' }],
              },
            ],
          },
        },
      });
    await expect(client().getApproval('ap-1')).resolves.toEqual({
      id: 'ap-1',
      type: 'HarnessApproval',
      status: 'WAITING',
      deadline: 1724228086000,
      errorMessage: undefined,
      approvalMessage: 'Roll back?',
      userGroups: ['account.sre_oncall'],
      minimumCount: 2,
      disallowPipelineExecutor: true,
      approverInputs: [{ name: 'ticket', defaultValue: '' }],
      activities: [
        {
          user: { uuid: 'u1', name: 'Bob', email: 'bob@example.com' },
          action: 'APPROVE',
          comments: 'ok',
          at: 5,
          approverInputs: [{ name: 'ticket', value: 'CHG-1' }],
        },
      ],
    });
  });

  it('checks group membership at the group’s own scope', async () => {
    const account = nock(BASE)
      .get('/ng/api/user-groups/sre_oncall/member/u1')
      .query({ accountIdentifier: 'acct' })
      .reply(200, { status: 'SUCCESS', data: true });
    const org = nock(BASE)
      .get('/ng/api/user-groups/leads/member/u1')
      .query({ accountIdentifier: 'acct', orgIdentifier: 'default' })
      .reply(200, { status: 'SUCCESS', data: false });
    const project = nock(BASE)
      .get('/ng/api/user-groups/team/member/u1')
      .query({ accountIdentifier: 'acct', orgIdentifier: 'default', projectIdentifier: 'platform' })
      .reply(200, { status: 'SUCCESS', data: true });
    const c = client();
    expect(await c.isUserGroupMember('account.sre_oncall', 'u1', SCOPE)).toBe(true);
    expect(await c.isUserGroupMember('org.leads', 'u1', SCOPE)).toBe(false);
    expect(await c.isUserGroupMember('team', 'u1', SCOPE)).toBe(true);
    expect([account, org, project].every((s) => s.isDone())).toBe(true);
  });
});

describe('decideApproval', () => {
  it('is sent at most once when the answer is lost', async () => {
    const scope = nock(BASE)
      .post('/pipeline/api/approvals/ap-1/harness/activity', {
        action: 'APPROVE',
        comments: 'via Slack',
        approverInputs: [],
      })
      .query(true)
      .reply(502);
    const again = nock(BASE).post('/pipeline/api/approvals/ap-1/harness/activity').query(true).reply(200, {});
    await expect(
      client().decideApproval('ap-1', { action: 'APPROVE', comments: 'via Slack' }),
    ).rejects.toMatchObject({ status: 502 });
    expect(scope.isDone()).toBe(true);
    expect(again.isDone()).toBe(false);
  });

  it('uses a person’s own token when given one', async () => {
    const scope = nock(BASE, { reqheaders: { 'x-api-key': 'pat.person' } })
      .post('/pipeline/api/approvals/ap-1/harness/activity')
      .query(true)
      .reply(400, harnessFailure('You have already approved the pipeline'));
    await expect(client().decideApproval('ap-1', { action: 'APPROVE' }, 'pat.person')).rejects.toMatchObject({
      harnessMessage: 'You have already approved the pipeline',
    });
    expect(scope.isDone()).toBe(true);
  });
});

describe('request budget', () => {
  it('makes requests beyond the budget wait their turn instead of failing', async () => {
    const budget = createRequestBudget(12); // one request per 5-second window
    const c = client({ budget });
    const first = nock(BASE)
      .get('/ng/api/user/currentUser')
      .query(true)
      .reply(200, { status: 'SUCCESS', data: { uuid: 'u1', email: 'a@b.c' } });
    const second = nock(BASE)
      .get('/ng/api/user/currentUser')
      .query(true)
      .reply(200, { status: 'SUCCESS', data: { uuid: 'u2' } });
    await expect(c.currentUser()).resolves.toMatchObject({ uuid: 'u1' });
    const pending = c.currentUser();
    await eventually(
      () => budget.waiting,
      (n) => n === 1,
    );
    expect(first.isDone()).toBe(true);
    expect(second.isDone()).toBe(false);
    expect(budget.waiting).toBe(1);
    nock.abortPendingRequests();
    void pending.catch(() => undefined);
  });

  it('is shared by every client given the same budget', async () => {
    const budget = createRequestBudget(12);
    nock(BASE)
      .get('/ng/api/user/currentUser')
      .query(true)
      .reply(200, { status: 'SUCCESS', data: { uuid: 'u1' } });
    await client({ budget }).currentUser();
    const other = client({ budget, apiKey: 'pat.other' }).currentUser();
    await eventually(
      () => budget.waiting,
      (n) => n === 1,
    );
    void other.catch(() => undefined);
  });

  it('refuses a budget below one request a minute', () => {
    expect(() => createRequestBudget(0)).toThrow(/at least 1 request per minute/);
  });
});
