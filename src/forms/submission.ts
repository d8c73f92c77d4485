import { fieldBlockId } from '../../blocks/ids.js';
import { renderRuntimeInput } from '../catalogue/runtime-input.js';
import type { Workflow } from '../catalogue/workflow.js';
import type { FormValues } from './json-schema.js';
import { readPageState } from './read-state.js';
import { validatePage } from './validate-page.js';

export type SubmissionOutcome =
  /** Stay on the page; `response_action: errors` keyed by block_id. */
  | { kind: 'errors'; page: number; errors: Record<string, string>; values: FormValues }
  /** Move on; `response_action: update` with the next page. */
  | { kind: 'next-page'; page: number; values: FormValues }
  /** Every page is valid: what to run. */
  | { kind: 'complete'; values: FormValues; runtimeInputYaml: string };

/**
 * One page submitted: read its state, validate it, and either stay with inline errors, go to
 * the next page, or (on the last page) re-validate every page and render the runtime input.
 * `allowExpressions` names the fields whose binding lets them hold Harness expressions.
 */
export function handleSubmission(
  workflow: Workflow,
  pageIndex: number,
  state: unknown,
  earlier: FormValues,
  allowExpressions: ReadonlySet<string> = new Set(),
): SubmissionOutcome {
  const page = workflow.pages[pageIndex];
  if (page === undefined) return complete(workflow, earlier, allowExpressions);
  const read = readPageState(page.allFields, (key) => fieldBlockId(pageIndex, key), state);
  const answers = {
    ...withoutPage(
      earlier,
      page.allFields.map((f) => f.key),
    ),
    ...read.values,
  };
  const checked = validatePage(page, answers, allowExpressions);
  const errors = { ...checked.errors, ...read.errors };
  if (Object.keys(errors).length > 0) {
    return {
      kind: 'errors',
      page: pageIndex,
      values: answers,
      errors: Object.fromEntries(Object.entries(errors).map(([k, m]) => [fieldBlockId(pageIndex, k), m])),
    };
  }
  const values = {
    ...withoutPage(
      earlier,
      page.allFields.map((f) => f.key),
    ),
    ...checked.values,
  };
  if (pageIndex + 1 < workflow.pages.length) return { kind: 'next-page', page: pageIndex + 1, values };
  return complete(workflow, values, allowExpressions);
}

function complete(
  workflow: Workflow,
  answers: FormValues,
  allowExpressions: ReadonlySet<string>,
): SubmissionOutcome {
  // Every page again: earlier answers came back through Slack and are checked, not trusted.
  let values: FormValues = {};
  for (const page of workflow.pages) {
    const checked = validatePage(page, answers, allowExpressions);
    if (Object.keys(checked.errors).length > 0) {
      return {
        kind: 'errors',
        page: page.index,
        values: answers,
        errors: Object.fromEntries(
          Object.entries(checked.errors).map(([k, m]) => [fieldBlockId(page.index, k), m]),
        ),
      };
    }
    values = { ...values, ...checked.values };
  }
  return { kind: 'complete', values, runtimeInputYaml: buildRuntimeInput(workflow, values) };
}

export function buildRuntimeInput(workflow: Workflow, values: FormValues): string {
  return renderRuntimeInput(workflow.pipeline.pipelineId, workflow.inputset, values);
}

function withoutPage(values: FormValues, keys: string[]): FormValues {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !keys.includes(k)));
}
