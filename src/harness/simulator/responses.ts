import type { Approval, Execution, StageRun, StepRun } from './engine.js';
import { newId } from './engine.js';

/** Harness's JSON shapes (validated against its Swagger in test/harness/contract.test.ts). */
export function ok(data: unknown): Record<string, unknown> {
  return { status: 'SUCCESS', data, metaData: null, correlationId: newId() };
}

/** Harness's error bodies: a 400 is a `Failure`, anything else an `Error` (as its Swagger types them). */
export function failure(code: string, message: string, httpStatus = 500): Record<string, unknown> {
  if (httpStatus === 400) return { status: 'ERROR', code, message, correlationId: newId(), errors: [] };
  return {
    status: 'ERROR',
    code,
    message,
    correlationId: newId(),
    detailedMessage: null,
    responseMessages: [{ code, level: 'ERROR', message, failureTypes: [] }],
  };
}

const STAGE_STEP_TYPE: Record<string, string> = {
  Deployment: 'DEPLOYMENT_STAGE_STEP',
  Custom: 'CUSTOM_STAGE',
  Approval: 'APPROVAL_STAGE',
  IDP: 'IDP_STAGE',
  IACM: 'IACM_STAGE',
};
const MODULE: Record<string, string> = {
  Deployment: 'cd',
  Custom: 'pms',
  Approval: 'pms',
  IDP: 'idp',
  IACM: 'iacm',
};

const failureInfo = (message: string | undefined) => ({
  message: message ?? '',
  failureTypeList: message === undefined ? [] : ['APPLICATION_ERROR'],
  responseMessages: [],
});

export function planExecution(e: Execution): Record<string, unknown> {
  return ok({
    planExecution: {
      uuid: e.id,
      createdAt: e.startTs,
      planId: newId(),
      setupAbstractions: {},
      status: 'RUNNING',
      startTs: e.startTs,
      lastUpdatedAt: e.startTs,
      version: 0,
      nodeType: 'PLAN',
    },
    gitDetails: {},
  });
}

function layoutNode(s: StageRun, next: StageRun | undefined): Record<string, unknown> {
  return {
    nodeType: s.stage.type,
    nodeGroup: 'STAGE',
    nodeIdentifier: s.stage.identifier,
    name: s.stage.name,
    nodeUuid: s.nodeId,
    status: s.status,
    module: MODULE[s.stage.type] ?? 'pms',
    moduleInfo: {},
    ...(s.startTs === undefined ? {} : { startTs: s.startTs }),
    ...(s.endTs === undefined ? {} : { endTs: s.endTs }),
    edgeLayoutList: { currentNodeChildren: [], nextIds: next === undefined ? [] : [next.nodeId] },
    nodeRunInfo: {},
    failureInfo: { message: s.failureMessage ?? '' },
    failureInfoDTO: failureInfo(s.failureMessage),
    nodeExecutionId: s.nodeExecutionId,
    executionInputConfigured: false,
  };
}

function stepNode(r: StepRun): Record<string, unknown> {
  return {
    uuid: r.nodeId,
    setupId: newId(),
    name: r.step.name,
    identifier: r.step.identifier,
    baseFqn: `pipeline.stages.${r.stageId}.spec.execution.steps.${r.step.identifier}`,
    outcomes: r.outcomes,
    stepParameters: {},
    ...(r.startTs === undefined ? {} : { startTs: r.startTs }),
    ...(r.endTs === undefined ? {} : { endTs: r.endTs }),
    stepType: r.step.type,
    status: r.status,
    failureInfo: failureInfo(r.failureMessage),
    executableResponses:
      r.approvalId === undefined
        ? []
        : [{ async: { callbackIds: [r.approvalId], logKeys: [], units: [], timeout: 0 } }],
    unitProgresses: [],
    progressData: {},
    delegateInfoList: [],
    interruptHistories: [],
    stepDetails: {},
    logBaseKey: `accountId:sim/pipelineId:${r.step.identifier}/runSequence:0/level0:pipeline`,
  };
}

function containerNode(
  id: string,
  identifier: string,
  name: string,
  stepType: string,
  baseFqn: string,
  status: string,
  startTs: number | undefined,
  endTs: number | undefined,
): Record<string, unknown> {
  return {
    uuid: id,
    setupId: newId(),
    name,
    identifier,
    baseFqn,
    outcomes: {},
    stepParameters: {},
    ...(startTs === undefined ? {} : { startTs }),
    ...(endTs === undefined ? {} : { endTs }),
    stepType,
    status,
    failureInfo: failureInfo(undefined),
    executableResponses: [],
    unitProgresses: [],
    progressData: {},
    delegateInfoList: [],
    interruptHistories: [],
    stepDetails: {},
  };
}

