import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ transport: 'socket' });
});
afterAll(async () => {
  await s.stop();
});

describe('Socket Mode', () => {
  it('connects to the Slack it is pointed at (SLACK_API_URL) with the app-level token, and answers a command', async () => {
    expect(s.slack.calls.filter((c) => c.method === 'apps.connections.open' && c.ok)).toHaveLength(1);
    expect(s.slack.socketMode.connectionCount).toBe(1);
    const reply = await s.slack.command({ command: '/idp', text: 'help', user: 'U0ALICE', channel: 'C0OPS' });
    expect(reply).toMatchObject({ status: 200 });
    // The help comes back in the acknowledgement's payload, as over HTTP in the response body.
    expect(JSON.stringify(reply.body)).toContain('/idp run <workflow>');
  });
});
