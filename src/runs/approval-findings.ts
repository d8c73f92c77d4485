import type { ExecutionView, StepView } from '../harness-model/types.js';
import { redactOutput } from './redact.js';

/** One output of an earlier step, as the approver may read it. */
export interface FoundOutput {
  name: string;
  value: string;
  /** A link the output names (a Jira issue's page). */
  url?: string | undefined;
}

/** What the run found out before an approval, for the person deciding it. */
export interface ApprovalFindings {
  /** `current_<input>` reported by a step, beside the input the run asks for: current → target. */
  changes: { label: string; from: string; to: string }[];
  /** Steps that ran before the approval and reported something, in run order. */
  steps: { name: string; outputs: FoundOutput[] }[];
  /** An infrastructure plan is among them: the card links to the full plan. */
  plan: boolean;
}

const PLANNED = 'plannedChanges.';
const APPROVAL_STEP_TYPES = new Set([
  'HarnessApproval',
  'IACMApproval',
  'JiraApproval',
  'ServiceNowApproval',
  'CustomApproval',
]);

/**
 * The outputs of the steps that succeeded before the approval (the step blocked on it, or the
 * last approval step of that name; undefined when the execution has neither): secrets by name, shape or Harness's mask redacted; an IaCM plan's
 * `plannedChanges.*` read as Terraform's "Plan: N to add, N to change, N to destroy"; a Jira
 * issue as its key and link; and each `current_x` output beside the run's answer `x`.
 */
export function findingsBefore(
  view: ExecutionView,
  approvalId: string,
  stepName: string,
  inputs: Record<string, unknown>,
  labels: ReadonlyMap<string, string>,
): ApprovalFindings | undefined {
  let at = view.steps.findIndex((s) => s.approvalInstanceId === approvalId);
  if (at === -1) at = view.steps.findLastIndex((s) => s.name === stepName && APPROVAL_STEP_TYPES.has(s.type));
  // The approval step is not in the execution (yet): nothing to say, and nothing to remember.
  if (at === -1) return undefined;
  const earlier = view.steps
    .slice(0, at)
    .filter((s) => s.bucket === 'succeeded' && s.status !== 'Skipped' && !APPROVAL_STEP_TYPES.has(s.type));
  const changes: ApprovalFindings['changes'] = [];
  const steps: ApprovalFindings['steps'] = [];
  let plan = false;
  for (const step of earlier) {
    const outputs = outputsOf(step);
    if (outputs.length === 0) continue;
    if (outputs.some((o) => o.name === 'Plan')) plan = true;
    for (const o of outputs) {
      const m = /^current_(.+)$/.exec(o.name);
      const target = m?.[1] === undefined ? undefined : inputs[m[1]];
      if (m?.[1] !== undefined && (typeof target === 'string' || typeof target === 'number'))
        changes.push({ label: labels.get(m[1]) ?? m[1], from: o.value, to: String(target) });
    }
    steps.push({ name: step.name, outputs });
  }
  return { changes, steps, plan };
}

function outputsOf(step: StepView): FoundOutput[] {
  const entries = Object.entries(step.outputs).map(([name, value]) => ({
    name,
    value: redactOutput(name, value),
  }));
  const out: FoundOutput[] = [];
  const planned = new Map(
    entries.filter((e) => e.name.startsWith(PLANNED)).map((e) => [e.name.slice(PLANNED.length), e.value]),
  );
  if (planned.size > 0) {
    const n = (k: string): string => planned.get(k) ?? '0';
    const extra = ['imported', 'removed']
      .filter((k) => n(k) !== '0')
      .map((k) => `, ${n(k)} to ${k === 'imported' ? 'import' : 'forget'}`);
    out.push({
      name: 'Plan',
      value: `${n('added')} to add, ${n('changed')} to change, ${n('deleted')} to destroy${extra.join('')}`,
    });
  }
  // A Jira issue (JiraCreate's `issue` outcome): its key, linked to its page.
  const key = entries.find((e) => e.name === 'key');
  const url = entries.find((e) => e.name === 'url');
  if (key !== undefined && url !== undefined && step.type.startsWith('Jira'))
    out.push({ name: 'Issue', value: key.value, url: url.value });
  for (const e of entries) {
    if (e.name.startsWith(PLANNED)) continue;
    if (
      step.type.startsWith('Jira') &&
      (e.name === 'key' || e.name === 'url') &&
      key !== undefined &&
      url !== undefined
    )
      continue;
    out.push(e);
  }
  return out;
}
