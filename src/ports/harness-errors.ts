import { harnessFailed, runStartFailed } from '../../blocks/harness-error-text.js';
import { IdpChatopsError } from '../errors.js';

/**
 * The errors any implementation of the Harness port throws, and what the core may ask of them:
 * `instanceof`, `unauthorized`, `mayHaveStarted`, `mayHaveReachedHarness`.
 */

/** Network failures that happen before a request leaves the machine: Harness cannot have seen it. */
export const NOT_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** How a request to Harness failed: an HTTP error, no connection, no answer in time, an unreadable answer. */
export type HarnessFailureKind = 'http' | 'network' | 'timeout' | 'malformed';

/** Harness answered with an error, or not at all. Carries what a person needs, never the key. */
export class HarnessApiError extends IdpChatopsError {
  readonly code: string;
  constructor(
    readonly endpoint: string,
    readonly status: number | undefined,
    readonly harnessMessage: string | undefined,
    readonly kind: HarnessFailureKind,
    readonly correlationId?: string,
    /** ECONNREFUSED, ECONNRESET, …: tells whether the request can have reached Harness. */
    readonly networkCode?: string,
  ) {
    super(harnessFailed(endpoint, status, harnessMessage, kind));
    this.name = 'HarnessApiError';
    this.code = kind === 'http' ? `harness_http_${String(status)}` : `harness_${kind}`;
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * Running a pipeline failed. `mayHaveStarted` is true when the request may have reached Harness
 * (a timeout, a 5xx, a dropped connection): the run must then not be retried blindly, and the
 * person is told to check Harness before trying again.
 */
export class HarnessRunError extends IdpChatopsError {
  readonly code = 'harness_run_failed';
  constructor(
    readonly mayHaveStarted: boolean,
    override readonly cause: HarnessApiError,
  ) {
    super(runStartFailed(cause.message, mayHaveStarted));
    this.name = 'HarnessRunError';
  }
}

/** Whether the failed request may have been acted on by Harness. */
export function mayHaveReachedHarness(err: HarnessApiError): boolean {
  if (err.kind === 'network') return err.networkCode === undefined || !NOT_SENT.has(err.networkCode);
  if (err.kind === 'timeout' || err.kind === 'malformed') return true;
  return err.status === undefined || err.status >= 500;
}
