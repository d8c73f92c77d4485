import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

it('App Home lists what the person can run and their latest runs', async () => {
  const reply = await s.slack.event({
    type: 'app_home_opened',
    user: 'U0ALICE',
    channel: 'D0ALICE',
    tab: 'home',
  });
  expect(reply.status).toBe(200);
  const home = await eventually(
    () => s.slack.ws.homeViews.get('U0ALICE'),
    (v) => v !== undefined,
  );
  const text = JSON.stringify(home);
  expect(text).toContain('Self-service workflows');
  expect(text).toContain('Onboard a new service');
  expect(text).toContain('None yet.');
});
