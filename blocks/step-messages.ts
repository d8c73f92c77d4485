/**
 * What a Workflow Builder step says when it ends without success (functions.completeError's
 * `error`, which Slack shows the person running the workflow: "passed on to the end user through
 * a Slackbot message", https://api.slack.com/methods/functions.completeError), and how its
 * pipeline outputs read as the step's `outputs` text.
 */

/** An input the workflow's JSON Schema refuses: the field and the reason, as the form says it. */
export function stepInputRefused(workflowTitle: string, errors: { field: string; reason: string }[]): string {
  const list = errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
  return `${workflowTitle} was not run: ${list}`;
}

export function stepNotAllowed(workflowTitle: string, reason: string): string {
  return `${workflowTitle} was not run: ${reason}`;
}

export function stepUnknownChannel(workflowTitle: string): string {
  return `${workflowTitle} was not run: the step needs a channel (channel_id) for the run’s status card`;
}

/** The run ended without success: its Harness status and, when known, why. */
export function stepRunEnded(workflowTitle: string, status: string, why: string | undefined): string {
  return `${workflowTitle} ended ${status}${why === undefined || why === '' ? '' : `: ${why}`}`;
}

/** The run never started (Harness refused it, or no status card could be posted). */
export function stepRunNotStarted(workflowTitle: string, reason: string): string {
  return `${workflowTitle} did not start: ${reason}`;
}

/** The pipeline's step outputs as one `step.name: value` line each. */
export function stepOutputsText(outputs: { step: string; name: string; value: string }[]): string {
  return outputs.map((o) => `${o.step}.${o.name}: ${o.value}`).join('\n');
}
