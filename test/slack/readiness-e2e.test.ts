import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

const probe = async (path: string): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(`${s.bot.url}${path}`);
  return { status: r.status, body: await r.json() };
};

describe('GET /readyz, apart from GET /healthz', () => {
  it('is ready once Slack auth was checked, with the store reachable and the catalogue loaded', async () => {
    const ready = await eventually(
      () => probe('/readyz'),
      (r) => r.status === 200,
    );
    expect(ready.body).toEqual({ ready: true });
    expect(s.slack.calls.some((c) => c.method === 'auth.test' && c.ok)).toBe(true);
  });

  it('answers 503 naming the store when the store cannot be read, while /healthz stays 200', async () => {
    // The tracker stops first, so nothing else touches the closed store.
    await s.bot.deps.tracker.stop();
    await s.bot.deps.store.close();
    const r = await probe('/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ ready: false, notReady: ['store'] });
    expect((await probe('/healthz')).status).toBe(200);
  });
});