export function executionDetail(e: Execution): Record<string, unknown> {
  const layoutNodeMap: Record<string, unknown> = {};
  e.stages.forEach((s, i) => {
    layoutNodeMap[s.nodeId] = layoutNode(s, e.stages[i + 1]);
  });
  const nodeMap: Record<string, unknown> = {};
  const adjacency: Record<string, { children: string[]; nextIds: string[] }> = {};
  let rootNodeId: string | undefined;
  let previousStageNode: string | undefined;
  for (const s of e.stages) {
    if (s.startTs === undefined) continue;
    const stageNodeId = s.nodeExecutionId;
    const sectionId = `${stageNodeId}-execution`;
    rootNodeId ??= stageNodeId;
    if (previousStageNode !== undefined) adjacency[previousStageNode]?.nextIds.push(stageNodeId);
    previousStageNode = stageNodeId;
    const fqn = `pipeline.stages.${s.stage.identifier}`;
    nodeMap[stageNodeId] = containerNode(
      stageNodeId,
      s.stage.identifier,
      s.stage.name,
      STAGE_STEP_TYPE[s.stage.type] ?? 'CUSTOM_STAGE',
      fqn,
      s.status,
      s.startTs,
      s.endTs,
    );
    nodeMap[sectionId] = containerNode(
      sectionId,
      'execution',
      'Execution',
      'NG_EXECUTION',
      `${fqn}.spec.execution`,
      s.status,
      s.startTs,
      s.endTs,
    );
    const steps = e.steps.filter((r) => r.stageId === s.stage.identifier);
    adjacency[stageNodeId] = { children: [sectionId], nextIds: [] };
    adjacency[sectionId] = { children: steps[0] === undefined ? [] : [steps[0].nodeId], nextIds: [] };
    steps.forEach((r, i) => {
      nodeMap[r.nodeId] = stepNode(r);
      const next = steps[i + 1];
      adjacency[r.nodeId] = { children: [], nextIds: next === undefined ? [] : [next.nodeId] };
    });
  }
  return ok({
    pipelineExecutionSummary: {
      ...executionSummary(e),
      layoutNodeMap,
      startingNodeId: e.stages[0]?.nodeId ?? '',
    },
    executionGraph: {
      rootNodeId: rootNodeId ?? '',
      nodeMap,
      nodeAdjacencyListMap: adjacency,
      representationStrategy: 'camelCase',
    },
  });
}

/** PipelineExecutionSummaryDTO: the head of an execution's detail, and an item of the executions list. */
function executionSummary(e: Execution): Record<string, unknown> {
  const stagesDone = e.stages.filter((s) => s.status === 'Success').length;
  return {
    pipelineIdentifier: e.pipeline.identifier,
    planExecutionId: e.id,
    name: e.pipeline.name,
    status: e.status,
    tags: [],
    executionTriggerInfo: {
      triggerType: 'MANUAL',
      triggeredBy: {
        uuid: e.triggeredBy.uuid,
        identifier: e.triggeredBy.name,
        extraInfo: { email: e.triggeredBy.email },
      },
    },
    failureInfo: failureInfo(e.failureMessage),
    moduleInfo: {},
    modules: [...new Set(e.stages.map((s) => MODULE[s.stage.type] ?? 'pms'))],
    startTs: e.startTs,
    ...(e.endTs === undefined ? {} : { endTs: e.endTs }),
    createdAt: e.startTs,
    canRetry: true,
    showRetryHistory: false,
    runSequence: e.runSequence,
    successfulStagesCount: stagesDone,
    runningStagesCount: e.stages.filter((s) => s.status === 'Running' || s.status === 'ApprovalWaiting')
      .length,
    failedStagesCount: e.stages.filter((s) => s.endTs !== undefined && s.status !== 'Success').length,
    totalStagesCount: e.stages.length,
    storeType: e.git === undefined ? 'INLINE' : 'REMOTE',
    ...(e.git === undefined
      ? {}
      : {
          gitDetails: {
            repoName: e.git.repoName,
            branch: e.git.branch,
            filePath: `.harness/${e.pipeline.identifier}.yaml`,
          },
        }),
    executionInputConfigured: false,
    allowStageExecutions: false,
    stagesExecution: false,
    // Newer builds say whether the run has notes, so a list reader fetches only those (harness-core
    // PipelineExecutionSummaryEntity.notesExistForPlanExecutionId).
    notesExistForPlanExecutionId: e.notes !== undefined && e.notes !== '',
  };
}

/**
 * `POST /pipeline/api/pipelines/execution/summary`: a Spring `Page` inside the envelope
 * (pipeline-service ExecutionDetailsResource.getListOfExecutions returns
 * `ResponseDTO<Page<PipelineExecutionSummaryDTO>>`), newest first.
 */
export function executionList(
  items: Execution[],
  pageIndex: number,
  pageSize: number,
): Record<string, unknown> {
  const sorted = [...items].sort((a, b) => b.startTs - a.startTs || b.runSequence - a.runSequence);
  const content = sorted.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize).map(executionSummary);
  const sort = { sorted: true, unsorted: false, empty: false };
  return ok({
    content,
    pageable: {
      sort,
      pageNumber: pageIndex,
      pageSize,
      offset: pageIndex * pageSize,
      paged: true,
      unpaged: false,
    },
    totalElements: items.length,
    totalPages: Math.ceil(items.length / pageSize),
    last: (pageIndex + 1) * pageSize >= items.length,
    size: pageSize,
    number: pageIndex,
    sort,
    numberOfElements: content.length,
    first: pageIndex === 0,
    empty: content.length === 0,
  });
}

