import { IdpChatopsError } from '../errors.js';

/**
 * The errors any implementation of the Harness port throws, and what the core may ask of them:
 * `instanceof`, `unauthorized`, `mayHaveStarted`, `mayHaveReachedHarness`.
 */

/** Network failures that happen before a request leaves the machine: Harness cannot have seen it. */
export const NOT_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Harness answered with an error, or not at all. Carries what a person needs, never the key. */
export class HarnessApiError extends IdpChatopsError {
  readonly code: string;
  constructor(
    readonly endpoint: string,
    readonly status: number | undefined,
    readonly harnessMessage: string | undefined,
    readonly kind: 'http' | 'network' | 'timeout' | 'malformed',
    readonly correlationId?: string,
    /** ECONNREFUSED, ECONNRESET, …: tells whether the request can have reached Harness. */
    readonly networkCode?: string,
  ) {
    super(describe(endpoint, status, harnessMessage, kind));
    this.name = 'HarnessApiError';
    this.code = kind === 'http' ? `harness_http_${String(status)}` : `harness_${kind}`;
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function describe(
  endpoint: string,
  status: number | undefined,
  message: string | undefined,
  kind: string,
): string {
  const what =
    kind === 'timeout'
      ? 'did not answer in time'
      : kind === 'network'
        ? 'could not be reached'
        : kind === 'malformed'
          ? `sent a response the bot cannot read${status === undefined ? '' : ` (HTTP ${String(status)})`}`
          : `answered HTTP ${String(status)}`;
  return `Harness ${what} on ${endpoint}${message === undefined ? '' : `: ${message}`}`;
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
    super(
      mayHaveStarted
        ? `${cause.message}. The run may have started: check the pipeline's executions in Harness before trying again.`
        : `${cause.message}. The run did not start.`,
    );
    this.name = 'HarnessRunError';
  }
}

/** Whether the failed request may have been acted on by Harness. */
export function mayHaveReachedHarness(err: HarnessApiError): boolean {
  if (err.kind === 'network') return err.networkCode === undefined || !NOT_SENT.has(err.networkCode);
  if (err.kind === 'timeout' || err.kind === 'malformed') return true;
  return err.status === undefined || err.status >= 500;
}
