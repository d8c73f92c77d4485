import type { z } from 'zod';
import { isRecord } from '../is-record.js';
import { normaliseStatus, statusBucket } from '../harness-model/status.js';
import type { ExecutionView, StageView, StepView } from '../harness-model/types.js';
import type { executionDetail, executionNode, layoutNode } from './wire.js';

type Detail = NonNullable<z.infer<typeof executionDetail>['data']>;
type LayoutNode = z.infer<typeof layoutNode>;
type ExecNode = z.infer<typeof executionNode>;

/**
 * Container nodes of the execution graph that are not steps a person would recognise (the
 * Harness UI's list of nodes it does not let you select).
 */
const CONTAINER_STEP_TYPES = new Set([
  'NG_SECTION',
  'NG_SECTION_WITH_ROLLBACK_INFO',
  'NG_EXECUTION',
  'NG_FORK',
  'STEP_GROUP',
  'GROUP',
  'STRATEGY',
  'ROLLBACK_OPTIONAL_CHILD_CHAIN',
  'DEPLOYMENT_STAGE_STEP',
  'APPROVAL_STAGE',
  'CUSTOM_STAGE',
  'PIPELINE_STAGE',
  'IntegrationStageStepPMS',
  'FLAG_STAGE',
  'IDP_STAGE',
  'IACM_STAGE',
]);

/** The v2 execution payload as the bot's ExecutionView: stages in layout order, steps in run order. */
export function parseExecutionGraph(detail: Detail): ExecutionView {
  const summary = detail.pipelineExecutionSummary;
  const stages = walkStages(summary.startingNodeId ?? undefined, summary.layoutNodeMap ?? {});
  const stageOrder = new Map(stages.map((s, i) => [s.id, i]));
  const steps = Object.values(detail.executionGraph?.nodeMap ?? {})
    .filter(
      (n) =>
        n.stepType !== undefined &&
        n.stepType !== null &&
        !CONTAINER_STEP_TYPES.has(n.stepType) &&
        isStepFqn(n.baseFqn),
    )
    .map(toStep)
    .sort(
      (a, b) =>
        (stageOrder.get(a.stageId ?? '') ?? 999) - (stageOrder.get(b.stageId ?? '') ?? 999) ||
        (a.startTs ?? Infinity) - (b.startTs ?? Infinity),
    );
  const status = normaliseStatus(summary.status ?? undefined);
  return {
    executionId: summary.planExecutionId,
    pipelineId: summary.pipelineIdentifier ?? '',
    name: summary.name ?? summary.pipelineIdentifier ?? '',
    runSequence: summary.runSequence ?? undefined,
    status,
    bucket: statusBucket(status),
    startTs: positive(summary.startTs),
    endTs: positive(summary.endTs),
    failureMessage: nonEmpty(summary.failureInfo?.message),
    stages,
    steps,
    modules: summary.modules ?? [],
    git:
      summary.storeType === 'REMOTE'
        ? {
            repoName: nonEmpty(summary.gitDetails?.repoName ?? summary.gitDetails?.repoIdentifier),
            branch: nonEmpty(summary.gitDetails?.branch),
          }
        : undefined,
  };
}

/** Stages from `startingNodeId`, parallel children before the next in sequence; never loops. */
function walkStages(start: string | undefined, map: Record<string, LayoutNode>): StageView[] {
  const out: StageView[] = [];
  const seen = new Set<string>();
  const visit = (id: string | undefined): void => {
    if (id === undefined || seen.has(id)) return;
    seen.add(id);
    const node = map[id];
    if (node === undefined) return;
    if (isStage(node)) out.push(toStage(id, node));
    for (const child of node.edgeLayoutList?.currentNodeChildren ?? []) visit(child);
    for (const next of node.edgeLayoutList?.nextIds ?? []) visit(next);
  };
  visit(start);
  // Stages the walk did not reach still exist: keep them, in map order, after the others.
  for (const [id, node] of Object.entries(map))
    if (!seen.has(id) && isStage(node)) out.push(toStage(id, node));
  return out;
}

/** Parallel blocks sit in the layout as STAGE-group nodes of type `parallel`: they only hold stages. */
function isStage(node: LayoutNode): boolean {
  return node.nodeGroup === 'STAGE' && node.nodeType?.toLowerCase() !== 'parallel';
}

function toStage(id: string, node: LayoutNode): StageView {
  const status = normaliseStatus(node.status ?? undefined);
  return {
    id: node.nodeIdentifier ?? id,
    name: node.name ?? node.nodeIdentifier ?? id,
    status,
    bucket: statusBucket(status),
    startTs: positive(node.startTs),
    endTs: positive(node.endTs),
    failureMessage: nonEmpty(node.failureInfo?.message ?? node.failureInfoDTO?.message),
  };
}

function toStep(n: ExecNode): StepView {
  const status = normaliseStatus(n.status ?? undefined);
  return {
    id: n.identifier ?? n.uuid ?? '',
    name: n.name ?? n.identifier ?? '',
    type: n.stepType ?? 'Unknown',
    stageId: stageOf(n.baseFqn ?? undefined),
    status,
    bucket: statusBucket(status),
    startTs: positive(n.startTs),
    endTs: positive(n.endTs),
    failureMessage: nonEmpty(n.failureInfo?.message),
    outputs: outputsOf(n.outcomes ?? undefined),
    approvalInstanceId:
      status === 'ApprovalWaiting' ? callbackIdOf(n.executableResponses ?? undefined) : undefined,
  };
}

function isStepFqn(fqn: string | null | undefined): boolean {
  return fqn === undefined || fqn === null || fqn.includes('.steps.') || fqn.includes('.rollbackSteps.');
}

function stageOf(fqn: string | undefined): string | undefined {
  const m = fqn === undefined ? null : /(?:^|\.)stages\.([^.]+)\./.exec(fqn);
  return m?.[1];
}

/** What the Harness UI uses as the approval instance id: `executableResponses[0].async.callbackIds[0]`. */
function callbackIdOf(responses: unknown[] | undefined): string | undefined {
  for (const r of responses ?? []) {
    const async = isRecord(r) ? r.async : undefined;
    const ids = isRecord(async) ? async.callbackIds : undefined;
    if (Array.isArray(ids) && typeof ids[0] === 'string') return ids[0];
  }
  return undefined;
}

function outputsOf(outcomes: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const outcome of Object.values(outcomes ?? {})) {
    if (!isRecord(outcome)) continue;
    for (const [k, v] of Object.entries(outcome)) {
      if (k === 'outputVariables' && isRecord(v)) {
        for (const [name, value] of Object.entries(v)) if (isScalar(value)) out[name] = String(value);
      } else if (isScalar(v)) {
        out[k] = String(v);
      }
    }
  }
  return out;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  ['string', 'number', 'boolean'].includes(typeof v);
const positive = (n: number | null | undefined): number | undefined =>
  typeof n === 'number' && n > 0 ? n : undefined;
const nonEmpty = (s: string | null | undefined): string | undefined =>
  typeof s === 'string' && s.trim() !== '' ? s : undefined;
