import { defineConfig } from 'vitest/config';

/**
 * Every test runs once over HTTP; the suites of the core loop (commands, forms with pickers and
 * pages, runs), approvals and App Home run again with Slack's payloads arriving over Socket Mode
 * (the transport slack-app.yaml turns on).
 * `startStack()` reads the transport with `inject('transport')`.
 */
export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'http', include: ['test/**/*.test.ts'], provide: { transport: 'http' } },
      },
      {
        extends: true,
        test: {
          name: 'socket',
          include: [
            'test/slack/workflows-e2e.test.ts',
            'test/slack/commands-e2e.test.ts',
            'test/slack/approvals-e2e.test.ts',
            'test/slack/home-e2e.test.ts',
            'test/slack/dependent-pickers-e2e.test.ts',
          ],
          provide: { transport: 'socket' },
        },
      },
    ],
  },
});
