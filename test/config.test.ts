import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs locally with defaults when no Slack or Harness variable is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      mode: 'local',
      port: 3000,
      manifestsDir: 'manifests',
      databasePath: 'data/idp-chatops.db',
      logLevel: 'info',
    });
    expect(c.slack).toBeUndefined();
    expect(c.harness).toBeUndefined();
  });

  it('reads a full connected configuration', () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'sig-test',
      SLACK_API_URL: 'http://127.0.0.1:9000/api',
      HARNESS_API_KEY: 'pat.test',
      HARNESS_ACCOUNT_ID: 'acct',
      PORT: '8080',
      MANIFESTS_DIR: 'm',
      DATABASE_PATH: '/tmp/x.db',
    });
    expect(c.mode).toBe('connected');
    expect(c.slack).toEqual({
      botToken: 'xoxb-test',
      signingSecret: 'sig-test',
      appToken: undefined,
      apiUrl: 'http://127.0.0.1:9000/api/',
    });
    expect(c.harness).toEqual({
      apiUrl: 'https://app.harness.io',
      apiKey: 'pat.test',
      accountId: 'acct',
      webhookSecret: undefined,
      requestsPerMinute: 600,
      executeTimeoutMs: 120_000,
      lostRunSearchMs: 180_000,
    });
    expect(c.port).toBe(8080);
  });

  it('reports every problem at once, each with its fix', () => {
    const p = problems({ SLACK_BOT_TOKEN: 'xoxp-user', PORT: 'eighty', HARNESS_API_URL: 'ftp://x' });
    expect(p).toHaveLength(6);
    expect(p.join('\n')).toMatch(/SLACK_BOT_TOKEN does not start with "xoxb-"/);
    expect(p.join('\n')).toMatch(/SLACK_SIGNING_SECRET is missing: copy it from "Basic Information/);
    expect(p.join('\n')).toMatch(/HARNESS_API_KEY is missing/);
    expect(p.join('\n')).toMatch(/HARNESS_ACCOUNT_ID is missing/);
    expect(p.join('\n')).toMatch(/PORT must be a whole number/);
    expect(p.join('\n')).toMatch(/HARNESS_API_URL is not an http\(s\) URL/);
  });

  it('accepts Socket Mode without a signing secret', () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: 'xapp-test',
      HARNESS_API_KEY: 'k',
      HARNESS_ACCOUNT_ID: 'a',
    });
    expect(c.slack?.appToken).toBe('xapp-test');
  });

  it('local mode runs over HTTP or Socket Mode as LOCAL_TRANSPORT says, and refuses anything else', () => {
    expect(loadConfig({}).localTransport).toBe('http');
    expect(loadConfig({ LOCAL_TRANSPORT: 'socket' })).toMatchObject({
      mode: 'local',
      localTransport: 'socket',
    });
    expect(problems({ LOCAL_TRANSPORT: 'websocket' })).toEqual([
      'LOCAL_TRANSPORT must be "http" or "socket" (got "websocket").',
    ]);
  });

  it('never repeats a secret value in its messages', () => {
    const p = problems({
      SLACK_BOT_TOKEN: 'xoxp-very-secret-value',
      SLACK_APP_TOKEN: 'not-an-app-token-secret',
    });
    expect(p.join('\n')).not.toMatch(/very-secret|app-token-secret/);
  });

  it('bounds the search for a run whose start Harness did not confirm, refusing nonsense', () => {
    const connected = {
      SLACK_BOT_TOKEN: 'xoxb-t',
      SLACK_SIGNING_SECRET: 's',
      HARNESS_API_KEY: 'k',
      HARNESS_ACCOUNT_ID: 'a',
    };
    expect(loadConfig(connected).harness?.lostRunSearchMs).toBe(180_000);
    expect(loadConfig({ ...connected, HARNESS_LOST_RUN_SEARCH_SECONDS: '2' }).harness?.lostRunSearchMs).toBe(
      2000,
    );
    for (const bad of ['0', '3601', '1.5', 'soon'])
      expect(problems({ ...connected, HARNESS_LOST_RUN_SEARCH_SECONDS: bad })).toEqual([
        'HARNESS_LOST_RUN_SEARCH_SECONDS must be a whole number of seconds from 1 to 3600 (default 180: how long a run whose start Harness did not confirm is looked for before the card says it did not start).',
      ]);
  });

  it('tunes how often runs are looked at and how fast cards are edited, refusing nonsense', () => {
    expect(loadConfig({})).toMatchObject({
      pollIntervalMs: 2000,
      slackEditsPerMinute: 45,
      runLeaseMs: 15_000,
    });
    expect(loadConfig({ HARNESS_POLL_INTERVAL_MS: '500', SLACK_EDITS_PER_MINUTE: '90' })).toMatchObject({
      pollIntervalMs: 500,
      slackEditsPerMinute: 90,
    });
    const p = problems({ HARNESS_POLL_INTERVAL_MS: '10', SLACK_EDITS_PER_MINUTE: 'lots' });
    expect(p).toEqual([
      'HARNESS_POLL_INTERVAL_MS must be a whole number of at least 50 (milliseconds between looks at a moving run; the default is 2000; got "10").',
      'SLACK_EDITS_PER_MINUTE must be a whole number of at least 12 (Slack allows about 50 message edits a minute per workspace; the default is 45; got "lots").',
    ]);
  });

  it('reads how many runs going in one channel make a digest: 5 by default, 0 turns digests off', () => {
    expect(loadConfig({}).slackDigestThreshold).toBe(5);
    expect(loadConfig({ SLACK_DIGEST_THRESHOLD: '0' }).slackDigestThreshold).toBe(0);
    expect(loadConfig({ SLACK_DIGEST_THRESHOLD: '12' }).slackDigestThreshold).toBe(12);
    expect(problems({ SLACK_DIGEST_THRESHOLD: 'many' })).toEqual([
      'SLACK_DIGEST_THRESHOLD must be a whole number of at least 0 (runs going at once in one channel beyond which one digest message shows them all; 0 turns digests off; the default is 5; got "many").',
    ]);
  });

  it('reads how long a run lease lives, in seconds, at least 2', () => {
    expect(loadConfig({ RUN_LEASE_SECONDS: '6' }).runLeaseMs).toBe(6000);
    expect(problems({ RUN_LEASE_SECONDS: '1' })).toEqual([
      'RUN_LEASE_SECONDS must be a whole number of at least 2 (seconds a replica holds a run without renewing; the default is 15; got "1").',
    ]);
  });

  it('reads DATABASE_URL for PostgreSQL and refuses another kind of URL without quoting it', () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    const url = 'postgresql://bot:pw-FAKE@db.example:5432/chatops';
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    const p = problems({ DATABASE_URL: 'mysql://bot:pw-FAKE@db.example/chatops' });
    expect(p).toEqual([expect.stringContaining('DATABASE_URL must be a PostgreSQL URL')]);
    expect(p.join(' ')).not.toContain('pw-FAKE');
  });
});
