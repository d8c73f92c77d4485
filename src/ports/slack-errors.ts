import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { errorMessage, IdpChatopsError } from '../errors.js';

/**
 * The one place that says which Slack failures are worth another try. Part of the Slack port:
 * every SlackPort implementation fails with Slack Web API's errors (or SlackClosedError), and
 * the core branches on this classification without importing the Slack adapter.
 * - transient: 429 (wait its Retry-After), HTTP 5xx, network errors, and the few `ok:false` codes
 *   Slack documents as "try again" (`internal_error`, `fatal_error`, `service_unavailable`,
 *   `request_timeout`, `ratelimited`; see the Errors section of each method on api.slack.com/methods).
 * - permanent: every other `ok:false` answer. The message is gone (`message_not_found`), the bot
 *   cannot post there (`channel_not_found`, `not_in_channel`, `is_archived`), or what was sent is
 *   wrong (`msg_too_long`, `invalid_blocks`, `cant_update_message`): sending it again changes nothing.
 * - closed: the bot is shutting down and gave up waiting.
 */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; error: string }
  | { kind: 'closed' };

const TRANSIENT_CODES = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** The bot stopped while a Slack call was waiting its turn. */
export class SlackClosedError extends IdpChatopsError {
  readonly code = 'slack_closed';
  constructor() {
    super('The bot is shutting down; the Slack call was not sent.');
    this.name = 'SlackClosedError';
  }
}

export function classifySlackError(err: unknown): SlackFailure {
  if (err instanceof SlackClosedError) return { kind: 'closed' };
  if (err instanceof WebAPIRateLimitedError)
    return { kind: 'rate_limited', retryAfterMs: err.retryAfter * 1000 };
  if (err instanceof WebAPIPlatformError)
    return TRANSIENT_CODES.has(err.data.error)
      ? { kind: 'transient', reason: err.data.error }
      : { kind: 'permanent', error: err.data.error };
  if (err instanceof WebAPIHTTPError)
    return err.statusCode >= 500 || err.statusCode === 408
      ? { kind: 'transient', reason: `HTTP ${String(err.statusCode)}` }
      : { kind: 'permanent', error: `http_${String(err.statusCode)}` };
  if (err instanceof WebAPIRequestError) return { kind: 'transient', reason: err.original.message };
  return { kind: 'transient', reason: errorMessage(err) };
}

/** The Slack error code of a permanent failure, or undefined when another try may work. */
export function permanentSlackError(err: unknown): string | undefined {
  const f = classifySlackError(err);
  return f.kind === 'permanent' ? f.error : undefined;
}
