import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../logger.js';

export const WEBHOOK_SECRET_HEADER = 'x-harness-webhook-secret';
const payload = z.object({
  eventData: z.looseObject({ planExecutionId: z.string(), eventType: z.string().optional() }),
});

/**
 * `POST /harness/events`: Harness pipeline notifications. Checked against the shared secret
 * (constant time); a valid one makes the tracker look at that execution now.
 */
export function harnessWebhookHandler(
  secret: string | undefined,
  poke: (executionId: string) => boolean,
  logger: Logger,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 100_000) chunks.push(c);
    });
    req.on('end', () => {
      const send = (status: number, text: string): void => {
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(text);
      };
      if (secret === undefined) {
        send(404, 'webhooks are not enabled: set HARNESS_WEBHOOK_SECRET');
        return;
      }
      const given = req.headers[WEBHOOK_SECRET_HEADER];
      if (typeof given !== 'string' || !safeEqual(given, secret)) {
        logger.warn({ path: req.url }, 'refused a Harness webhook with a wrong or missing secret');
        send(401, 'bad secret');
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(400, 'not JSON');
        return;
      }
      const parsed = payload.safeParse(body);
      if (!parsed.success) {
        send(400, 'not a Harness pipeline notification');
        return;
      }
      const known = poke(parsed.data.eventData.planExecutionId);
      logger.debug({ event: parsed.data.eventData.eventType, known }, 'Harness webhook');
      send(202, known ? 'tracking' : 'unknown execution');
    });
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
