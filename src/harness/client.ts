import { z } from 'zod';
import { HarnessApiError, HarnessRunError } from './errors.js';
import { parseExecutionGraph } from './execution-view.js';
import { entityRef, entitySearchTerm } from './entity-ref.js';
import { HarnessHttp, mayHaveReachedHarness } from './http.js';
import type { HarnessHttpOptions } from './http.js';
import { createRequestBudget } from './request-budget.js';
import type { RequestBudget } from './request-budget.js';
import type { ApprovalInstance, ExecutionView, HarnessUser, NamedEntity, Page, Scope } from './types.js';
import * as wire from './wire.js';

export interface HarnessClientOptions {
  baseUrl: string;
  apiKey: string;
  accountId: string;
  /** Shared by every client of one key; one is made when omitted. */
  budget?: RequestBudget;
  timeoutMs?: number;
  /**
   * Running a pipeline: Harness fetches a Git-stored pipeline from Git before it answers, so
   * the execute call gets its own, longer timeout.
   */
  executeTimeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Told of each request once its retries are over (metrics). */
  observe?: HarnessHttpOptions['observe'];
}

export interface RunRequest {
  scope: Scope;
  pipelineId: string;
  runtimeInputYaml: string;
  /** The pipeline's module (`idp`, `cd`, …), as in its URL. */
  moduleType?: string;
  branch?: string;
  repoName?: string;
  /** Shown on the execution; names the Slack user who asked. */
  notes?: string;
}

export interface ApprovalDecision {
  action: 'APPROVE' | 'REJECT';
  comments?: string;
  approverInputs?: { name: string; value: string }[];
}

export interface ListQuery {
  search?: string;
  page?: number;
  size?: number;
}

export type HarnessClient = ReturnType<typeof createHarnessClient>;

const scopeParams = (s: Scope) => ({ orgIdentifier: s.orgId, projectIdentifier: s.projectId });

