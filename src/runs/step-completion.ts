import { stepOutputsText, stepRunEnded, stepRunNotStarted } from '../../blocks/step-messages.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { STEP_OUTPUTS } from '../catalogue/step-functions.js';
import { errorMessage } from '../errors.js';
import type { ExecutionView } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import type { SlackPort } from '../ports/slack.js';
import { permanentSlackError } from '../ports/slack-errors.js';
import type { RunRecord, Store } from '../ports/store.js';
import type { Delivery, RunEventMap } from './run-events.js';
import { redactOutput } from './redact.js';
import { isSucceeded } from './run-status.js';

export interface StepCompletionDeps {
  store: Store;
  slack: Pick<SlackPort, 'completeStep'>;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
}

type Outcome = { outputs: Record<string, string> } | { error: string };

/**
 * Slack's answers to an execution token it no longer takes: it expires 15 minutes after it is
 * issued (https://github.com/slackapi/bolt-python/issues/1075), so a run that outlives it (a long
 * approval wait) must complete another way. The app's bot token completes the app's own steps,
 * no scope required (https://api.slack.com/methods/functions.completeSuccess).
 */
const TOKEN_REFUSED = new Set(['token_expired', 'token_revoked', 'invalid_auth']);

/**
 * A run a Workflow Builder step started ends its step: success with the outputs (status,
 * execution URL, the pipeline's step outputs), anything else (failed, rejected, expired, aborted,
 * never started) with the reason. The step's completion is owed from the moment the run is
 * recorded (its row keeps the execution's token and no completion time): it is done once Slack
 * took it, or said it was taken before, and then recorded. Until then `run.finished` stays
 * undelivered (the run stays open, and the next look emits again), and a bot that stopped in
 * between completes it at its next start (`completeOwedSteps`).
 */
export function stepCompletion(d: StepCompletionDeps) {
  const complete = async (run: RunRecord, outcome: Outcome): Promise<Delivery> => {
    if (run.functionExecutionId === undefined || run.stepCompletedAt !== undefined) return 'done';
    const token = await d.store.runs.stepToken(run.id);
    if (token === undefined) {
      d.logger.warn({ runId: run.id }, 'the step’s token is gone: it cannot be completed');
      await d.store.runs.stepCompleted(run.id, d.now());
      return 'done';
    }
    try {
      const r = await completeWithFallback(run, run.functionExecutionId, token, outcome);
      if (r === 'already_completed')
        d.logger.info({ runId: run.id }, 'Slack says the step was completed before');
    } catch (err) {
      // Refused for good (the token revoked, access_denied…): an outcome, as for any delivery, so
      // it cannot hold the run open forever. Anything passing is tried again at the next look.
      const refused = permanentSlackError(err);
      if (refused === undefined) {
        d.logger.warn({ runId: run.id, err: errorMessage(err) }, 'could not complete the step yet');
        return 'later';
      }
      d.logger.warn({ runId: run.id, err: refused }, 'Slack refuses to complete the step: given up');
      await d.store.audit.record({
        at: d.now(),
        actor: 'slack',
        action: 'slack.gave_up',
        workflowId: run.workflowId,
        runId: run.id,
        details: { method: 'functions.complete', functionExecution: run.functionExecutionId, error: refused },
      });
    }
    await d.store.runs.stepCompleted(run.id, d.now());
    return 'done';
  };
  /** With the execution's token; refused as expired/revoked, once more with the bot token. */
  const completeWithFallback = async (run: RunRecord, id: string, token: string, outcome: Outcome) => {
    try {
      return await d.slack.completeStep(id, token, outcome);
    } catch (err) {
      const refused = permanentSlackError(err);
      if (refused === undefined || !TOKEN_REFUSED.has(refused)) throw err;
      d.logger.info(
        { runId: run.id, err: refused },
        'the step’s token is refused: completing with the bot token',
      );
      return await d.slack.completeStep(id, undefined, outcome);
    }
  };
  const title = (run: RunRecord) => d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
  return {
    finished: ({ run, view }: RunEventMap['run.finished']): Promise<Delivery> =>
      complete(run, finishedOutcome(run, view, title(run))),
    notStarted: ({ run, reason }: RunEventMap['run.not_started']): Promise<Delivery> =>
      complete(run, { error: stepRunNotStarted(title(run), reason) }),
    /** For a run that is over; the outcome from what the record says. */
    owed: (run: RunRecord): Promise<Delivery> =>
      complete(
        run,
        run.executionId === undefined || run.bucket === 'starting' || run.error !== undefined
          ? { error: stepRunNotStarted(title(run), run.error ?? run.status) }
          : isSucceeded(run.bucket)
            ? { outputs: outputsOf(run, undefined) }
            : { error: stepRunEnded(title(run), run.status, undefined) },
      ),
  };
}

function finishedOutcome(run: RunRecord, view: ExecutionView, title: string): Outcome {
  if (isSucceeded(view.bucket)) return { outputs: outputsOf(run, view) };
  // As the thread's "ended" reply says it: the failed step and its message, else the execution's.
  const failed = view.steps.find((s) => s.bucket === 'failed');
  const message = failed?.failureMessage ?? view.failureMessage;
  const why = failed !== undefined && message !== undefined ? `${failed.name}: ${message}` : message;
  return { error: stepRunEnded(title, view.status, why) };
}

function outputsOf(run: RunRecord, view: ExecutionView | undefined): Record<string, string> {
  const outputs = (view?.steps ?? []).flatMap((s) =>
    // Redacted as on the approval card: a later step of the Slack workflow may post them anywhere.
    Object.entries(s.outputs).map(([name, value]) => ({
      step: s.name,
      name,
      value: redactOutput(name, value),
    })),
  );
  return {
    [STEP_OUTPUTS.status]: view?.status ?? run.status,
    [STEP_OUTPUTS.executionUrl]: run.executionUrl ?? '',
    [STEP_OUTPUTS.outputs]: stepOutputsText(outputs),
  };
}

/** Steps a stopped bot still owed their completion (their runs are over): completed now. */
export async function completeOwedSteps(d: StepCompletionDeps): Promise<void> {
  const c = stepCompletion(d);
  for (const run of await d.store.runs.stepsToComplete()) await c.owed(run);
}
