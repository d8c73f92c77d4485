import type { HarnessClient } from '../../src/harness/client.js';
import type { ApprovalDecision, RunRequest } from '../../src/ports/harness.js';
import { HarnessApiError } from '../../src/ports/harness-errors.js';
import { statusBucket } from '../../src/harness-model/status.js';
import type {
  ApprovalInstance,
  ExecutionView,
  HarnessUser,
  Scope,
  StepView,
} from '../../src/harness-model/types.js';
import { ScriptedCalls } from './scripted-calls.js';

/** The Harness calls the run core makes (runs and approvals); the fake answers these and refuses the rest. */
export type HarnessMethod =
  | 'runPipeline'
  | 'getExecution'
  | 'recentExecutions'
  | 'executionNotes'
  | 'getApproval'
  | 'decideApproval'
  | 'approvalAuthorization'
  | 'findUserByEmail'
  | 'isUserGroupMember'
  | 'listGroupMembers';

/**
 * Harness errors as the client throws them (`src/ports/harness-errors.ts`): `http(403)` Harness
 * refused (nothing recorded), `http(500)` / `timeout()` Harness may or may not have recorded it.
 */
export const harnessErrors = {
  http: (status: number, message = 'refused') =>
    new HarnessApiError('/approvals/activity', status, message, 'http'),
  timeout: () => new HarnessApiError('/approvals/activity', undefined, undefined, 'timeout'),
};

/** A waiting Harness approval (a HarnessApproval step), with `patch` applied. */
export function waitingApproval(patch: Partial<ApprovalInstance> & { id: string }): ApprovalInstance {
  return {
    type: 'HarnessApproval',
    ticket: undefined,
    status: 'WAITING',
    deadline: undefined,
    errorMessage: undefined,
    approvalMessage: undefined,
    userGroups: ['ops_approvers'],
    minimumCount: 1,
    disallowPipelineExecutor: false,
    approverInputs: [],
    activities: [],
    ...patch,
  };
}

/** An execution as Harness would show it: its status and its steps' (name and status). */
export function execution(status: string, steps: [string, string][] = []): ExecutionView {
  const stepViews: StepView[] = steps.map(([name, s], i) => ({
    id: `step${String(i)}`,
    name,
    type: 'ShellScript',
    stageId: 'stage0',
    status: s,
    bucket: statusBucket(s),
    startTs: 1_000,
    endTs: undefined,
    failureMessage: s === 'Failed' ? 'exit status 1' : undefined,
    outputs: {},
    approvalInstanceId: undefined,
  }));
  return {
    executionId: 'ex1',
    pipelineId: 'toggle_feature_flag',
    name: 'toggle',
    runSequence: 1,
    status,
    bucket: statusBucket(status),
    startTs: 1_000,
    endTs: undefined,
    failureMessage: undefined,
    stages: [],
    steps: stepViews,
    modules: ['pms'],
    git: undefined,
  };
}

/**
 * Harness's runs and approvals as a test sets them up. Runs: `runPipeline` starts `nextExecutionId`
 * and keeps it in `executions` with its notes, as Harness does (a run whose answer was lost is
 * found there); `views` is the script of `getExecution`: each read takes the next view, the last
 * one repeats (failures are scripted with `fail`). Approvals: `approvals` by id, `users` (found by email),
 * `groups` (group ref → member uuids), keys Harness refuses decisions from (`refuse`), and the
 * user each key acts as (`keyUsers`; undefined is the bot's key). A decision is recorded on the
 * approval as Harness would (an activity; APPROVED once `minimumCount` approve, REJECTED at the
 * first reject; HTTP 400 when it is not waiting, the key is refused, or the approval is not a
 * Harness approval). Scripting (`fail`, `hold`, `calls`) is ScriptedCalls's. `client()` is what the
 * module under test gets.
 */
export class FakeHarness extends ScriptedCalls<HarnessMethod> implements Pick<HarnessClient, HarnessMethod> {
  readonly approvals = new Map<string, ApprovalInstance>();
  readonly users: HarnessUser[] = [];
  readonly groups = new Map<string, string[]>();
  readonly keyUsers = new Map<string | undefined, HarnessUser>([
    [undefined, { uuid: 'u-bot', name: 'idp-bot', email: undefined }],
  ]);
  private readonly refusals = new Map<string | undefined, string>();
  /** What `getExecution` answers, read by read (the last one repeats). */
  views: ExecutionView[] = [];
  /** Executions Harness has, newest first, with their notes. */
  readonly executions: { executionId: string; notes: string }[] = [];
  nextExecutionId = 'ex1';

  async runPipeline(req: RunRequest) {
    await this.step('runPipeline', [req]);
    this.executions.unshift({ executionId: this.nextExecutionId, notes: req.notes ?? '' });
    return { executionId: this.nextExecutionId, status: 'Running' };
  }

  async getExecution(executionId: string, scope: Scope): Promise<ExecutionView> {
    await this.step('getExecution', [executionId, scope]);
    const v = this.views[Math.min(this.reads, this.views.length) - 1];
    if (v === undefined) throw new Error('the test scripted no execution view');
    return { ...structuredClone(v), executionId };
  }

