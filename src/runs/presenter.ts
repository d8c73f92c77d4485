import { buildRunCard } from '../../blocks/build-run-card.js';
import { buildRunFinishedMessage, buildStepFailedMessage } from '../../blocks/build-run-messages.js';
import type { SlackMessage } from '../../blocks/build-run-messages.js';
import type { Workflow } from '../catalogue/workflow.js';
import { toText } from '../forms/json-schema.js';
import type { JsonValue } from '../forms/json-schema.js';
import { executionLink, moduleOfExecution, moduleOfPipelineUrl } from '../harness-model/execution-link.js';
import type { ExecutionView } from '../harness-model/types.js';
import type { RunRecord } from '../ports/store.js';
import { fieldLabel } from '../forms/form-field.js';
import { isTerminal } from './run-status.js';

/**
 * The Harness UI page of a run's execution: module and Git details from the execution when it
 * has been read, else from the workflow's pipeline URL.
 */
export function runExecutionLink(
  uiBase: string,
  accountId: string,
  run: Pick<RunRecord, 'orgId' | 'projectId' | 'pipelineId'>,
  workflow: Workflow | undefined,
  executionId: string,
  view?: Pick<ExecutionView, 'modules' | 'git'>,
): string {
  const target = workflow?.pipeline;
  const urlGit =
    target?.repoName === undefined && target?.branch === undefined
      ? undefined
      : { repoName: target.repoName, branch: target.branch };
  return executionLink(uiBase, accountId, {
    orgId: run.orgId,
    projectId: run.projectId,
    pipelineId: run.pipelineId,
    executionId,
    module:
      moduleOfExecution(view?.modules ?? []) ??
      (target === undefined ? undefined : moduleOfPipelineUrl(target.url)),
    git:
      view?.git === undefined
        ? urlGit
        : { repoName: view.git.repoName ?? urlGit?.repoName, branch: view.git.branch ?? urlGit?.branch },
  });
}

/** The status card for what is known of a run now. */
export function renderCard(
  run: RunRecord,
  workflow: Workflow | undefined,
  view: ExecutionView | undefined,
  note: string | undefined,
  now: number,
): SlackMessage {
  const labels = new Map(
    workflow?.pages.flatMap((p) => p.allFields.map((f) => [f.key, fieldLabel(f)] as const)) ?? [],
  );
  return buildRunCard({
    runId: run.id,
    workflowTitle: workflow?.title ?? run.workflowId,
    requesterId: run.requesterId,
    inputs: Object.entries(run.inputs)
      .filter(([, v]) => v !== '' && v !== null && v !== undefined)
      .map(([k, v]) => ({ label: labels.get(k) ?? k, value: toText(v as JsonValue) })),
    status: view?.status ?? run.status,
    bucket: view?.bucket ?? run.bucket,
    execution: view,
    executionUrl: run.executionUrl,
    note: note ?? run.error,
    terminal: view === undefined ? run.finishedAt !== undefined : isTerminal(view.bucket),
    now,
  });
}

/**
 * The thread replies a state of the run calls for, each with a key: a reply is posted once per
 * key, ever (the store remembers), so polling, webhooks and restarts never repeat one.
 */
export function threadEvents(
  view: ExecutionView,
  workflowTitle: string,
  url: string | undefined,
  now: number,
): { key: string; message: SlackMessage }[] {
  const events: { key: string; message: SlackMessage }[] = [];
  for (const step of view.steps) {
    // Waiting approvals get an approval card of their own (src/runs/approval-service.ts).
    if (step.status === 'Failed' || step.status === 'Errored')
      events.push({
        key: `step-failed:${step.id}:${String(step.startTs ?? 0)}`,
        message: buildStepFailedMessage(step),
      });
  }
  if (isTerminal(view.bucket))
    events.push({ key: 'finished', message: buildRunFinishedMessage(view, workflowTitle, url, now) });
  return events;
}
