import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

/**
 * How far a Slack request's timestamp may be from our clock, either way. Slack's own guide
 * refuses a request "more than five minutes from local time" (the absolute difference):
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
export const MAX_REQUEST_SKEW_SECONDS = 5 * 60;

/**
 * Wraps the HTTP receiver's listener so a request dated in the future is refused before Bolt
 * sees it. Bolt 5's `verifySlackRequest` refuses only stale timestamps (older than five
 * minutes); a signed request dated ahead would stay replayable until that date had passed.
 */
export function refuseFutureSlackRequests(
  listener: RequestListener,
  endpoints: readonly string[],
  logger: Logger,
  now: () => number = Date.now,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const header = req.headers['x-slack-request-timestamp'];
    const ts = typeof header === 'string' ? Number(header) : Number.NaN;
    if (
      req.method === 'POST' &&
      endpoints.includes(path) &&
      Number.isFinite(ts) &&
      ts > Math.floor(now() / 1000) + MAX_REQUEST_SKEW_SECONDS
    ) {
      logger.warn({ path }, 'refused a Slack request dated in the future');
      // Bolt answers a failed signature check with an empty 401; so do we.
      res.writeHead(401);
      res.end();
      req.resume();
      return;
    }
    listener(req, res);
  };
}