  async recentExecutions(pipelineId: string, scope: Scope, sinceTs: number) {
    await this.step('recentExecutions', [pipelineId, scope, sinceTs]);
    return this.executions.map((e) => ({ executionId: e.executionId, startTs: undefined, hasNotes: true }));
  }

  async executionNotes(executionId: string) {
    await this.step('executionNotes', [executionId]);
    return this.executions.find((e) => e.executionId === executionId)?.notes ?? '';
  }

  /** How many times the execution was read. */
  get reads(): number {
    return this.argsOf('getExecution').length;
  }

  /** A Harness user in `groups`. */
  user(u: HarnessUser, groups: string[] = []): this {
    this.users.push(u);
    for (const g of groups) this.groups.set(g, [...(this.groups.get(g) ?? []), u.uuid]);
    return this;
  }

  /** Harness will not take decisions sent with `key` (undefined: the bot's own). */
  refuse(key: string | undefined, reason: string): this {
    this.refusals.set(key, reason);
    return this;
  }

  async getApproval(approvalId: string): Promise<ApprovalInstance> {
    await this.step('getApproval', [approvalId]);
    return structuredClone(this.approval(approvalId));
  }

  async decideApproval(approvalId: string, decision: ApprovalDecision, apiKey?: string) {
    await this.step('decideApproval', [approvalId, decision, apiKey]);
    const a = this.harnessApproval(approvalId);
    if (a.status !== 'WAITING') throw harnessErrors.http(400, `approval is ${a.status}`);
    const refusal = this.refusals.get(apiKey);
    if (refusal !== undefined) throw harnessErrors.http(400, `Invalid request: ${refusal}`);
    const by = this.keyUsers.get(apiKey) ?? { uuid: 'u-shared', name: 'approver-key', email: undefined };
    a.activities.push({
      user: by,
      action: decision.action,
      comments: decision.comments,
      at: Date.now(),
      approverInputs: decision.approverInputs ?? [],
    });
    if (decision.action === 'REJECT') a.status = 'REJECTED';
    else if (a.activities.filter((x) => x.action === 'APPROVE').length >= a.minimumCount)
      a.status = 'APPROVED';
    return structuredClone(a);
  }

  async approvalAuthorization(approvalId: string, apiKey?: string) {
    await this.step('approvalAuthorization', [approvalId, apiKey]);
    this.harnessApproval(approvalId);
    const reason = this.refusals.get(apiKey);
    return reason === undefined ? { authorized: true, reason: '' } : { authorized: false, reason };
  }

  async findUserByEmail(email: string) {
    await this.step('findUserByEmail', [email]);
    return this.users.find((u) => u.email?.toLowerCase() === email.toLowerCase());
  }

  async isUserGroupMember(groupRef: string, userUuid: string, runScope: Scope) {
    await this.step('isUserGroupMember', [groupRef, userUuid, runScope]);
    return this.groups.get(groupRef)?.includes(userUuid) ?? false;
  }

  async listGroupMembers(groupRef: string, runScope: Scope) {
    await this.step('listGroupMembers', [groupRef, runScope]);
    const uuids = this.groups.get(groupRef) ?? [];
    return this.users.filter((u) => uuids.includes(u.uuid));
  }

  /** The fake as a HarnessClient: calls outside HarnessMethod fail, so a test notices them. */
  client(): HarnessClient {
    const other = (...args: unknown[]) =>
      Promise.reject(new Error(`FakeHarness does not answer this call (${JSON.stringify(args)})`));
    return {
      accountId: 'fake_account',
      runPipeline: (req) => this.runPipeline(req),
      recentExecutions: (pipelineId, scope, sinceTs) => this.recentExecutions(pipelineId, scope, sinceTs),
      executionNotes: (id) => this.executionNotes(id),
      getExecution: (id, scope) => this.getExecution(id, scope),
      abortExecution: other,
      listExecutionApprovals: other,
      listServices: other,
      listEnvironments: other,
      listInfrastructures: other,
      listUserGroups: other,
      listOrganizations: other,
      listProjects: other,
      listCatalogEntities: other,
      currentUser: other,
      getApproval: (id) => this.getApproval(id),
      decideApproval: (id, decision, key) => this.decideApproval(id, decision, key),
      approvalAuthorization: (id, key) => this.approvalAuthorization(id, key),
      findUserByEmail: (email) => this.findUserByEmail(email),
      isUserGroupMember: (group, uuid, scope) => this.isUserGroupMember(group, uuid, scope),
      listGroupMembers: (group, scope) => this.listGroupMembers(group, scope),
    };
  }

  /** As Harness: its approval endpoints (/harness/…) refuse Jira, ServiceNow and custom approvals. */
  private harnessApproval(id: string): ApprovalInstance {
    const a = this.approval(id);
    if (!['HarnessApproval', 'IACMApproval'].includes(a.type))
      throw harnessErrors.http(400, `Invalid request: Invalid harness approval instance id: ${id}`);
    return a;
  }

  private approval(id: string): ApprovalInstance {
    const a = this.approvals.get(id);
    if (a === undefined) throw harnessErrors.http(404, `no approval ${id}`);
    return a;
  }
}
