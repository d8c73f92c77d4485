import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../logger.js';

export const WEBHOOK_SECRET_HEADER = 'x-harness-webhook-secret';
/** Harness pipeline notifications are a few kilobytes; anything far larger is not one. */
export const WEBHOOK_BODY_LIMIT = 100 * 1024;
const payload = z.object({
  eventData: z.looseObject({ planExecutionId: z.string(), eventType: z.string().optional() }),
});

/**
 * `POST /harness/events`: Harness pipeline notifications. The shared secret is checked (in
 * constant time) from the headers before a byte of the body is read, and the body is capped,
 * so nobody without the secret can make the bot buffer anything. A valid notification makes
 * the tracker look at that execution now.
 */
export function harnessWebhookHandler(
  secret: string | undefined,
  poke: (executionId: string) => Promise<boolean>,
  logger: Logger,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (secret === undefined) {
      refuse(req, res, 404, 'webhooks are not enabled: set HARNESS_WEBHOOK_SECRET');
      return;
    }
    const given = req.headers[WEBHOOK_SECRET_HEADER];
    if (typeof given !== 'string' || !safeEqual(given, secret)) {
      logger.warn({ path: req.url }, 'refused a Harness webhook with a wrong or missing secret');
      refuse(req, res, 401, 'bad secret');
      return;
    }
    const tooLarge = `the body is larger than ${String(WEBHOOK_BODY_LIMIT)} bytes`;
    if (Number(req.headers['content-length'] ?? 0) > WEBHOOK_BODY_LIMIT) {
      refuse(req, res, 413, tooLarge);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size <= WEBHOOK_BODY_LIMIT) chunks.push(c);
      else {
        req.off('data', onData);
        refuse(req, res, 413, tooLarge);
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size > WEBHOOK_BODY_LIMIT) return;
      parseAndPoke(Buffer.concat(chunks), poke, logger).then(
        (known) => {
          send(res, known.status, known.text);
        },
        (err: unknown) => {
          logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'could not handle a Harness webhook',
          );
          send(res, 500, 'could not handle the notification');
        },
      );
    });
  };
}

async function parseAndPoke(
  raw: Buffer,
  poke: (executionId: string) => Promise<boolean>,
  logger: Logger,
): Promise<{ status: number; text: string }> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { status: 400, text: 'not JSON' };
  }
  const parsed = payload.safeParse(body);
  if (!parsed.success) return { status: 400, text: 'not a Harness pipeline notification' };
  const known = await poke(parsed.data.eventData.planExecutionId);
  logger.debug({ event: parsed.data.eventData.eventType, known }, 'Harness webhook');
  return { status: 202, text: known ? 'tracking' : 'unknown execution' };
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(text);
}

/** Answers at once and closes the connection, so the rest of the body is never read. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' });
  res.end(text, () => {
    req.socket.destroySoon();
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
