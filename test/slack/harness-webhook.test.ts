import { createServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { harnessWebhookHandler, WEBHOOK_BODY_LIMIT } from '../../src/slack/harness-webhook.js';

const SECRET = 'hook-secret-unit';
const poked: string[] = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  const handler = harnessWebhookHandler(
    SECRET,
    async (id) => {
      poked.push(id);
      return Promise.resolve(true);
    },
    createLogger('silent'),
  );
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Starts a POST and writes `first` without ending the body; resolves with the status as soon
 * as the bot answers, whatever is still unsent.
 */
function postOpen(headers: Record<string, string>, first: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/harness/events', headers },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on('error', reject);
    req.write(first);
  });
}

const event = JSON.stringify({ eventData: { planExecutionId: 'exec-1', eventType: 'PipelineSuccess' } });

describe('POST /harness/events', () => {
  it('refuses a wrong secret without waiting for the body to end', async () => {
    const reply = await postOpen(
      { 'Content-Type': 'application/json', 'X-Harness-Webhook-Secret': 'wrong' },
      '{"eventData": {"planExecutionId": "exec-',
    );
    expect(reply).toEqual({ status: 401, text: 'bad secret' });
  });

  it('refuses a body past the cap with 413, even while it is still arriving', async () => {
    const reply = await postOpen(
      { 'Content-Type': 'application/json', 'X-Harness-Webhook-Secret': SECRET },
      'x'.repeat(WEBHOOK_BODY_LIMIT + 1),
    );
    expect(reply.status).toBe(413);
    expect(reply.text).toContain(String(WEBHOOK_BODY_LIMIT));
  });

  it('refuses a declared Content-Length past the cap before reading anything', async () => {
    const reply = await postOpen(
      {
        'Content-Type': 'application/json',
        'X-Harness-Webhook-Secret': SECRET,
        'Content-Length': String(WEBHOOK_BODY_LIMIT * 10),
      },
      '{',
    );
    expect(reply.status).toBe(413);
  });

  it('accepts a notification with the right secret', async () => {
    const r = await fetch(`http://127.0.0.1:${String(port)}/harness/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Harness-Webhook-Secret': SECRET },
      body: event,
    });
    expect(r.status).toBe(202);
    expect(poked).toContain('exec-1');
  });
});
