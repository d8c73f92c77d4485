/**
 * Harness execution statuses (the `ExecutionStatus` values of the pipeline API,
 * https://apidocs.harness.io/) and how the bot groups them. The grouping into buckets is the
 * bot's own reading of the Harness UI: correct it here, in one place.
 */
export type StatusBucket =
  'running' | 'needs-human' | 'queued' | 'paused' | 'succeeded' | 'failed' | 'unknown';

const BUCKETS: Record<string, StatusBucket> = {
  Running: 'running',
  AsyncWaiting: 'running',
  TaskWaiting: 'running',
  TimedWaiting: 'running',
  WaitStepRunning: 'running',
  Discontinuing: 'running',
  ApprovalWaiting: 'needs-human',
  InterventionWaiting: 'needs-human',
  InputWaiting: 'needs-human',
  Queued: 'queued',
  QueuedLicenseLimitReached: 'queued',
  QueuedExecutionConcurrencyReached: 'queued',
  ResourceWaiting: 'queued',
  NotStarted: 'queued',
  Paused: 'paused',
  Pausing: 'paused',
  Success: 'succeeded',
  IgnoreFailed: 'succeeded',
  Skipped: 'succeeded',
  Failed: 'failed',
  Errored: 'failed',
  ApprovalRejected: 'failed',
  Expired: 'failed',
  Aborted: 'failed',
  AbortedByFreeze: 'failed',
  Suspended: 'failed',
};

/** Legacy display values and the engine enum (`planExecution.status`), mapped to display values. */
const ALIASES: Record<string, string> = {
  NOT_STARTED: 'NotStarted',
  INTERVENTION_WAITING: 'InterventionWaiting',
  APPROVAL_WAITING: 'ApprovalWaiting',
  APPROVAL_REJECTED: 'ApprovalRejected',
  WAITING: 'AsyncWaiting',
  RUNNING: 'Running',
  TIMED_WAITING: 'TimedWaiting',
  ASYNC_WAITING: 'AsyncWaiting',
  TASK_WAITING: 'TaskWaiting',
  DISCONTINUING: 'Discontinuing',
  PAUSING: 'Pausing',
  QUEUED: 'Queued',
  SKIPPED: 'Skipped',
  PAUSED: 'Paused',
  ABORTED: 'Aborted',
  ERRORED: 'Errored',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
  SUSPENDED: 'Suspended',
  SUCCEEDED: 'Success',
  IGNORE_FAILED: 'IgnoreFailed',
  RESOURCE_WAITING: 'ResourceWaiting',
  INPUT_WAITING: 'InputWaiting',
  WAIT_STEP_RUNNING: 'WaitStepRunning',
  FREEZE_FAILED: 'AbortedByFreeze',
};

/** The display status for any spelling Harness uses; unknown values pass through unchanged. */
export function normaliseStatus(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'NotStarted';
  return ALIASES[raw] ?? raw;
}

/** Unknown statuses are `unknown`: not terminal, so the bot keeps watching instead of guessing. */
export function statusBucket(status: string): StatusBucket {
  return BUCKETS[normaliseStatus(status)] ?? 'unknown';
}

/** Stopped by a person or a freeze window (a `failed` bucket, but not a failure of the pipeline). */
export function isAborted(status: string): boolean {
  const s = normaliseStatus(status);
  return s === 'Aborted' || s === 'AbortedByFreeze';
}

export function isTerminal(bucket: StatusBucket): boolean {
  return bucket === 'succeeded' || bucket === 'failed';
}
