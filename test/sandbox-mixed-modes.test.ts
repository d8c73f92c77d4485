import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import type { CliIo } from '../src/cli.js';
import { loadConfig } from '../src/config.js';
import { DEFAULT_SEED, SEED_KEYS } from '../src/harness/simulator/seed.js';
import { startHarnessSimulator } from '../src/harness/simulator/server.js';
import { SlackEmulator } from '../src/sandbox/slack/emulator.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-mixed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * `idp-chatops start` in this process with `env`, on port 0 and an SQLite file `db` of its own;
 * `out()` is what it printed so far.
 */
function start(db: string, env: Record<string, string>, io: Pick<CliIo, 'input' | 'stopped'>) {
  let out = '';
  const done = main(['start'], {
    out: (t) => (out += `${t}\n`),
    err: () => undefined,
    env: { PORT: '0', DATABASE_PATH: path.join(dir, db), ...env },
    ...io,
  });
  const until = Date.now() + 15_000;
  return {
    done,
    out: () => out,
    /** Waits until it printed `text` (15 s after its start at most). */
    async printed(text: string): Promise<void> {
      while (!out.includes(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

describe('mixed modes: one side real, the other built in', () => {
  it('reads only the side that is given, and still wants all of that side', () => {
    const slackOnly = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-1', SLACK_SIGNING_SECRET: 'test-secret' });
    expect(slackOnly.mode).toBe('mixed');
    expect(slackOnly.slack?.botToken).toBe('xoxb-test-1');
    expect(slackOnly.harness).toBeUndefined();
    const harnessOnly = loadConfig({ HARNESS_API_KEY: 'pat.test.key', HARNESS_ACCOUNT_ID: 'acc' });
    expect(harnessOnly.mode).toBe('mixed');
    expect(harnessOnly.slack).toBeUndefined();
    expect(() => loadConfig({ HARNESS_API_KEY: 'pat.test.key' })).toThrow(/HARNESS_ACCOUNT_ID is missing/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-1' })).toThrow(/SLACK_SIGNING_SECRET is missing/);
    // A production deployment (a shared database) that lost its Harness key refuses to start
    // rather than run people's rollbacks on the simulator.
    expect(() =>
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-test-1',
        SLACK_SIGNING_SECRET: 'test-secret',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      }),
    ).toThrow(/never falls back to the simulated Harness/);
  });

  it('HARNESS_* without Slack: the sandbox runs on the emulator with that Harness account, and says so', async () => {
    const harness = await startHarnessSimulator({ speed: 100, manifestsDir: 'manifests' });
    const input = new PassThrough();
    const bot = start(
      'h.db',
      {
        HARNESS_API_URL: harness.url,
        HARNESS_API_KEY: SEED_KEYS.bot,
        HARNESS_ACCOUNT_ID: DEFAULT_SEED.accountId,
      },
      // Stop when the terminal's input ends (the page would otherwise keep it running).
      { input, stopped: Promise.resolve() },
    );
    const out = bot.out;
    try {
      await bot.printed('alice@#ops>');
      expect(out()).toContain('HARNESS_* set and no SLACK_BOT_TOKEN');
      expect(out()).toContain(`your Harness account at ${harness.url}`);
      expect(out()).toMatch(/Open the sandbox in a browser: http:\/\/127\.0\.0\.1:\d+/);
      // The bot reads the catalogue's services from that account when a form asks for them.
      const before = harness.requests;
      input.write('/scale payments-api\n');
      await bot.printed('type to search');
      expect(harness.requests).toBeGreaterThan(before);
    } finally {
      input.end();
      await expect(bot.done).resolves.toBe(0);
      await harness.close();
    }
  });

  it('SLACK_* without Harness: the bot serves that Slack app with the Harness simulator behind it, and says so', async () => {
    const slack = await SlackEmulator.start({ signingSecret: 'test-secret', botToken: 'xoxb-test-mixed' });
    const stopper = new AbortController();
    const stop = () => {
      stopper.abort();
    };
    const stopped = new Promise<void>((resolve) => {
      stopper.signal.addEventListener('abort', () => {
        resolve();
      });
    });
    const bot = start(
      's.db',
      {
        SLACK_BOT_TOKEN: 'xoxb-test-mixed',
        SLACK_SIGNING_SECRET: 'test-secret',
        SLACK_API_URL: slack.apiUrl,
      },
      { stopped },
    );
    const out = bot.out;
    try {
      await bot.printed('Ctrl-C');
      expect(out()).toContain('SLACK_* set and no HARNESS_API_KEY');
      expect(out()).toMatch(/with the Harness simulator at http:\/\/127\.0\.0\.1:\d+/);
      // The workspace's commands reach the bot, whose forms read the simulated Harness.
      slack.botUrl = `${/HTTP on (\S+)\)/.exec(out())?.[1] ?? ''}/slack/events`;
      await slack.command({ command: '/scale', text: 'payments-api', user: 'U0ALICE', channel: 'C0OPS' });
      await expect.poll(() => slack.openViews('U0ALICE').length).toBe(1);
      const view = slack.openViews('U0ALICE')[0];
      const r = await slack.suggest(view?.id ?? '', 'U0ALICE', 'environment', 'prod');
      expect(JSON.stringify(r.body)).toContain('Production');
    } finally {
      stop();
      await expect(bot.done).resolves.toBe(0);
      await slack.close();
    }
  });
});
