import type { HarnessFailureKind } from '../src/ports/harness-errors.js';

/**
 * What the bot says when Harness fails: the message of src/ports/harness-errors.ts's errors, which
 * the run card, the requester's private note and the approval notes show as they are.
 */

/** "Harness answered HTTP 500 on /pipeline/…: <what Harness said>". */
export function harnessFailed(
  endpoint: string,
  status: number | undefined,
  harnessMessage: string | undefined,
  kind: HarnessFailureKind,
): string {
  const what =
    kind === 'timeout'
      ? 'did not answer in time'
      : kind === 'network'
        ? 'could not be reached'
        : kind === 'malformed'
          ? `sent a response the bot cannot read${status === undefined ? '' : ` (HTTP ${String(status)})`}`
          : `answered HTTP ${String(status)}`;
  return `Harness ${what} on ${endpoint}${harnessMessage === undefined ? '' : `: ${harnessMessage}`}`;
}

/** Starting a run failed; `failure` is harnessFailed's sentence. */
export function runStartFailed(failure: string, mayHaveStarted: boolean): string {
  return mayHaveStarted
    ? `${failure}. The run may have started: check the pipeline's executions in Harness before trying again.`
    : `${failure}. The run did not start.`;
}
