import { heldUntilGone } from './hold.js';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { BodyTooLargeError, capBytes } from '../../cap-bytes.js';
import { isRecord } from '../../is-record.js';
import { HARNESS_DECIDED, SimEngine, SimHttpError } from './engine.js';
import type { Execution, SimUser, StageRun, StepRun, WebhookEvent } from './engine.js';
import { loadPipelines } from '../../catalogue/pipeline-model.js';
import * as json from './responses.js';
import { DEFAULT_SEED, principalOf, withAdminKey } from './seed.js';
import type { Seed } from './seed.js';
import { errorMessage } from '../../errors.js';

/** Faults on demand, for tests and benchmarks. Rates are 0..1; `*Next` counts are consumed per request. */
export interface Faults {
  /** Answer 429 (no Retry-After, like Harness) beyond this many requests per minute per key. */
  rateLimitPerMinute: number | undefined;
  failNext: number;
  failStatus: number;
  /** When set, `failNext` and `errorRate` apply only to request paths that start with it. */
  failPath: string | undefined;
  garbageNext: number;
  errorRate: number;
  garbageRate: number;
  latencyMs: number;
  /** Answers the next N run requests with `failStatus` without starting anything. */
  failRunNext: number;
  /** Runs the next N pipelines but drops the answer (the connection closes), as a lost response would. */
  dropRunAnswerNext: number;
  /** Runs the pipeline, then answers this much later (the caller may have given up by then). */
  runAnswerDelayMs: number;
  /**
   * Waits this long before the run exists, then answers: Harness fetches a Git-stored pipeline from
   * Git before it starts it (https://developer.harness.io/docs/platform/git-experience/git-experience-overview/).
   */
  runStartDelayMs: number;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  speed?: number;
  seed?: Seed;
  /** Holds pipelines/*.yaml. */
  manifestsDir?: string;
  /** A key for an administrator who is in every group. */
  apiKey?: string;
  webhookUrl?: string;
  webhookHeaders?: Record<string, string>;
}

export interface HarnessSimulator {
  url: string;
  engine: SimEngine;
  faults: Faults;
  /** Webhook deliveries that failed (the receiver was down or answered non-2xx). */
  webhookFailures: number;
  /** API requests answered (control endpoints excluded): for benchmarks. */
  requests: number;
  /** Resolves once every webhook queued so far was delivered (or failed). */
  webhooksDelivered(): Promise<void>;
  /**
   * Holds the next request whose `METHOD /path` contains `match` for `ms`: `before` Harness acts
   * on it (a caller that hangs up meanwhile leaves it undone), or `after` (done, only the answer
   * is late: a lost answer or a client timeout). With `status`, the answer is then that error
   * (a gateway 5xx): before, nothing was done; after, it was done all the same.
   * Resolves when the request arrives.
   */
  holdNext(match: string, opts: HoldOptions): Promise<void>;
  close(): Promise<void>;
}

const NO_FAULTS: Faults = {
  rateLimitPerMinute: undefined,
  failNext: 0,
  failStatus: 500,
  failPath: undefined,
  garbageNext: 0,
  errorRate: 0,
  garbageRate: 0,
  latencyMs: 0,
  failRunNext: 0,
  dropRunAnswerNext: 0,
  runAnswerDelayMs: 0,
  runStartDelayMs: 0,
};

