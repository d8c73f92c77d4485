/**
 * What a Workflow Builder step says when Slack did not tell who ran it (functions.completeError's
 * `error`, shown to the person running the workflow: https://api.slack.com/methods/functions.completeError).
 * The requester input is a `slack#/types/user_context` that Slack fills with the person who acted
 * (https://docs.slack.dev/reference/types/user_context-type); a plain user id there is a value the
 * workflow's builder set by hand, and a run is never made on such a value's behalf.
 */
export function stepRequesterUnknown(workflowTitle: string, input: string): string {
  return (
    `${workflowTitle} was not run: Slack did not say who ran the workflow (${input} must be the ` +
    'person who used this workflow, not a person the workflow names)'
  );
}
