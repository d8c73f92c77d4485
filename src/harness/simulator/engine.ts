import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { isRecord } from '../../is-record.js';
import { evaluateCondition, substituteAll } from './expressions.js';
import type { Resolve } from './expressions.js';
import type { SimPipeline, SimStage, SimStep } from '../../catalogue/pipeline-model.js';
import type { Seed, SimPrincipal } from './seed.js';
import { stepDurationMs, stepOutcomes } from './step-outputs.js';
import { errorMessage } from '../../errors.js';

export type SimUser = SimPrincipal;

/** A refusal in Harness's terms: HTTP status, error code and message. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StepRun {
  nodeId: string;
  step: SimStep;
  stageId: string;
  status: string;
  startTs: number | undefined;
  endTs: number | undefined;
  failureMessage: string | undefined;
  outcomes: Record<string, unknown>;
  approvalId: string | undefined;
}

export interface StageRun {
  nodeId: string;
  nodeExecutionId: string;
  stage: SimStage;
  status: string;
  startTs: number | undefined;
  endTs: number | undefined;
  failureMessage: string | undefined;
}

export interface Execution {
  id: string;
  pipeline: SimPipeline;
  variables: Record<string, string>;
  triggeredBy: SimUser;
  notes: string | undefined;
  /** Git-stored pipelines run from a repository and branch (the execute call's repoName/branch). */
  git: { repoName: string; branch: string } | undefined;
  runSequence: number;
  status: string;
  startTs: number;
  endTs: number | undefined;
  failureMessage: string | undefined;
  stages: StageRun[];
  steps: StepRun[];
  abort: AbortController;
}

export interface Activity {
  user: SimUser;
  action: 'APPROVE' | 'REJECT';
  comments: string;
  approvedAt: number;
  approverInputs: { name: string; value: string }[];
}

export interface Approval {
  id: string;
  /** HarnessApproval, IACMApproval, JiraApproval, ServiceNowApproval or CustomApproval. */
  type: string;
  /** Jira issue / ServiceNow ticket the approval waits on. */
  ticket: { key: string; url: string } | undefined;
  execution: Execution;
  stepRun: StepRun;
  status: 'WAITING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'ABORTED';
  createdAt: number;
  lastModifiedAt: number;
  deadline: number;
  message: string;
  userGroups: string[];
  /** `approvers.serviceAccounts` (newer builds; harness-core's ApproversDTO). */
  serviceAccounts: string[];
  minimumCount: number;
  disallowPipelineExecutor: boolean;
  approverInputs: { name: string; defaultValue: string }[];
  activities: Activity[];
  settle: () => void;
}

export type WebhookEvent =
  | 'PipelineStart'
  | 'StageStart'
  | 'StageSuccess'
  | 'StageFailed'
  | 'StepFailed'
  | 'PipelineSuccess'
  | 'PipelineFailed'
  | 'PipelineEnd';

export interface EngineOptions {
  seed: Seed;
  pipelines: Map<string, SimPipeline>;
  /** 10 = ten times faster than Harness. */
  speed: number;
  notify?: (event: WebhookEvent, execution: Execution, stage?: StageRun, step?: StepRun) => void;
}

/** Harness-style ids: 22 url-safe characters. */
export function newId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/**
 * Steps that wait in ApprovalWaiting. Only HarnessApproval (and IACMApproval, as modelled here)
 * take decisions through `/harness/activity`; Jira and ServiceNow approvals follow their ticket,
 * a CustomApproval its script (https://developer.harness.io/docs/platform/approvals/approvals-tutorial/).
 */
const APPROVAL_TYPES = new Set([
  'HarnessApproval',
  'IACMApproval',
  'JiraApproval',
  'ServiceNowApproval',
  'CustomApproval',
]);
export const HARNESS_DECIDED = new Set(['HarnessApproval', 'IACMApproval']);

const TERMINAL = new Set(['Success', 'Failed', 'Aborted', 'Expired', 'ApprovalRejected', 'Errored']);

/** Runs pipelines step by step, as Harness would, and decides approvals by Harness's rules. */
export class SimEngine {
  readonly executions = new Map<string, Execution>();
  readonly approvals = new Map<string, Approval>();
  private readonly stepFailures = new Map<string, string>();
  /** The simulated cluster: replicas per workload (`[namespace/]Kind/Name`), as K8sScale leaves them. */
  readonly replicas = new Map<string, number>();
  private sequence = 0;