export async function startHarnessSimulator(opts: SimulatorOptions = {}): Promise<HarnessSimulator> {
  const seed =
    opts.apiKey === undefined
      ? (opts.seed ?? DEFAULT_SEED)
      : withAdminKey(opts.seed ?? DEFAULT_SEED, opts.apiKey);
  const pipelines = await loadPipelines(path.join(opts.manifestsDir ?? 'manifests', 'pipelines'));
  const faults: Faults = { ...NO_FAULTS };
  const holds: Hold[] = [];
  let deliveries: Promise<void> = Promise.resolve();
  let baseUrl = '';
  const sim: HarnessSimulator = {
    url: '',
    faults,
    webhookFailures: 0,
    requests: 0,
    engine: new SimEngine({
      seed,
      pipelines,
      speed: opts.speed ?? 1,
      notify: (event: WebhookEvent, e: Execution, stage?: StageRun, step?: StepRun) => {
        const webhookUrl = opts.webhookUrl;
        if (webhookUrl === undefined) return;
        const body = JSON.stringify(json.webhookPayload(event, e, seed.accountId, baseUrl, stage, step));
        // One at a time, in event order, so a receiver sees PipelineStart before PipelineEnd.
        deliveries = deliveries.then(async () => {
          try {
            const r = await fetch(webhookUrl, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', ...opts.webhookHeaders },
              body,
            });
            if (!r.ok) sim.webhookFailures++;
          } catch {
            sim.webhookFailures++;
          }
        });
      },
    }),
    webhooksDelivered: () => deliveries,
    holdNext: (match, opts) =>
      new Promise((resolve) => {
        holds.push({ match, ...opts, arrived: resolve });
      }),
    close: async () => {
      for (const e of sim.engine.executions.values()) e.abort.abort();
      await deliveries;
      // Held requests end with the server rather than keep it open.
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
  const hits = new Map<string, number[]>();
  const server = createServer((req, res) => {
    handle(sim, seed, hits, holds, req, res).catch((err: unknown) => {
      send(res, 500, json.failure('DEFAULT_ERROR_CODE', errorMessage(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${opts.host ?? '127.0.0.1'}:${String(address.port)}`;
  sim.url = baseUrl;
  return sim;
}

const GATEWAY_ERROR = 'Oops, something went wrong on our end. Please contact Harness Support.';
const EXECUTE = /^\/pipeline\/api\/pipeline\/execute\/([^/]+)$/;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(res: ServerResponse, status: number, body: unknown, raw = false): void {
  const text = raw ? String(body) : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return await text(capBytes(req, 1_000_000));
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      throw new SimHttpError(413, 'INVALID_ARGUMENT', 'Request body too large');
    throw err;
  }
}

async function handle(
  sim: HarnessSimulator,
  seed: Seed,
  hits: Map<string, number[]>,
  holds: Hold[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const p = url.pathname.replace(/^\/gateway/, '');
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  if (p.startsWith('/_sim/')) {
    control(sim, p, method === 'POST' ? await readBody(req) : '', res);
    return;
  }
  sim.requests++;
  const key = req.headers['x-api-key'];
  const user = typeof key === 'string' ? principalOf(seed, key) : undefined;
  if (user === undefined) {
    send(res, 401, json.failure('INVALID_TOKEN', 'Invalid API token: authentication failed', 401));
    return;
  }
  if (await injectFault(sim.faults, hits, key as string, p, res)) return;
  try {
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : '';
    const hold = takeHold(holds, `${method} ${p}`);
    if (hold?.when === 'before' && (await heldUntilGone(res, hold.ms))) return;
    if (hold?.when === 'before' && hold.status !== undefined) {
      send(res, hold.status, json.failure('DEFAULT_ERROR_CODE', GATEWAY_ERROR));
      return;
    }
    const executes = method === 'POST' && EXECUTE.test(p);
    if (executes && sim.faults.failRunNext > 0) {
      sim.faults.failRunNext--;
      send(res, sim.faults.failStatus, json.failure('DEFAULT_ERROR_CODE', GATEWAY_ERROR));
      return;
    }
    if (executes && sim.faults.runStartDelayMs > 0) await sleep(sim.faults.runStartDelayMs);
    const result = route(sim, seed, user, method, p, q, body);
    if (hold?.when === 'after' && (await heldUntilGone(res, hold.ms))) return;
    if (hold?.status !== undefined) {
      send(res, hold.status, json.failure('DEFAULT_ERROR_CODE', GATEWAY_ERROR));
      return;
    }
    if (result === undefined) {
      send(res, 404, json.failure('RESOURCE_NOT_FOUND', `No such endpoint: ${method} ${p}`, 404));
      return;
    }
    if (executes && sim.faults.dropRunAnswerNext > 0) {
      sim.faults.dropRunAnswerNext--;
      res.destroy();
      return;
    }
    if (executes && sim.faults.runAnswerDelayMs > 0) await sleep(sim.faults.runAnswerDelayMs);
    send(res, 200, result);
  } catch (err) {
    if (err instanceof SimHttpError) send(res, err.status, json.failure(err.code, err.message, err.status));
    else throw err;
  }
}

export interface HoldOptions {
  ms: number;
  when: 'before' | 'after';
  status?: number;
}

interface Hold extends HoldOptions {
  match: string;
  arrived: () => void;
}

function takeHold(holds: Hold[], request: string): Hold | undefined {
  const i = holds.findIndex((h) => request.includes(h.match));
  const hold = holds[i];
  if (hold === undefined) return undefined;
  holds.splice(i, 1);
  hold.arrived();
  return hold;
}

async function injectFault(
  f: Faults,
  hits: Map<string, number[]>,
  key: string,
  path: string,
  res: ServerResponse,
): Promise<boolean> {
  if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
  if (f.rateLimitPerMinute !== undefined) {
    const now = Date.now();
    const recent = (hits.get(key) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    hits.set(key, recent);
    if (recent.length > f.rateLimitPerMinute) {
      // Harness sends no Retry-After header.
      send(res, 429, json.failure('DEFAULT_ERROR_CODE', 'Too many requests. Please try again later.'));
      return true;
    }
  }
  const targeted = f.failPath === undefined || path.startsWith(f.failPath);
  if (targeted && (f.failNext > 0 || Math.random() < f.errorRate)) {
    if (f.failNext > 0) f.failNext--;
    send(res, f.failStatus, json.failure('DEFAULT_ERROR_CODE', GATEWAY_ERROR));
    return true;
  }
  if (f.garbageNext > 0 || Math.random() < f.garbageRate) {
    if (f.garbageNext > 0) f.garbageNext--;
    send(res, 200, '<html><body>502 Bad Gateway</body>', true);
    return true;
  }
  return false;
}

function control(sim: HarnessSimulator, p: string, body: string, res: ServerResponse): void {
  const data: unknown = body === '' ? {} : JSON.parse(body);
  const input = isRecord(data) ? data : {};
  switch (p) {
    case '/_sim/health':
      send(res, 200, { ok: true, executions: sim.engine.executions.size });
      return;
    case '/_sim/faults':
      Object.assign(sim.faults, NO_FAULTS, input);
      send(res, 200, sim.faults);
      return;
    case '/_sim/fail-step':
      sim.engine.failNextStep(
        String(input.stepId),
        typeof input.message === 'string' ? input.message : 'Step failed',
      );
      send(res, 200, { ok: true });
      return;
    case '/_sim/approve-ticket':
      // The Jira issue / ServiceNow ticket reached its approval (or rejection) criteria.
      sim.engine.settleExternally(String(input.approvalId), input.action === 'REJECT' ? 'REJECT' : 'APPROVE');
      send(res, 200, { ok: true });
      return;
    case '/_sim/expire':
      sim.engine.expire(String(input.approvalId));
      send(res, 200, { ok: true });
      return;
    default:
      send(res, 404, { ok: false });
  }
}

type Query = URLSearchParams;

/** A Git-stored pipeline is run from the repository and branch the execute call names. */
function gitOf(q: Query): { repoName: string; branch: string } | undefined {
  const repoName = q.get('repoName') ?? q.get('repoIdentifier');
  const branch = q.get('branch');
  return repoName === null || repoName === '' ? undefined : { repoName, branch: branch ?? 'main' };
}

function requireAccount(seed: Seed, q: Query): void {
  const account = q.get('accountIdentifier');
  if (account === null || account === '')
    throw new SimHttpError(400, 'INVALID_ARGUMENT', 'accountIdentifier: must not be null');
  if (account !== seed.accountId)
    throw new SimHttpError(403, 'ACCESS_DENIED', `Not authorized to access account [${account}]`);
}

/** Executions are found within their org and project, as in Harness. */
function inScope(e: Execution, scope: { orgId: string; projectId: string }): Execution {
  if (e.pipeline.orgId !== scope.orgId || e.pipeline.projectId !== scope.projectId) {
    throw new SimHttpError(
      404,
      'RESOURCE_NOT_FOUND',
      `Plan Execution with id [${e.id}] is not present or has been deleted`,
    );
  }
  return e;
}

function requireScope(q: Query): { orgId: string; projectId: string } {
  return { orgId: requireParam(q, 'orgIdentifier'), projectId: requireParam(q, 'projectIdentifier') };
}

function requireParam(q: Query, name: string): string {
  const v = q.get(name);
  if (v === null || v === '') throw new SimHttpError(400, 'INVALID_ARGUMENT', `${name}: must not be null`);
  return v;
}

function pageArgs(q: Query, pageKey: string, sizeKey: string, defaultSize = 50): [number, number] {
  return [
    Number(q.get(pageKey) ?? 0) || 0,
    Math.min(100, Number(q.get(sizeKey) ?? defaultSize) || defaultSize),
  ];
}

function matches(search: string | null, ...texts: string[]): boolean {
  const s = (search ?? '').toLowerCase();
  return s === '' || texts.some((t) => t.toLowerCase().includes(s));
}

function route(
  sim: HarnessSimulator,
  seed: Seed,
  user: SimUser,
  method: string,
  p: string,
  q: Query,
  body: string,
): unknown {
  const engine = sim.engine;
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = EXECUTE.exec(p))) {
    requireAccount(seed, q);
    const scope = {
      orgId: requireParam(q, 'orgIdentifier'),
      projectId: requireParam(q, 'projectIdentifier'),
    };
    return json.planExecution(
      engine.start(
        decodeURIComponent(m[1] ?? ''),
        scope,
        body,
        user,
        q.get('notesForPipelineExecution') ?? undefined,
        gitOf(q),
      ),
    );
  }
  if (method === 'POST' && p === '/pipeline/api/pipelines/execution/summary') {
    // pipeline-service ExecutionDetailsResource.getListOfExecutions: account, org and project are @NotNull.
    requireAccount(seed, q);
    const scope = requireScope(q);
    const pipelineId = q.get('pipelineIdentifier');
    const [pg, size] = pageArgs(q, 'page', 'size', 10);
    const items = [...engine.executions.values()].filter(
      (e) =>
        e.pipeline.orgId === scope.orgId &&
        e.pipeline.projectId === scope.projectId &&
        (pipelineId === null || e.pipeline.identifier === pipelineId),
    );
    return json.executionList(items, pg, size);
  }
  if (method === 'GET' && (m = /^\/pipeline\/api\/pipelines\/execution\/([^/]+)\/notes$/.exec(p))) {
    // getNotesForExecution: PipelineExecutionNotesDTO { notes }.
    requireAccount(seed, q);
    return json.ok({ notes: engine.mustGet(decodeURIComponent(m[1] ?? '')).notes ?? '' });
  }
  if (method === 'GET' && (m = /^\/pipeline\/api\/pipelines\/execution\/v2\/([^/]+)$/.exec(p))) {
    requireAccount(seed, q);
    const scope = requireScope(q);
    return json.executionDetail(inScope(engine.mustGet(decodeURIComponent(m[1] ?? '')), scope));
  }
  if (method === 'PUT' && (m = /^\/pipeline\/api\/pipeline\/execute\/interrupt\/([^/]+)$/.exec(p))) {
    requireAccount(seed, q);
    const scope = requireScope(q);
    const type = requireParam(q, 'interruptType');
    inScope(engine.mustGet(decodeURIComponent(m[1] ?? '')), scope);
    if (type !== 'AbortAll' && type !== 'Abort')
      throw new SimHttpError(400, 'INVALID_ARGUMENT', `The simulator supports AbortAll, not ${type}`);
    const e = engine.abort(decodeURIComponent(m[1] ?? ''));
    return json.ok({ id: `${e.id}-abort`, type, planExecutionId: e.id });
  }
  if ((m = /^\/pipeline\/api\/approvals\/([^/]+)(\/harness\/(activity|authorization))?$/.exec(p))) {
    const id = decodeURIComponent(m[1] ?? '');
    const a = engine.approvals.get(id);
    if (a === undefined)
      throw new SimHttpError(404, 'RESOURCE_NOT_FOUND', `Approval instance with id [${id}] not found`);
    if (method === 'GET' && m[3] === undefined) return json.ok(json.approvalInstance(a));
    if (m[3] !== undefined && !HARNESS_DECIDED.has(a.type))
      throw new SimHttpError(
        400,
        'INVALID_REQUEST',
        `Invalid request: Invalid harness approval instance id: ${id}`,
      );
    if (method === 'GET' && m[3] === 'authorization') {
      const reason = engine.authorize(a, user);
      return json.ok({ authorized: reason === undefined, reason: reason ?? '' });
    }
    if (method === 'POST' && m[3] === 'activity') {
      const input = parseJson(body);
      const action = input.action;
      if (action !== 'APPROVE' && action !== 'REJECT')
        throw new SimHttpError(400, 'INVALID_ARGUMENT', 'action: must be APPROVE or REJECT');
      const inputs = (Array.isArray(input.approverInputs) ? input.approverInputs : []).flatMap((i) =>
        isRecord(i) && typeof i.name === 'string'
          ? [{ name: i.name, value: typeof i.value === 'string' ? i.value : '' }]
          : [],
      );
      return json.ok(
        json.approvalInstance(
          engine.decide(id, user, action, typeof input.comments === 'string' ? input.comments : '', inputs),
        ),
      );
    }
  }
  if (
    method === 'GET' &&
    (m = /^\/pipeline\/api\/v1\/orgs\/([^/]+)\/projects\/([^/]+)\/approvals\/execution\/([^/]+)$/.exec(p))
  ) {
    const e = engine.mustGet(decodeURIComponent(m[3] ?? ''));
    const status = q.get('approval_status');
    return [...engine.approvals.values()]
      .filter((a) => a.execution === e && (status === null || a.status === status))
      .map(json.approvalSummary);
  }
  if (p.startsWith('/ng/api/')) return ngRoute(engine.seed, engine, method, p, q, body, user);
  if (method === 'GET' && p === '/v1/entities') return catalogEntities(seed, q);
  return undefined;
}

/**
 * IDP catalog: the seed's groups and users as Group and User entities (v1: unwrapped, snake_case),
 * each in its scope (`account`, `account.org`, `account.org.project`). `scopes` picks which, as
 * Harness's own IDP UI sends it (`scopes=account.*`); without it only the account's.
 */
function catalogEntities(seed: Seed, q: Query): unknown[] {
  const kinds = (q.get('kind') ?? 'group,user').toLowerCase().split(',');
  const search = q.get('search_term');
  const wanted = (q.get('scopes') ?? 'account').split(',').map((s) => s.trim());
  const inScopes = (scope: string) =>
    wanted.some((w) =>
      w.endsWith('.*') ? scope === w.slice(0, -2) || scope.startsWith(w.slice(0, -1)) : scope === w,
    );
  const [org] = seed.orgs;
  const groups = seed.userGroups.map((g) => {
    const [, level, id] = /^(?:(account|org)\.)?(.*)$/.exec(g.ref) ?? [];
    const scope =
      level === 'account'
        ? 'account'
        : level === 'org'
          ? `account.${org?.identifier ?? 'default'}`
          : `account.${org?.identifier ?? 'default'}.${org?.projects[0]?.identifier ?? 'default'}`;
    return { kind: 'group', identifier: id ?? g.ref, name: g.name, scope };
  });
  const users = seed.users.map((u) => ({
    kind: 'user',
    identifier: u.email.split('@')[0] ?? u.uuid,
    name: u.name,
    scope: 'account',
  }));
  const limit = Math.min(100, Number(q.get('limit') ?? 50) || 50);
  return [...groups, ...users]
    .filter((e) => kinds.includes(e.kind) && inScopes(e.scope) && matches(search, e.identifier, e.name))
    .slice(0, limit)
    .map((e) => ({ ...e, entity_ref: `${e.kind}:${e.scope}/${e.identifier}` }));
}

function parseJson(body: string): Record<string, unknown> {
  try {
    const v: unknown = body === '' ? {} : JSON.parse(body);
    return isRecord(v) ? v : {};
  } catch {
    throw new SimHttpError(400, 'INVALID_ARGUMENT', 'Unable to process JSON');
  }
}

function ngRoute(
  seed: Seed,
  engine: SimEngine,
  method: string,
  p: string,
  q: Query,
  _body: string,
  user: SimUser,
): unknown {
  if (method === 'GET' && p === '/ng/api/user/currentUser') {
    // ng-manager CurrentUserHelper: a service-account key has no current user.
    if (user.serviceAccountRef !== undefined)
      throw new SimHttpError(
        400,
        'INVALID_REQUEST',
        "Invalid request: Current user can be accessed only by 'USER' principal type",
      );
    return json.ok({
      uuid: user.uuid,
      name: user.name,
      email: user.email,
      defaultAccountId: seed.accountId,
      admin: false,
      emailVerified: true,
      locked: false,
      twoFactorAuthenticationEnabled: false,
    });
  }
  requireAccount(seed, q);
  const search = q.get('searchTerm');
  let m: RegExpExecArray | null;
  /** ServiceResponseDTO / EnvironmentResponseDTO share this shape (ng Swagger). */
  const ngEntity = (e: { identifier: string; name: string }, extra: Record<string, unknown> = {}) => ({
    accountId: seed.accountId,
    identifier: e.identifier,
    orgIdentifier: q.get('orgIdentifier') ?? undefined,
    projectIdentifier: q.get('projectIdentifier') ?? undefined,
    name: e.name,
    description: '',
    ...extra,
    deleted: false,
    tags: {},
    version: 1,
  });
  if (method === 'GET' && p === '/ng/api/servicesV2') {
    const [pg, size] = pageArgs(q, 'page', 'size');
    const items = seed.services.filter((s) => matches(search, s.identifier, s.name));
    return json.page(
      items.map((s) => ({ service: ngEntity(s), createdAt: 0, lastModifiedAt: 0 })),
      pg,
      size,
    );
  }
  if (method === 'GET' && p === '/ng/api/environmentsV2') {
    const [pg, size] = pageArgs(q, 'page', 'size');
    const items = seed.environments.filter((s) => matches(search, s.identifier, s.name));
    return json.page(
      items.map((s) => ({
        environment: ngEntity(s, { color: '#0063F7', type: s.type }),
        createdAt: 0,
        lastModifiedAt: 0,
      })),
      pg,
      size,
    );
  }
  if (method === 'GET' && p === '/ng/api/infrastructures') {
    const env = requireParam(q, 'environmentIdentifier');
    const [pg, size] = pageArgs(q, 'page', 'size');
    const items = seed.infrastructures.filter(
      (s) => s.environment === env && matches(search, s.identifier, s.name),
    );
    return json.page(
      items.map((s) => ({
        infrastructure: {
          accountId: seed.accountId,
          identifier: s.identifier,
          name: s.name,
          environmentRef: s.environment,
          deploymentType: s.deploymentType,
          orgIdentifier: q.get('orgIdentifier') ?? undefined,
          projectIdentifier: q.get('projectIdentifier') ?? undefined,
        },
      })),
      pg,
      size,
    );
  }
  // ng-manager's OrganizationResource/ProjectResource page with pageIndex/pageSize (PageRequest).
  if (method === 'GET' && p === '/ng/api/organizations') {
    const [pg, size] = pageArgs(q, 'pageIndex', 'pageSize');
    return json.page(
      seed.orgs
        .filter((o) => matches(search, o.identifier, o.name))
        .map((o) => ({ organization: { identifier: o.identifier, name: o.name } })),
      pg,
      size,
    );
  }
  if (method === 'GET' && p === '/ng/api/projects') {
    const [pg, size] = pageArgs(q, 'pageIndex', 'pageSize');
    const org = q.get('orgIdentifier');
    const items = seed.orgs
      .filter((o) => org === null || o.identifier === org)
      .flatMap((o) => o.projects.map((pr) => ({ ...pr, orgIdentifier: o.identifier })));
    return json.page(
      items.filter((pr) => matches(search, pr.identifier, pr.name)).map((pr) => ({ project: pr })),
      pg,
      size,
    );
  }
  const refOf = (id: string): string =>
    q.get('projectIdentifier') ? id : q.get('orgIdentifier') ? `org.${id}` : `account.${id}`;
  const groupDto = (g: Seed['userGroups'][number]) => ({
    accountIdentifier: seed.accountId,
    identifier: g.ref.replace(/^(account|org)\./, ''),
    name: g.name,
    users: g.users,
    notificationConfigs: [],
    description: '',
    tags: {},
    ssoLinked: false,
  });
  if (method === 'GET' && p === '/ng/api/user-groups') {
    const [pg, size] = pageArgs(q, 'pageIndex', 'pageSize');
    const scopePrefix = q.get('projectIdentifier') ? '' : q.get('orgIdentifier') ? 'org.' : 'account.';
    const items = seed.userGroups.filter(
      (g) =>
        (scopePrefix === '' ? !/^(account|org)\./.test(g.ref) : g.ref.startsWith(scopePrefix)) &&
        matches(search, g.ref, g.name),
    );
    return json.page(items.map(groupDto), pg, size);
  }
  if (method === 'GET' && (m = /^\/ng\/api\/user-groups\/([^/]+)\/member\/([^/]+)$/.exec(p))) {
    return json.ok(engine.isMember(refOf(decodeURIComponent(m[1] ?? '')), decodeURIComponent(m[2] ?? '')));
  }
  if (method === 'GET' && (m = /^\/ng\/api\/user-groups\/([^/]+)$/.exec(p))) {
    const g = seed.userGroups.find((x) => x.ref === refOf(decodeURIComponent(m?.[1] ?? '')));
    if (g === undefined)
      throw new SimHttpError(404, 'RESOURCE_NOT_FOUND', `User Group [${m[1] ?? ''}] not found`);
    return json.ok(groupDto(g));
  }
  if (method === 'POST' && (m = /^\/ng\/api\/user-groups\/([^/]+)\/users$/.exec(p))) {
    const g = seed.userGroups.find((x) => x.ref === refOf(decodeURIComponent(m?.[1] ?? '')));
    if (g === undefined)
      throw new SimHttpError(404, 'RESOURCE_NOT_FOUND', `User Group [${m[1] ?? ''}] not found`);
    const [pg, size] = pageArgs(q, 'pageIndex', 'pageSize');
    return json.page(
      seed.users
        .filter((u) => g.users.includes(u.uuid))
        .map((u) => ({ uuid: u.uuid, name: u.name, email: u.email, locked: false })),
      pg,
      size,
    );
  }
  if (method === 'POST' && p === '/ng/api/user/aggregate') {
    const [pg, size] = pageArgs(q, 'pageIndex', 'pageSize');
    const items = seed.users.filter((u) => matches(search, u.email, u.name));
    return json.page(
      items.map((u) => ({
        user: { uuid: u.uuid, name: u.name, email: u.email, locked: false },
        roleAssignmentMetadata: [],
      })),
      pg,
      size,
    );
  }
  return undefined;
}
