import type { App } from '@slack/bolt';
import { stepInputRefused, stepNotAllowed, stepUnknownChannel } from '../../../blocks/step-messages.js';
import { stepRequesterUnknown } from '../../../blocks/step-requester-text.js';
import type { Binding } from '../../catalogue/bindings.js';
import {
  STEP_CHANNEL_INPUT,
  STEP_REQUESTER_INPUT,
  stepFields,
  stepParameterName,
} from '../../catalogue/step-functions.js';
import type { Workflow } from '../../catalogue/workflow.js';
import { errorMessage } from '../../errors.js';
import type { FormValues, JsonValue } from '../../forms/json-schema.js';
import { checkPickerAnswers } from '../../forms/picker-check.js';
import { isRecord } from '../../is-record.js';
import { checkEveryPage } from '../submission.js';
import type { BotDeps } from '../deps.js';
import { inBackground } from '../deps.js';

/** Slack waits 3 s for an event's ack (Bolt acks function_executed first); picker answers are checked within this. */
const PICKER_CHECK_BUDGET_MS = 5000;

/** What a `function_executed` event brings (https://api.slack.com/events/function_executed). */
interface StepCall {
  functionExecutionId: string;
  token: string;
  inputs: Record<string, unknown>;
}

/**
 * Workflow Builder custom steps: one `app.function` per bound workflow (the `functions:` of
 * slack-app.yaml, generated from the same catalogue). A step run follows a slash command's rules:
 * its inputs are validated with the workflow's JSON Schema (every page, as a form's last page
 * re-validates), pickers checked against their sources, access checked for the person who ran
 * the workflow (the requester input's user_context, which Slack sets and the workflow's builder
 * cannot: https://docs.slack.dev/reference/types/user_context-type) and the channel it names; then the run is claimed by its function_execution_id (Slack
 * retries events: a second delivery finds it taken) and started exactly as a submitted form's.
 * The step is completed when the run ends (`src/runs/step-completion.ts`); a step refused here is
 * completed with the reason at once.
 *
 * Bolt 5's `app.function` acknowledges the event before the listener runs (autoAcknowledge).
 */
export function registerFunctions(app: App, deps: BotDeps): void {
  for (const [id, binding] of deps.catalogue.bindings) {
    const workflow = deps.catalogue.workflows.get(id);
    if (workflow === undefined) continue;
    app.function(id, async ({ event }) => {
      const call: StepCall = {
        functionExecutionId: event.function_execution_id,
        token: event.bot_access_token,
        inputs: event.inputs,
      };
      try {
        await runStep(deps, workflow, binding, call);
      } catch (err) {
        deps.logger.error(
          { workflow: id, functionExecution: call.functionExecutionId, err: errorMessage(err) },
          'a Workflow Builder step could not be handled',
        );
      }
    });
  }
}

async function runStep(deps: BotDeps, workflow: Workflow, binding: Binding, call: StepCall): Promise<void> {
  const refuse = async (error: string) => {
    await deps.slack.completeStep(call.functionExecutionId, call.token, { error });
  };
  const requester = userContextId(call.inputs[STEP_REQUESTER_INPUT]);
  if (requester === undefined) {
    // A plain user id (or nothing) where Slack puts a user_context: no run on anyone's behalf.
    deps.logger.warn(
      { workflow: workflow.id, functionExecution: call.functionExecutionId },
      'refused a Workflow Builder step whose requester is not a user_context',
    );
    await refuse(stepRequesterUnknown(workflow.title, STEP_REQUESTER_INPUT));
    return;
  }
  const channel = stringInput(call.inputs[STEP_CHANNEL_INPUT]);
  if (channel === undefined) {
    await refuse(stepUnknownChannel(workflow.title));
    return;
  }
  const answers = answersOf(workflow, call.inputs);
  const allowExpressions = new Set(binding.allowExpressions);
  const checked = checkEveryPage(workflow, answers, allowExpressions);
  const errors =
    checked.kind === 'errors' ? checked.errors : await pickerErrors(deps, workflow, checked.values);
  if (checked.kind === 'errors' || Object.keys(errors).length > 0) {
    await refuse(stepInputRefused(workflow.title, namedErrors(workflow, errors)));
    return;
  }
  const decision = await deps.access.check(binding.access, requester, channel);
  if (!decision.allowed) {
    await deps.store.audit.record({
      at: deps.now(),
      actor: requester,
      action: 'run.denied',
      workflowId: workflow.id,
      runId: undefined,
      details: { reason: decision.reason, channel, functionExecution: call.functionExecutionId },
    });
    await refuse(stepNotAllowed(workflow.title, decision.reason));
    return;
  }
  const request = {
    workflow,
    values: checked.values,
    runtimeInputYaml: checked.runtimeInputYaml,
    requesterId: requester,
    requesterName: (await deps.slack.userName(requester).catch(() => undefined)) ?? requester,
    channelId: channel,
    submissionKey: `function:${call.functionExecutionId}`,
    step: { functionExecutionId: call.functionExecutionId, token: call.token },
  };
  // Claimed before anything else happens: Slack's retry of the same execution finds it taken.
  const run = await deps.runs.claim(request);
  if (run === undefined) {
    deps.logger.info({ functionExecution: call.functionExecutionId }, 'ignored a repeated step execution');
    return;
  }
  inBackground(deps, deps.runs.start(run, request));
}

/** The step's inputs as the form's answers (by field key); empty inputs are unanswered. */
function answersOf(workflow: Workflow, inputs: Record<string, unknown>): FormValues {
  const answers: FormValues = {};
  for (const field of stepFields(workflow)) {
    const v = inputs[stepParameterName(field.key)];
    if (v === undefined || v === null || v === '') continue;
    answers[field.key] = v as JsonValue;
  }
  return answers;
}

async function pickerErrors(
  deps: BotDeps,
  workflow: Workflow,
  values: FormValues,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  for (const page of workflow.pages)
    Object.assign(
      errors,
      await checkPickerAnswers({
        workflowId: workflow.id,
        page,
        values,
        options: deps.options,
        budgetMs: PICKER_CHECK_BUDGET_MS,
      }),
    );
  return errors;
}

function namedErrors(
  workflow: Workflow,
  errors: Record<string, string>,
): { field: string; reason: string }[] {
  const fields = workflow.pages.flatMap((p) => p.allFields);
  return Object.entries(errors).map(([key, reason]) => ({
    field: `${fields.find((f) => f.key === key)?.title ?? key} (${stepParameterName(key)})`,
    reason,
  }));
}

/**
 * The user id of a user_context input, `{ id: "U…", secret: "…" }`
 * (https://docs.slack.dev/reference/objects/user-context-object); undefined for anything else,
 * a bare user id string included.
 */
function userContextId(v: unknown): string | undefined {
  if (!isRecord(v) || typeof v.secret !== 'string' || v.secret === '') return undefined;
  return typeof v.id === 'string' && /^[UW][A-Z0-9]+$/.test(v.id) ? v.id : undefined;
}

function stringInput(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
