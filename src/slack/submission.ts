import { chosenForAnother } from '../../blocks/form-errors.js';
import type { Workflow } from '../catalogue/workflow.js';
import type { FormField } from '../forms/form-field.js';
import type { FormValues } from '../forms/json-schema.js';
import { fieldBlockIdOn, readPageState, staleChoices } from './read-state.js';
import { checkPickerAnswers } from '../forms/picker-check.js';
import type { OptionSource } from '../ports/option-source.js';
import { validatePage } from '../forms/validate-page.js';
import { buildRuntimeInput, workflowParameters } from '../catalogue/workflow-parameters.js';

export type SubmissionOutcome =
  /**
   * Stay on the page; `response_action: errors` keyed by block_id. `redraw` when a choice was
   * stale: the page must be drawn again (new block ids) for it to be chosen afresh.
   */
  | { kind: 'errors'; page: number; errors: Record<string, string>; values: FormValues; redraw?: boolean }
  /** Move on; `response_action: update` with the next page. */
  | { kind: 'next-page'; page: number; values: FormValues }
  /** Every page is valid: what to run. */
  | {
      kind: 'complete';
      /** The answers by field key (nested fields as `a.b`), as cards and the audit show them. */
      values: FormValues;
      /** The same answers as the workflow's `parameters`: nested objects reassembled. */
      parameters: FormValues;
      runtimeInputYaml: string;
    };

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
  const read = readPageState(page.allFields, pageIndex, state);
  const answers = {
    ...withoutKeys(
      earlier,
      page.allFields.map((f) => f.key),
    ),
    ...read.values,
  };
  const checked = validatePage(page, answers, allowExpressions);
  const stale = staleChoices(page.allFields, read, answers);
  const errors = { ...checked.errors, ...read.errors, ...staleErrors(workflow, stale) };
  if (Object.keys(errors).length > 0) {
    return {
      kind: 'errors',
      page: pageIndex,
      values: withoutKeys(
        answers,
        stale.map((f) => f.key),
      ),
      ...(stale.length > 0 ? { redraw: true } : {}),
      errors: Object.fromEntries(
        Object.entries(errors).map(([k, m]) => [read.blockIds[k] ?? fieldBlockIdOn(page, k, answers), m]),
      ),
    };
  }
  const values = {
    ...withoutKeys(
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
  const checked = checkEveryPage(workflow, answers, allowExpressions);
  if (checked.kind === 'errors') {
    const page = workflow.pages[checked.page];
    return {
      kind: 'errors',
      page: checked.page,
      values: answers,
      errors: Object.fromEntries(
        Object.entries(checked.errors).map(([k, m]) => [
          page === undefined ? k : fieldBlockIdOn(page, k, answers),
          m,
        ]),
      ),
    };
  }
  return checked;
}

/**
 * All answers at once, every page validated as the last page of a form re-validates them (a
 * Workflow Builder step's inputs come this way): the first page with errors (field key → reason),
 * or what to run.
 */
export function checkEveryPage(
  workflow: Workflow,
  answers: FormValues,
  allowExpressions: ReadonlySet<string> = new Set(),
):
  | { kind: 'errors'; page: number; errors: Record<string, string> }
  | Extract<SubmissionOutcome, { kind: 'complete' }> {
  let values: FormValues = {};
  for (const page of workflow.pages) {
    const checked = validatePage(page, answers, allowExpressions);
    if (Object.keys(checked.errors).length > 0)
      return { kind: 'errors', page: page.index, errors: checked.errors };
    values = { ...values, ...checked.values };
  }
  return {
    kind: 'complete',
    values,
    parameters: workflowParameters(workflow, values),
    runtimeInputYaml: buildRuntimeInput(workflow, values),
  };
}

/** A choice made from another list than its answers now give: chosen again, never run. */
function staleErrors(workflow: Workflow, stale: FormField[]): Record<string, string> {
  const titleOf = (key: string) =>
    workflow.pages.flatMap((p) => p.allFields).find((f) => f.key === key)?.title ?? key;
  return Object.fromEntries(
    stale.map((f) => {
      const on = f.input.type === 'picker' ? f.input.source.dependsOn.map(titleOf) : [];
      return [f.key, chosenForAnother(f.title, on)];
    }),
  );
}

function withoutKeys(values: FormValues, keys: string[]): FormValues {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !keys.includes(k)));
}

/** A page that passed validation still stays open if a picker answer is not one its source lists. */
export async function withPickersChecked(
  outcome: SubmissionOutcome,
  o: { workflow: Workflow; page: number; options: OptionSource; budgetMs: number },
): Promise<SubmissionOutcome> {
  const page = o.workflow.pages[o.page];
  if (outcome.kind === 'errors' || page === undefined) return outcome;
  const errors = await checkPickerAnswers({
    workflowId: o.workflow.id,
    page,
    values: outcome.values,
    options: o.options,
    budgetMs: o.budgetMs,
  });
  if (Object.keys(errors).length === 0) return outcome;
  return {
    kind: 'errors',
    page: o.page,
    values: outcome.values,
    errors: Object.fromEntries(
      Object.entries(errors).map(([k, m]) => [fieldBlockIdOn(page, k, outcome.values), m]),
    ),
  };
}