  constructor(private readonly opts: EngineOptions) {}

  get seed(): Seed {
    return this.opts.seed;
  }

  /** The next run of `stepId` (in any pipeline) fails with `message`. */
  failNextStep(stepId: string, message: string): void {
    this.stepFailures.set(stepId, message);
  }

  start(
    pipelineId: string,
    scope: { orgId: string; projectId: string },
    runtimeYaml: string,
    user: SimUser,
    notes?: string,
    git?: { repoName: string; branch: string },
  ): Execution {
    const pipeline = this.opts.pipelines.get(pipelineId);
    if (pipeline === undefined || pipeline.orgId !== scope.orgId || pipeline.projectId !== scope.projectId) {
      throw new SimHttpError(
        404,
        'RESOURCE_NOT_FOUND',
        `Pipeline [${pipelineId}] in project [${scope.projectId}], org [${scope.orgId}] does not exist or has been deleted.`,
      );
    }
    const execution: Execution = {
      id: newId(),
      pipeline,
      variables: this.applyRuntimeInput(pipeline, runtimeYaml),
      triggeredBy: user,
      notes,
      git,
      runSequence: ++this.sequence,
      status: 'Running',
      startTs: Date.now(),
      endTs: undefined,
      failureMessage: undefined,
      stages: pipeline.stages.map((stage) => ({
        nodeId: newId(),
        nodeExecutionId: '',
        stage,
        status: 'NotStarted',
        startTs: undefined,
        endTs: undefined,
        failureMessage: undefined,
      })),
      steps: [],
      abort: new AbortController(),
    };
    this.executions.set(execution.id, execution);
    this.opts.notify?.('PipelineStart', execution);
    void this.run(execution);
    return execution;
  }

  abort(executionId: string): Execution {
    const e = this.mustGet(executionId);
    if (!TERMINAL.has(e.status)) e.abort.abort();
    return e;
  }

  mustGet(executionId: string): Execution {
    const e = this.executions.get(executionId);
    if (e === undefined)
      throw new SimHttpError(
        404,
        'RESOURCE_NOT_FOUND',
        `Plan Execution with id [${executionId}] is not present or has been deleted`,
      );
    return e;
  }

  /** Approve or reject as `user`, enforcing the step's approvers like Harness does. */
  decide(
    approvalId: string,
    user: SimUser,
    action: 'APPROVE' | 'REJECT',
    comments: string,
    inputs: { name: string; value: string }[],
  ): Approval {
    const a = this.approvals.get(approvalId);
    if (a === undefined)
      throw new SimHttpError(
        404,
        'RESOURCE_NOT_FOUND',
        `Approval instance with id [${approvalId}] not found`,
      );
    // ApprovalInstanceServiceImpl.getHarnessApprovalInstance refuses other approval types.
    if (!HARNESS_DECIDED.has(a.type))
      throw new SimHttpError(
        400,
        'INVALID_REQUEST',
        `Invalid request: Invalid harness approval instance id: ${approvalId}`,
      );
    if (a.status === 'EXPIRED')
      throw new SimHttpError(400, 'INVALID_ARGUMENT', 'Harness approval instance has already expired');
    if (a.status !== 'WAITING')
      throw new SimHttpError(
        400,
        'INVALID_ARGUMENT',
        `Approval instance is already ${a.status.toLowerCase()}`,
      );
    const refusal = this.authorize(a, user);
    // addHarnessApprovalActivity throws InvalidRequestException(reason): HTTP 400, "Invalid request: …".
    if (refusal !== undefined) throw new SimHttpError(400, 'INVALID_REQUEST', `Invalid request: ${refusal}`);
    const now = Date.now();
    a.activities.push({ user, action, comments, approvedAt: now, approverInputs: inputs });
    a.lastModifiedAt = now;
    if (action === 'REJECT') a.status = 'REJECTED';
    else if (a.activities.filter((x) => x.action === 'APPROVE').length >= a.minimumCount)
      a.status = 'APPROVED';
    if (a.status !== 'WAITING') a.settle();
    return a;
  }