/** Every Harness call the bot makes. Responses are parsed into the bot's own types. */
export function createHarnessClient(opts: HarnessClientOptions) {
  const http = new HarnessHttp({
    baseUrl: opts.baseUrl,
    apiKey: opts.apiKey,
    accountId: opts.accountId,
    budget: opts.budget ?? createRequestBudget(),
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: opts.retries ?? 4,
    retryBaseMs: opts.retryBaseMs ?? 250,
    retryMaxMs: opts.retryMaxMs ?? 8_000,
    ...(opts.observe === undefined ? {} : { observe: opts.observe }),
  });

  const list = async <T, R>(
    schema: z.ZodType<{ data?: { content?: T[] | null; totalItems?: number | null } | null }>,
    path: string,
    params: Record<string, string | number | undefined>,
    map: (item: T) => R | undefined,
  ): Promise<Page<R>> => {
    const r = await http.request(schema, { method: 'GET', path, params, retry: 'safe' });
    const items = (r.data?.content ?? []).map(map).filter((x): x is R => x !== undefined);
    return { items, totalItems: r.data?.totalItems ?? undefined };
  };
  const named = (e: { identifier: string; name?: string | null }): NamedEntity => ({
    identifier: e.identifier,
    name: e.name ?? e.identifier,
  });
  const paging = (q: ListQuery) => ({
    searchTerm: q.search === '' ? undefined : q.search,
    page: q.page ?? 0,
    size: q.size ?? 50,
  });
  const ngPaging = (q: ListQuery) => ({
    searchTerm: q.search === '' ? undefined : q.search,
    pageIndex: q.page ?? 0,
    pageSize: q.size ?? 50,
  });

  return {
    accountId: opts.accountId,

    /**
     * Runs a pipeline with runtime-input YAML. Never retried once the request may have reached
     * Harness: a double run is impossible, and the error says whether the run may have started.
     */
    async runPipeline(req: RunRequest): Promise<{ executionId: string; status: string }> {
      try {
        const r = await http.request(wire.planExecutionResponse, {
          method: 'POST',
          path: `/pipeline/api/pipeline/execute/${encodeURIComponent(req.pipelineId)}`,
          params: {
            ...scopeParams(req.scope),
            moduleType: req.moduleType,
            branch: req.branch,
            repoName: req.repoName,
            notesForPipelineExecution: req.notes,
          },
          // Harness expects an empty body, not none, when there are no inputs.
          data: req.runtimeInputYaml,
          contentType: 'application/yaml',
          retry: 'not-sent-only',
          timeoutMs: opts.executeTimeoutMs ?? 120_000,
        });
        const plan = r.data.planExecution;
        return { executionId: plan.uuid, status: plan.status ?? 'RUNNING' };
      } catch (err) {
        if (err instanceof HarnessApiError) throw new HarnessRunError(mayHaveReachedHarness(err), err);
        throw err;
      }
    },

    /**
     * The pipeline's executions started since `sinceTs`, newest first (one page: a run being
     * looked for started moments ago).
     */
    async recentExecutions(
      pipelineId: string,
      scope: Scope,
      sinceTs: number,
    ): Promise<{ executionId: string; startTs: number | undefined; hasNotes: boolean }[]> {
      const r = await http.request(wire.executionSummaryPage, {
        method: 'POST',
        path: '/pipeline/api/pipelines/execution/summary',
        params: {
          ...scopeParams(scope),
          pipelineIdentifier: pipelineId,
          page: 0,
          size: 50,
          sort: 'startTs,DESC',
        },
        data: { filterType: 'PipelineExecution' },
        contentType: 'application/json',
        // A read, though sent with POST.
        retry: 'safe',
      });
      return (r.data.content ?? [])
        .filter((e) => e.startTs === undefined || e.startTs === null || e.startTs >= sinceTs)
        .map((e) => ({
          executionId: e.planExecutionId,
          startTs: e.startTs ?? undefined,
          // Older builds do not say; then the notes must be read to know.
          hasNotes: e.notesExistForPlanExecutionId !== false,
        }));
    },

    /** The notes an execution was started with (`notesForPipelineExecution`). */
    async executionNotes(executionId: string): Promise<string> {
      const r = await http.request(wire.executionNotes, {
        method: 'GET',
        path: `/pipeline/api/pipelines/execution/${encodeURIComponent(executionId)}/notes`,
        retry: 'safe',
      });
      return r.data?.notes ?? '';
    },

    async getExecution(executionId: string, scope: Scope): Promise<ExecutionView> {
      const r = await http.request(wire.executionDetail, {
        method: 'GET',
        path: `/pipeline/api/pipelines/execution/v2/${encodeURIComponent(executionId)}`,
        params: { ...scopeParams(scope), renderFullBottomGraph: true },
        retry: 'safe',
      });
      return parseExecutionGraph(r.data);
    },

    async abortExecution(executionId: string, scope: Scope): Promise<void> {
      await http.request(wire.interruptResponse, {
        method: 'PUT',
        path: `/pipeline/api/pipeline/execute/interrupt/${encodeURIComponent(executionId)}`,
        params: { ...scopeParams(scope), interruptType: 'AbortAll' },
        retry: 'safe',
      });
    },

    async getApproval(approvalId: string, apiKey?: string): Promise<ApprovalInstance> {
      const r = await http.request(wire.approvalResponse, {
        method: 'GET',
        path: `/pipeline/api/approvals/${encodeURIComponent(approvalId)}`,
        retry: 'safe',
        ...(apiKey === undefined ? {} : { apiKey }),
      });
      return toApproval(r.data);
    },

    async listExecutionApprovals(
      executionId: string,
      scope: Scope,
      status?: string,
    ): Promise<{ id: string; type: string; status: string }[]> {
      const r = await http.request(wire.approvalList, {
        method: 'GET',
        path: `/pipeline/api/v1/orgs/${encodeURIComponent(scope.orgId)}/projects/${encodeURIComponent(scope.projectId)}/approvals/execution/${encodeURIComponent(executionId)}`,
        params: { approval_status: status },
        retry: 'safe',
      });
      return r.map((a) => ({ id: a.id, type: a.type ?? 'HarnessApproval', status: a.status ?? 'WAITING' }));
    },

    /**
     * Whether Harness would take a decision on `approvalId` from the key's principal (the bot's key
     * when `apiKey` is omitted), and if not, Harness's reason.
     */
    async approvalAuthorization(
      approvalId: string,
      apiKey?: string,
    ): Promise<{ authorized: boolean; reason: string }> {
      const r = await http.request(wire.approvalAuthorization, {
        method: 'GET',
        path: `/pipeline/api/approvals/${encodeURIComponent(approvalId)}/harness/authorization`,
        retry: 'safe',
        ...(apiKey === undefined ? {} : { apiKey }),
      });
      return { authorized: r.data.authorized, reason: r.data.reason ?? '' };
    },

    /** Approve or reject. Sent at most once: a repeat would be a second decision. */
    async decideApproval(
      approvalId: string,
      decision: ApprovalDecision,
      apiKey?: string,
    ): Promise<ApprovalInstance> {
      const r = await http.request(wire.approvalResponse, {
        method: 'POST',
        path: `/pipeline/api/approvals/${encodeURIComponent(approvalId)}/harness/activity`,
        data: {
          action: decision.action,
          comments: decision.comments ?? '',
          approverInputs: decision.approverInputs ?? [],
        },
        contentType: 'application/json',
        retry: 'not-sent-only',
        ...(apiKey === undefined ? {} : { apiKey }),
      });
      return toApproval(r.data);
    },

    listServices: (scope: Scope, q: ListQuery = {}) =>
      list(wire.servicesPage, '/ng/api/servicesV2', { ...scopeParams(scope), ...paging(q) }, (i) =>
        named(i.service),
      ),

    listEnvironments: (scope: Scope, q: ListQuery = {}) =>
      list(wire.environmentsPage, '/ng/api/environmentsV2', { ...scopeParams(scope), ...paging(q) }, (i) =>
        named(i.environment),
      ),

    listInfrastructures: (scope: Scope, environmentId: string, q: ListQuery = {}) =>
      list(
        wire.infrastructuresPage,
        '/ng/api/infrastructures',
        { ...scopeParams(scope), environmentIdentifier: environmentId, ...paging(q) },
        (i) => named(i.infrastructure),
      ),

    listUserGroups: (scope: Partial<Scope>, q: ListQuery = {}) =>
      list(
        wire.userGroupsPage,
        '/ng/api/user-groups',
        { orgIdentifier: scope.orgId, projectIdentifier: scope.projectId, ...ngPaging(q) },
        named,
      ),

    // ng-manager's organization and project lists page with pageIndex/pageSize, not page/size.
    listOrganizations: (q: ListQuery = {}) =>
      list(wire.organizationsPage, '/ng/api/organizations', ngPaging(q), (i) => named(i.organization)),

    listProjects: (orgId: string | undefined, q: ListQuery = {}) =>
      list(wire.projectsPage, '/ng/api/projects', { orgIdentifier: orgId, ...ngPaging(q) }, (i) =>
        named(i.project),
      ),

    /** IDP catalog entities of the given kinds, for OwnerPicker and EntityPicker fields. */
    async listCatalogEntities(
      kinds: string[],
      q: ListQuery = {},
    ): Promise<{ ref: string; name: string; kind: string }[]> {
      const r = await http.request(wire.catalogEntities, {
        method: 'GET',
        path: '/v1/entities',
        params: {
          kind: kinds.map((k) => k.toLowerCase()).join(',') || undefined,
          // Every scope of the account, as Harness's own clients ask (harness-api.md §2, IDP rows).
          scopes: 'account.*',
          search_term: q.search === undefined || q.search === '' ? undefined : entitySearchTerm(q.search),
          page: q.page ?? 0,
          limit: Math.min(100, q.size ?? 50),
        },
        retry: 'safe',
      });
      return r.map((e) => ({
        ref: e.entity_ref ?? entityRef(e.kind, e.scope ?? undefined, e.identifier),
        name: e.name ?? e.identifier,
        kind: e.kind,
      }));
    },

    /**
     * Membership of a group written as in an approval step: `account.x` (account scope),
     * `org.x` (the run's org) or `x` (the run's project), harness-api.md §5.3.
     */
    async isUserGroupMember(groupRef: string, userUuid: string, runScope: Scope): Promise<boolean> {
      const { identifier, orgId, projectId } = groupScope(groupRef, runScope);
      const r = await http.request(wire.booleanResponse, {
        method: 'GET',
        path: `/ng/api/user-groups/${encodeURIComponent(identifier)}/member/${encodeURIComponent(userUuid)}`,
        params: { orgIdentifier: orgId, projectIdentifier: projectId },
        retry: 'safe',
      });
      return r.data;
    },

    /** Members of a group written as in an approval step (first 100). */
    async listGroupMembers(groupRef: string, runScope: Scope): Promise<HarnessUser[]> {
      const { identifier, orgId, projectId } = groupScope(groupRef, runScope);
      const r = await http.request(wire.groupMembersPage, {
        method: 'POST',
        path: `/ng/api/user-groups/${encodeURIComponent(identifier)}/users`,
        params: { orgIdentifier: orgId, projectIdentifier: projectId, pageIndex: 0, pageSize: 100 },
        data: {},
        contentType: 'application/json',
        retry: 'safe',
      });
      return (r.data.content ?? []).map((u) => ({
        uuid: u.uuid,
        name: u.name ?? undefined,
        email: u.email ?? undefined,
      }));
    },

    async findUserByEmail(email: string): Promise<HarnessUser | undefined> {
      const r = await http.request(wire.usersPage, {
        method: 'POST',
        path: '/ng/api/user/aggregate',
        params: { searchTerm: email, pageIndex: 0, pageSize: 20 },
        data: {},
        contentType: 'application/json',
        // A search: repeating it changes nothing.
        retry: 'safe',
      });
      const users = (r.data.content ?? []).map((c) => c.user);
      const match = users.find((u) => u.email?.toLowerCase() === email.toLowerCase());
      return match === undefined
        ? undefined
        : { uuid: match.uuid, name: match.name ?? undefined, email: match.email ?? undefined };
    },

    /** The user a key belongs to (fails for service-account keys). */
    async currentUser(apiKey?: string): Promise<HarnessUser> {
      const r = await http.request(wire.currentUser, {
        method: 'GET',
        path: '/ng/api/user/currentUser',
        retry: 'safe',
        ...(apiKey === undefined ? {} : { apiKey }),
      });
      return { uuid: r.data.uuid, name: r.data.name ?? undefined, email: r.data.email ?? undefined };
    },
  };
}

