import { isTerminal as isHarnessTerminal } from '../harness-model/status.js';
import type { StatusBucket } from '../harness-model/status.js';

/**
 * Where a run is, as the bot records it (`RunRecord.bucket`): `starting` until Harness answers,
 * then Harness's bucket for the execution (`src/harness-model/status.ts` stays the one place mapping
 * Harness statuses to buckets). A run that did not start is `failed`; one that may have started
 * without the bot ever finding it is `unknown`.
 */
export type RunBucket = 'starting' | StatusBucket;

const RUN_BUCKETS = new Set<string>([
  'starting',
  'running',
  'needs-human',
  'queued',
  'paused',
  'succeeded',
  'failed',
  'unknown',
] satisfies RunBucket[]);

/** A run's status and bucket together, as a card shows them (`RunRecord.status` / `.bucket`). */
export interface RunState {
  /** Harness's display status (free text), or one of the bot's own below. */
  status: string;
  bucket: RunBucket;
}

/**
 * The states the bot gives a run itself, before or instead of Harness's. Their statuses are
 * the bot's words (`starting`, `not_started`, rendered by `blocks/format.ts`), or Harness's
 * spelling where the bot stands in for Harness (`Running` once it has the run).
 */
export const RUN_STATES = {
  /** The submission is recorded; Harness has not answered yet. */
  starting: { status: 'starting', bucket: 'starting' },
  /** Harness has the run (answered, or found by its marker). */
  started: { status: 'Running', bucket: 'running' },
  /** Harness refused it, or it never appeared, or its card could not be posted. */
  notStarted: { status: 'not_started', bucket: 'failed' },
  /** Harness could not be asked whether the run started: nobody can tell. */
  mayHaveStarted: { status: 'Unknown', bucket: 'unknown' },
} as const satisfies Record<string, RunState>;

/**
 * A bucket read back from storage. A value the bot does not know (a newer build wrote it, or a
 * hand edit) reads as `unknown`: not terminal, so nothing is concluded from it.
 */
export function parseRunBucket(raw: string): RunBucket {
  return isRunBucket(raw) ? raw : 'unknown';
}

function isRunBucket(raw: string): raw is RunBucket {
  return RUN_BUCKETS.has(raw);
}

/** Over in Harness: succeeded or failed. */
export function isTerminal(bucket: RunBucket): boolean {
  return bucket !== 'starting' && isHarnessTerminal(bucket);
}

export function isSucceeded(bucket: RunBucket): boolean {
  return bucket === 'succeeded';
}

/** Moving on its own in Harness (no person, queue or pause holding it): worth looking at often. */
export function isMoving(bucket: RunBucket): boolean {
  return bucket === 'running';
}
