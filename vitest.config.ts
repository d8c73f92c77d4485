import { defineConfig } from 'vitest/config';

/** The suites of the core loop: commands, forms with pickers and pages, runs, approvals, App Home. */
const coreLoop = [
  'test/slack/workflows-e2e.test.ts',
  'test/slack/commands-e2e.test.ts',
  'test/slack/approvals-e2e.test.ts',
  'test/slack/home-e2e.test.ts',
  'test/slack/dependent-pickers-e2e.test.ts',
];

/**
 * Every test runs once over HTTP on SQLite; the core loop runs again with Slack's payloads
 * arriving over Socket Mode (the transport slack-app.yaml turns on), and again on PostgreSQL
 * (with the crash and approval suites that read the store), each stack in a schema of its own.
 * `startStack()` reads `inject('transport')`; `createTestDatabase()` reads `inject('store')`.
 */
export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'http',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          provide: { transport: 'http', store: 'sqlite' },
        },
      },
      {
        // The sandbox page in a real browser (Debian's chromium through playwright-core): it
        // serves dist/ (npm test builds first), and a browser run is slower than an API one.
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 30_000,
          provide: { transport: 'http', store: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'socket',
          include: [...coreLoop, 'test/slack/workflow-steps-e2e.test.ts'],
          provide: { transport: 'socket', store: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'pg',
          include: [
            ...coreLoop,
            'test/slack/crash-e2e.test.ts',
            'test/slack/workflow-steps-crash-e2e.test.ts',
            'test/slack/workflow-steps-e2e.test.ts',
            'test/slack/approval-principals-e2e.test.ts',
            'test/slack/approval-types-e2e.test.ts',
          ],
          provide: { transport: 'http', store: 'pg' },
        },
      },
    ],
  },
});