export function groupScope(
  groupRef: string,
  runScope: Scope,
): { identifier: string; orgId: string | undefined; projectId: string | undefined } {
  if (groupRef.startsWith('account.'))
    return { identifier: groupRef.slice('account.'.length), orgId: undefined, projectId: undefined };
  if (groupRef.startsWith('org.'))
    return { identifier: groupRef.slice('org.'.length), orgId: runScope.orgId, projectId: undefined };
  return { identifier: groupRef, orgId: runScope.orgId, projectId: runScope.projectId };
}

function toApproval(data: z.infer<typeof wire.approvalInstance> | null | undefined): ApprovalInstance {
  if (data === undefined || data === null)
    throw new HarnessApiError('GET /pipeline/api/approvals', 200, 'no approval in the response', 'malformed');
  const d = data.details;
  const ticketKey = d?.issue?.key ?? d?.ticket?.number ?? undefined;
  return {
    id: data.id,
    type: data.type,
    ticket:
      ticketKey === undefined || ticketKey === ''
        ? undefined
        : { key: ticketKey, url: d?.issue?.url ?? d?.ticket?.url ?? undefined },
    status: data.status,
    deadline: data.deadline ?? undefined,
    errorMessage: data.errorMessage ?? undefined,
    approvalMessage: d?.approvalMessage ?? undefined,
    userGroups: d?.approvers?.userGroups ?? [],
    minimumCount: d?.approvers?.minimumCount ?? 1,
    disallowPipelineExecutor: d?.approvers?.disallowPipelineExecutor ?? false,
    approverInputs: (d?.approverInputs ?? []).map((i) => ({
      name: i.name,
      defaultValue: i.defaultValue ?? '',
    })),
    activities: (d?.approvalActivities ?? []).map((a) => ({
      user: {
        uuid: a.user?.uuid ?? undefined,
        name: a.user?.name ?? undefined,
        email: a.user?.email ?? undefined,
      },
      action: a.action,
      comments: a.comments ?? undefined,
      at: a.approvedAt ?? undefined,
      approverInputs: (a.approverInputs ?? []).map((i) => ({ name: i.name, value: i.value ?? '' })),
    })),
  };
}