  /**
   * Why Harness refuses `user` on `a`, in its order and words (harness-core
   * ApprovalResourceServiceImpl.checkApprovalAuthorization); undefined when allowed.
   */
  authorize(a: Approval, user: SimUser): string | undefined {
    if (a.activities.some((x) => x.user.uuid === user.uuid))
      return 'You have already approved/rejected the pipeline';
    if (a.disallowPipelineExecutor && a.execution.triggeredBy.uuid === user.uuid)
      return 'Pipeline executor is not allowed to approve/reject';
    if (user.serviceAccountRef !== undefined)
      return a.serviceAccounts.includes(user.serviceAccountRef)
        ? undefined
        : 'The service account configured in the request is not authorized to approve/reject';
    return a.userGroups.some((g) => this.isMember(g, user.uuid))
      ? undefined
      : 'User not authorized to approve/reject';
  }

  /** The ticket of a Jira / ServiceNow approval (or a custom approval's script) decided outside Harness. */
  settleExternally(approvalId: string, action: 'APPROVE' | 'REJECT'): void {
    const a = this.approvals.get(approvalId);
    if (a?.status !== 'WAITING' || HARNESS_DECIDED.has(a.type)) return;
    a.status = action === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    a.lastModifiedAt = Date.now();
    a.settle();
  }

  /** Ends a waiting approval now, as if its timeout had passed. */
  expire(approvalId: string): void {
    const a = this.approvals.get(approvalId);
    if (a?.status !== 'WAITING') return;
    a.status = 'EXPIRED';
    a.lastModifiedAt = Date.now();
    a.settle();
  }

  isMember(groupRef: string, userUuid: string): boolean {
    return this.opts.seed.userGroups.some((g) => g.ref === groupRef && g.users.includes(userUuid));
  }

  private applyRuntimeInput(pipeline: SimPipeline, yaml: string): Record<string, string> {
    const given = new Map<string, string>();
    if (yaml.trim() !== '') {
      let doc: unknown;
      try {
        doc = parse(yaml);
      } catch (err) {
        throw new SimHttpError(
          400,
          'INVALID_ARGUMENT',
          `Invalid yaml: ${errorMessage(err).split('\n')[0] ?? ''}`,
        );
      }
      const p = isRecord(doc) ? doc.pipeline : undefined;
      if (!isRecord(p))
        throw new SimHttpError(400, 'INVALID_ARGUMENT', 'Invalid runtime input yaml: missing pipeline');
      if (p.identifier !== undefined && p.identifier !== pipeline.identifier) {
        throw new SimHttpError(
          400,
          'INVALID_ARGUMENT',
          `Runtime input is for pipeline [${JSON.stringify(p.identifier)}], not [${pipeline.identifier}]`,
        );
      }
      for (const v of Array.isArray(p.variables) ? p.variables : []) {
        if (!isRecord(v) || typeof v.name !== 'string')
          throw new SimHttpError(
            400,
            'INVALID_ARGUMENT',
            'Invalid runtime input yaml: a variable has no name',
          );
        const def = pipeline.variables.find((x) => x.name === v.name);
        if (def?.runtime !== true)
          throw new SimHttpError(
            400,
            'INVALID_ARGUMENT',
            `Variable [${v.name}] is not a runtime input of pipeline [${pipeline.identifier}]`,
          );
        const value =
          typeof v.value === 'string'
            ? v.value
            : v.value === undefined || v.value === null
              ? ''
              : JSON.stringify(v.value);
        if (def.allowedValues !== undefined && value !== '' && !def.allowedValues.includes(value)) {
          throw new SimHttpError(
            400,
            'INVALID_ARGUMENT',
            `Value [${value}] for variable [${v.name}] is not one of the allowed values [${def.allowedValues.join(', ')}]`,
          );
        }
        given.set(v.name, value);
      }
    }
    const out: Record<string, string> = {};
    const missing: string[] = [];
    for (const v of pipeline.variables) {
      const value = v.runtime ? given.get(v.name) || v.defaultValue : v.value;
      if (v.runtime && v.required && (value === undefined || value === ''))
        missing.push(`pipeline.variables.${v.name}`);
      out[v.name] = value ?? '';
    }
    if (missing.length > 0)
      throw new SimHttpError(
        400,
        'INVALID_ARGUMENT',
        `The following runtime inputs are required: ${missing.join(', ')}`,
      );
    return out;
  }

