import { createHmac } from 'node:crypto';
import type { Delivered } from './socket-mode.js';

/** What the app answered to one delivery, whichever the transport. */
export interface BotReply {
  /** HTTP status of the app's answer (200 for an acknowledged envelope); 0 when there was none. */
  status: number;
  /** Parsed JSON body (or ack payload), or the raw text; `''` for an empty ack. */
  body: unknown;
  /** What Slack shows the person when the app did not answer in time or could not be reached. */
  error?: 'operation_timeout' | 'dispatch_failed';
}

export interface Signing {
  timestamp?: number;
  secret?: string;
  signature?: string;
}

/**
 * POSTs a body to the app signed as Slack signs it (https://api.slack.com/authentication/verifying-requests-from-slack),
 * and gives up when Slack would: an answer later than the 3-second deadline is a timeout for the
 * person (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
 */
export async function signedPost(
  url: string,
  body: string,
  contentType: string,
  signingSecret: string,
  deadlineMs: number,
  sign: Signing = {},
): Promise<BotReply> {
  // Slack dates each request when it sends it (never ahead of its clock); only a test that
  // passes `sign.timestamp` sends an old or future one.
  const ts = String(sign.timestamp ?? Math.floor(Date.now() / 1000));
  const signature =
    sign.signature ??
    `v0=${createHmac('sha256', sign.secret ?? signingSecret)
      .update(`v0:${ts}:${body}`)
      .digest('hex')}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': contentType,
        'X-Slack-Request-Timestamp': ts,
        'X-Slack-Signature': signature,
      },
      body,
      signal: AbortSignal.timeout(deadlineMs),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError')
      return { status: 0, body: '', error: 'operation_timeout' };
    throw err;
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? '' : JSON.parse(text);
  } catch {
    // plain-text ack
  }
  return { status: res.status, body: parsed };
}

/** A Socket Mode outcome in the same shape as an HTTP answer, so helpers work over either. */
export function replyFromEnvelope(d: Delivered): BotReply {
  if (!d.ok) return { status: 0, body: '', error: d.error };
  return { status: 200, body: Object.keys(d.payload).length === 0 ? '' : d.payload };
}