export function approvalInstance(a: Approval): Record<string, unknown> {
  return {
    id: a.id,
    type: a.type,
    status: a.status,
    deadline: a.deadline,
    details: approvalDetails(a),
    createdAt: a.createdAt,
    lastModifiedAt: a.lastModifiedAt,
    errorMessage: null,
  };
}

/**
 * The details per approval type (harness-core JiraApprovalInstanceDetailsDTO `issue {key, url}`,
 * ServiceNowApprovalInstanceDetailsDTO `ticket {number, url}`, HarnessApprovalInstanceDetailsDTO).
 */
function approvalDetails(a: Approval): Record<string, unknown> {
  if (a.type === 'JiraApproval')
    return { connectorRef: 'jira', issue: { key: a.ticket?.key ?? '', url: a.ticket?.url ?? '' } };
  if (a.type === 'ServiceNowApproval')
    return {
      connectorRef: 'servicenow',
      ticket: { number: a.ticket?.key ?? '', url: a.ticket?.url ?? '' },
    };
  if (a.type === 'CustomApproval') return { shellType: 'Bash' };
  return {
    approvalMessage: a.message,
    includePipelineExecutionHistory: true,
    approvers: {
      userGroups: a.userGroups,
      minimumCount: a.minimumCount,
      disallowPipelineExecutor: a.disallowPipelineExecutor,
      ...(a.serviceAccounts.length === 0 ? {} : { serviceAccounts: a.serviceAccounts }),
    },
    approvalActivities: a.activities.map((x) => ({
      user: { uuid: x.user.uuid, name: x.user.name, email: x.user.email },
      action: x.action,
      approverInputs: x.approverInputs,
      comments: x.comments,
      approvedAt: x.approvedAt,
    })),
    approverInputs: a.approverInputs,
  };
}

/** v1 list: a bare array, snake_case. */
export function approvalSummary(a: Approval): Record<string, unknown> {
  return {
    id: a.id,
    type: a.type,
    status: a.status,
    deadline: a.deadline,
    created: a.createdAt,
    updated: a.lastModifiedAt,
    error_message: null,
  };
}

export function page(items: unknown[], pageIndex: number, pageSize: number): Record<string, unknown> {
  const content = items.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize);
  return ok({
    totalPages: Math.ceil(items.length / pageSize),
    totalItems: items.length,
    pageItemCount: content.length,
    pageSize,
    content,
    pageIndex,
    empty: content.length === 0,
  });
}

/**
 * Webhook notification payload (pipeline notification rules, "Webhook" method:
 * https://developer.harness.io/docs/continuous-delivery/x-platform-cd-features/cd-steps/notify-users-of-pipeline-events):
 * times in seconds.
 */
export function webhookPayload(
  event: string,
  e: Execution,
  accountId: string,
  baseUrl: string,
  stage?: StageRun,
  step?: StepRun,
): Record<string, unknown> {
  const sec = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000));
  const ended =
    event === 'PipelineSuccess' ||
    event === 'PipelineFailed' ||
    event === 'PipelineEnd' ||
    event === 'StageSuccess' ||
    event === 'StageFailed';
  const start = stage?.startTs ?? e.startTs;
  const end = stage?.endTs ?? e.endTs;
  return {
    eventData: {
      accountIdentifier: accountId,
      orgIdentifier: e.pipeline.orgId,
      projectIdentifier: e.pipeline.projectId,
      pipelineIdentifier: e.pipeline.identifier,
      pipelineName: e.pipeline.name,
      planExecutionId: e.id,
      ...(stage === undefined
        ? {}
        : { stageIdentifier: stage.stage.identifier, stageName: stage.stage.name }),
      ...(step === undefined ? {} : { stepIdentifier: step.step.identifier }),
      executionUrl: `${baseUrl}/ng/#/account/${accountId}/cd/orgs/${e.pipeline.orgId}/projects/${e.pipeline.projectId}/pipelines/${e.pipeline.identifier}/executions/${e.id}/pipeline`,
      eventType: event,
      nodeStatus: event.endsWith('Start') ? 'started' : event.endsWith('Failed') ? 'failed' : 'completed',
      triggeredBy: { triggerType: 'MANUAL', name: e.triggeredBy.name, email: e.triggeredBy.email },
      startTime: new Date(start).toUTCString(),
      startTs: sec(start),
      ...(ended && end !== undefined ? { endTime: new Date(end).toUTCString(), endTs: sec(end) } : {}),
      ...(step?.failureMessage === undefined
        ? event.endsWith('Failed') && e.failureMessage !== undefined
          ? { errorMessage: e.failureMessage }
          : {}
        : { errorMessage: step.failureMessage }),
    },
  };
}