  private resolver(e: Execution): Resolve {
    return (expr) => {
      const v = /^pipeline\.variables\.([\w$]+)$/.exec(expr);
      if (v?.[1] !== undefined) return e.variables[v[1]];
      if (expr === 'pipeline.executionId') return e.id;
      if (expr === 'pipeline.sequenceId') return String(e.runSequence);
      if (expr === 'pipeline.startTs') return String(e.startTs);
      if (expr === 'pipeline.triggeredBy.email') return e.triggeredBy.email;
      if (expr === 'pipeline.triggeredBy.name') return e.triggeredBy.name;
      if (expr === 'account.identifier') return this.opts.seed.accountId;
      return undefined;
    };
  }

  private async run(e: Execution): Promise<void> {
    let outcome = 'Success';
    for (const stageRun of e.stages) {
      if (outcome !== 'Success') break;
      stageRun.status = 'Running';
      stageRun.nodeExecutionId = newId();
      stageRun.startTs = Date.now();
      this.opts.notify?.('StageStart', e, stageRun);
      for (const step of stageRun.stage.steps) {
        const result = await this.runStep(e, stageRun, step);
        if (result !== 'Success' && result !== 'Skipped') {
          outcome = result;
          break;
        }
      }
      stageRun.status = outcome;
      stageRun.endTs = Date.now();
      stageRun.failureMessage = outcome === 'Success' ? undefined : e.steps.at(-1)?.failureMessage;
      this.opts.notify?.(outcome === 'Success' ? 'StageSuccess' : 'StageFailed', e, stageRun);
    }
    e.status = outcome;
    e.endTs = Date.now();
    e.failureMessage =
      outcome === 'Success'
        ? undefined
        : e.stages.find((s) => s.failureMessage !== undefined)?.failureMessage;
    this.opts.notify?.(outcome === 'Success' ? 'PipelineSuccess' : 'PipelineFailed', e);
    this.opts.notify?.('PipelineEnd', e);
  }

  private async runStep(e: Execution, stageRun: StageRun, step: SimStep): Promise<string> {
    const resolve = this.resolver(e);
    const run: StepRun = {
      nodeId: newId(),
      step,
      stageId: stageRun.stage.identifier,
      status: 'Running',
      startTs: Date.now(),
      endTs: undefined,
      failureMessage: undefined,
      outcomes: {},
      approvalId: undefined,
    };
    e.steps.push(run);
    const finish = (status: string, message?: string): string => {
      run.status = status;
      run.endTs = Date.now();
      run.failureMessage = message;
      if (status !== 'Success' && status !== 'Skipped' && status !== 'Aborted')
        this.opts.notify?.('StepFailed', e, stageRun, run);
      return status;
    };
    if (e.abort.signal.aborted) return finish('Aborted', 'Pipeline execution was aborted');
    if (step.condition !== undefined) {
      try {
        if (!evaluateCondition(step.condition, resolve)) return finish('Skipped');
      } catch (err) {
        return finish('Failed', errorMessage(err));
      }
    }
    const spec = substituteAll(step.spec, resolve) as Record<string, unknown>;
    if (APPROVAL_TYPES.has(step.type)) return this.awaitApproval(e, stageRun, run, spec, finish);
    await sleep(stepDurationMs(step.type) / this.opts.speed, e.abort.signal);
    if (aborted(e)) return finish('Aborted', 'Pipeline execution was aborted');
    const failure = this.stepFailures.get(step.identifier);
    if (failure !== undefined) {
      this.stepFailures.delete(step.identifier);
      return finish('Failed', failure);
    }
    run.outcomes = stepOutcomes(step.type, spec, {
      executionId: e.id,
      accountId: this.opts.seed.accountId,
      replicasOf: (workload) => this.replicas.get(workload) ?? this.opts.seed.replicas[workload] ?? 2,
    });
    if (step.type === 'K8sScale') this.scaled(spec);
    return finish('Success');
  }

  /** A K8sScale step that succeeded leaves its workload at the count it asked for. */
  private scaled(spec: Record<string, unknown>): void {
    const selection = isRecord(spec.instanceSelection) ? spec.instanceSelection : {};
    const count = Number(isRecord(selection.spec) ? selection.spec.count : undefined);
    if (typeof spec.workload === 'string' && selection.type === 'Count' && Number.isInteger(count))
      this.replicas.set(spec.workload, count);
  }

  private async awaitApproval(
    e: Execution,
    stageRun: StageRun,
    run: StepRun,
    spec: Record<string, unknown>,
    finish: (status: string, message?: string) => string,
  ): Promise<string> {
    const approvers = isRecord(spec.approvers) ? spec.approvers : {};
    const now = Date.now();
    const timeoutMs = run.step.timeoutMs ?? 86_400_000;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const approval: Approval = {
      id: newId(),
      type: run.step.type,
      ticket: ticketOf(run.step.type, spec),
      execution: e,
      stepRun: run,
      status: 'WAITING',
      createdAt: now,
      lastModifiedAt: now,
      deadline: now + timeoutMs,
      message:
        typeof spec.approvalMessage === 'string' ? spec.approvalMessage : 'Approve the infrastructure plan?',
      userGroups:
        run.step.type === 'IACMApproval'
          ? this.opts.seed.iacmApproverGroups
          : stringList(approvers.userGroups),
      serviceAccounts: stringList(approvers.serviceAccounts),
      minimumCount: typeof approvers.minimumCount === 'number' ? approvers.minimumCount : 1,
      disallowPipelineExecutor: approvers.disallowPipelineExecutor === true,
      approverInputs: (Array.isArray(spec.approverInputs) ? spec.approverInputs : []).flatMap((i) =>
        isRecord(i) && typeof i.name === 'string'
          ? [{ name: i.name, defaultValue: typeof i.defaultValue === 'string' ? i.defaultValue : '' }]
          : [],
      ),
      activities: [],
      settle: () => {
        settle();
      },
    };
    this.approvals.set(approval.id, approval);
    run.approvalId = approval.id;
    run.status = 'ApprovalWaiting';
    stageRun.status = 'ApprovalWaiting';
    e.status = 'ApprovalWaiting';
    const timer = setTimeout(() => {
      this.expire(approval.id);
    }, timeoutMs / this.opts.speed);
    const onAbort = (): void => {
      if (approval.status === 'WAITING') {
        approval.status = 'ABORTED';
        approval.lastModifiedAt = Date.now();
      }
      settle();
    };
    e.abort.signal.addEventListener('abort', onAbort, { once: true });
    await settled;
    clearTimeout(timer);
    e.abort.signal.removeEventListener('abort', onAbort);
    if (approval.status === 'APPROVED') {
      e.status = 'Running';
      stageRun.status = 'Running';
      run.outcomes = {
        output: {
          approvalActivities: approval.activities.map((a) => ({
            user: a.user.email,
            action: a.action,
            comments: a.comments,
          })),
          approverInputs: Object.fromEntries(
            approval.activities.flatMap((a) => a.approverInputs.map((i) => [i.name, i.value])),
          ),
        },
      };
      return finish('Success');
    }
    if (approval.status === 'REJECTED') {
      const by = approval.activities.find((a) => a.action === 'REJECT');
      if (!HARNESS_DECIDED.has(approval.type)) return finish('ApprovalRejected', 'Approval rejected');
      return finish(
        'ApprovalRejected',
        `Approval rejected by ${by?.user.name ?? 'an approver'}${by?.comments ? `: ${by.comments}` : ''}`,
      );
    }
    if (approval.status === 'EXPIRED') return finish('Expired', 'Approval timed out');
    return finish('Aborted', 'Pipeline execution was aborted');
  }
}

/** Jira issues and ServiceNow tickets as their approval instances link them (simulated hosts). */
function ticketOf(type: string, spec: Record<string, unknown>): { key: string; url: string } | undefined {
  if (type === 'JiraApproval' && typeof spec.issueKey === 'string')
    return {
      key: spec.issueKey,
      url: `https://jira.example.com/browse/${encodeURIComponent(spec.issueKey)}`,
    };
  if (type === 'ServiceNowApproval' && typeof spec.ticketNumber === 'string') {
    const table = typeof spec.ticketType === 'string' ? spec.ticketType.toLowerCase() : 'change_request';
    return {
      key: spec.ticketNumber,
      url: `https://example.service-now.com/nav_to.do?uri=${table}.do?sysparm_query=number=${encodeURIComponent(spec.ticketNumber)}`,
    };
  }
  return undefined;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Read afresh after an await: an abort may have arrived meanwhile. */
function aborted(e: Execution): boolean {
  return e.abort.signal.aborted;
}
