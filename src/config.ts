import { z } from 'zod';
import { ConfigError } from './errors.js';
import { isPostgresUrl } from './store/database-url.js';

/**
 * The only module that reads the environment. Everything else receives a Config.
 * Every problem is collected and reported at once, each with the fix.
 */

const DEFAULT_HARNESS_URL = 'https://app.harness.io';

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === undefined || s === '' ? undefined : s));

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText,
  PORT: optionalText,
  HARNESS_API_URL: optionalText,
  HARNESS_API_KEY: optionalText,
  HARNESS_ACCOUNT_ID: optionalText,
  HARNESS_WEBHOOK_SECRET: optionalText,
  HARNESS_APPROVER_API_KEY: optionalText,
  HARNESS_REQUESTS_PER_MINUTE: optionalText,
  HARNESS_EXECUTE_TIMEOUT_SECONDS: optionalText,
  HARNESS_LOST_RUN_SEARCH_SECONDS: optionalText,
  HARNESS_POLL_INTERVAL_MS: optionalText,
  SLACK_EDITS_PER_MINUTE: optionalText,
  SLACK_DIGEST_THRESHOLD: optionalText,
  RUN_LEASE_SECONDS: optionalText,
  DATABASE_PATH: optionalText,
  DATABASE_URL: optionalText,
  MANIFESTS_DIR: optionalText,
  LOG_LEVEL: optionalText,
  IDP_CHATOPS_ENCRYPTION_KEY: optionalText,
  LOCAL_TRANSPORT: optionalText,
});

/** Every environment variable the bot reads: deployment files may name these and no others. */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface SlackConfig {
  botToken: string;
  /** Present in HTTP mode; Socket Mode authenticates with the app token instead. */
  signingSecret: string | undefined;
  /** Socket Mode when set. */
  appToken: string | undefined;
  /** Base URL of the Web API (the emulator in local mode and tests). */
  apiUrl: string | undefined;
}

export interface HarnessConfig {
  apiUrl: string;
  apiKey: string;
  accountId: string;
  /** Shared secret Harness sends in the `X-Harness-Webhook-Secret` header of notifications. */
  webhookSecret: string | undefined;
  /** A principal in the approver groups, used only for approvals, after the bot's own checks. */
  approverApiKey: string | undefined;
  /** The request budget shared by every caller of one key. */
  requestsPerMinute: number;
  /** How long running a pipeline may take to answer (Git-stored pipelines are fetched first). */
  executeTimeoutMs: number;
  /**
   * How long a run whose start Harness did not confirm (a lost answer, a crash while starting) is
   * looked for by its marker before the card says it did not start.
   */
  lostRunSearchMs: number;
}

export interface Config {
  /**
   * `local` runs against the built-in Slack emulator and Harness simulator; `mixed` has one real
   * side (SLACK_* or HARNESS_* given: `slack` or `harness` is set) and the other built in.
   */
  mode: 'local' | 'mixed' | 'connected';
  slack: SlackConfig | undefined;
  harness: HarnessConfig | undefined;
  port: number;
  databasePath: string;
  /**
   * A PostgreSQL server (`postgres://…`) instead of the SQLite file at `databasePath`. It may
   * carry a password: never log it (`maskDatabaseUrl` in src/store/database-url.ts hides it).
   */
  databaseUrl: string | undefined;
  manifestsDir: string;
  logLevel: LogLevel;
  /** Encrypts personal Harness tokens linked with `/idp link`; linking is off without it. */
  encryptionKey: string | undefined;
  /** How the emulated Slack reaches the bot in local mode. */
  localTransport: 'http' | 'socket';
  /** How often a moving run is looked at (ms); an idle one or one waiting on a person, 5× less. */
  pollIntervalMs: number;
  /** The budget of card edits (chat.update is Tier 3: 50+ per minute per workspace). */
  slackEditsPerMinute: number;
  /** More runs than this going at once in one channel share one digest message; 0: never. */
  slackDigestThreshold: number;
  /** How long a replica's lease on a run lives unrenewed: a dead replica's runs move within it. */
  runLeaseMs: number;
}

/** A whole number within bounds, or a problem saying what to set. */
function wholeNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  why: string,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min) return n;
  problems.push(`${name} must be a whole number of at least ${String(min)} (${why}; got "${raw}").`);
  return fallback;
}

function checkUrl(name: string, value: string, problems: string[]): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return value.replace(/\/+$/, '');
  } catch {
    problems.push(`${name} is not an http(s) URL: set it to e.g. https://app.harness.io (without a path).`);
    return undefined;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Every field is an optional string, so parsing cannot fail on shape.
  const raw = envSchema.parse(env);
  const problems: string[] = [];

  let port = 3000;
  if (raw.PORT !== undefined) {
    port = Number(raw.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push(
        `PORT must be a whole number from 0 to 65535, 0 picking a free port (got "${raw.PORT}").`,
      );
    }
  }

  const logLevel = (raw.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw.LOG_LEVEL ?? ''}").`);
  }

  const slackGiven = [raw.SLACK_BOT_TOKEN, raw.SLACK_SIGNING_SECRET, raw.SLACK_APP_TOKEN].some(Boolean);
  const harnessGiven = [raw.HARNESS_API_KEY, raw.HARNESS_ACCOUNT_ID, raw.HARNESS_API_URL].some(Boolean);
  // One side given and not the other: that side is real, the other built in (the sandbox's).
  const mode = slackGiven && harnessGiven ? 'connected' : slackGiven || harnessGiven ? 'mixed' : 'local';

  const slack = slackGiven ? readSlack(raw, problems) : undefined;
  const harness = harnessGiven ? readHarness(raw, problems) : undefined;
  if (!slackGiven && raw.SLACK_API_URL !== undefined) checkUrl('SLACK_API_URL', raw.SLACK_API_URL, problems);

  if (raw.IDP_CHATOPS_ENCRYPTION_KEY !== undefined && raw.IDP_CHATOPS_ENCRYPTION_KEY.length < 32) {
    problems.push(
      'IDP_CHATOPS_ENCRYPTION_KEY is too short: use at least 32 random characters (e.g. `openssl rand -base64 32`).',
    );
  }
  const pollIntervalMs = wholeNumber(
    'HARNESS_POLL_INTERVAL_MS',
    raw.HARNESS_POLL_INTERVAL_MS,
    2000,
    50,
    'milliseconds between looks at a moving run; the default is 2000',
    problems,
  );
  const slackEditsPerMinute = wholeNumber(
    'SLACK_EDITS_PER_MINUTE',
    raw.SLACK_EDITS_PER_MINUTE,
    45,
    12,
    'Slack allows about 50 message edits a minute per workspace; the default is 45',
    problems,
  );
  const slackDigestThreshold = wholeNumber(
    'SLACK_DIGEST_THRESHOLD',
    raw.SLACK_DIGEST_THRESHOLD,
    5,
    0,
    'runs going at once in one channel beyond which one digest message shows them all; 0 turns digests off; the default is 5',
    problems,
  );
  const runLeaseSeconds = wholeNumber(
    'RUN_LEASE_SECONDS',
    raw.RUN_LEASE_SECONDS,
    15,
    2,
    'seconds a replica holds a run without renewing; the default is 15',
    problems,
  );
  const localTransport = (raw.LOCAL_TRANSPORT ?? 'http').toLowerCase();
  if (localTransport !== 'http' && localTransport !== 'socket') {
    problems.push(`LOCAL_TRANSPORT must be "http" or "socket" (got "${raw.LOCAL_TRANSPORT ?? ''}").`);
  }
  // The value may hold a password, so the problem never quotes it.
  // A deployment on a shared database that lost its Harness key must not start on the simulated
  // Harness: people would see cards for rollbacks that never ran.
  if (mode === 'mixed' && slackGiven && raw.DATABASE_URL !== undefined) {
    problems.push(
      'SLACK_* and DATABASE_URL are set but HARNESS_API_KEY and HARNESS_ACCOUNT_ID are not: a deployment never falls back to the simulated Harness. Set both, or unset DATABASE_URL to try the bot on your workspace with the built-in Harness simulator.',
    );
  }
  if (raw.DATABASE_URL !== undefined && !isPostgresUrl(raw.DATABASE_URL)) {
    problems.push(
      'DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); leave it unset to use the SQLite file at DATABASE_PATH.',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    pollIntervalMs,
    slackEditsPerMinute,
    slackDigestThreshold,
    runLeaseMs: runLeaseSeconds * 1000,
    localTransport: localTransport === 'socket' ? 'socket' : 'http',
    mode,
    slack,
    harness,
    port,
    databasePath: raw.DATABASE_PATH ?? 'data/idp-chatops.db',
    databaseUrl: raw.DATABASE_URL,
    manifestsDir: raw.MANIFESTS_DIR ?? 'manifests',
    logLevel: logLevel as LogLevel,
    encryptionKey: raw.IDP_CHATOPS_ENCRYPTION_KEY,
  };
}

type RawEnv = z.infer<typeof envSchema>;

function readSlack(raw: RawEnv, problems: string[]): SlackConfig | undefined {
  const before = problems.length;
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: appToken } = raw;
  if (botToken === undefined) {
    problems.push(
      'SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from your Slack app’s "OAuth & Permissions" page.',
    );
  } else if (!botToken.startsWith('xoxb-')) {
    problems.push(
      'SLACK_BOT_TOKEN does not start with "xoxb-": use the Bot User OAuth Token, not a user or app token.',
    );
  }
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    problems.push(
      'SLACK_APP_TOKEN does not start with "xapp-": create an app-level token with connections:write under "Basic Information".',
    );
  }
  if (appToken === undefined && signingSecret === undefined) {
    problems.push(
      'SLACK_SIGNING_SECRET is missing: copy it from "Basic Information → App Credentials", or set SLACK_APP_TOKEN to use Socket Mode.',
    );
  }
  const apiUrl =
    raw.SLACK_API_URL === undefined ? undefined : checkUrl('SLACK_API_URL', raw.SLACK_API_URL, problems);
  if (problems.length > before || botToken === undefined) return undefined;
  return { botToken, signingSecret, appToken, apiUrl: apiUrl === undefined ? undefined : `${apiUrl}/` };
}

function readHarness(raw: RawEnv, problems: string[]): HarnessConfig | undefined {
  const before = problems.length;
  if (raw.HARNESS_API_KEY === undefined) {
    problems.push(
      'HARNESS_API_KEY is missing: create a personal access token or service-account token under "My Profile → API Keys" in Harness.',
    );
  }
  if (raw.HARNESS_ACCOUNT_ID === undefined) {
    problems.push(
      'HARNESS_ACCOUNT_ID is missing: copy the account id from any Harness URL (…/ng/account/<account id>/…) or "Account Settings → Overview".',
    );
  }
  const apiUrl = checkUrl('HARNESS_API_URL', raw.HARNESS_API_URL ?? DEFAULT_HARNESS_URL, problems);
  const perMinute = Number(raw.HARNESS_REQUESTS_PER_MINUTE ?? 600);
  if (!Number.isInteger(perMinute) || perMinute < 1) {
    problems.push(
      'HARNESS_REQUESTS_PER_MINUTE must be a whole number of at least 1 (Harness allows 1,000 per minute per key; the default is 600).',
    );
  }
  const executeSeconds = Number(raw.HARNESS_EXECUTE_TIMEOUT_SECONDS ?? 120);
  if (!Number.isInteger(executeSeconds) || executeSeconds < 10 || executeSeconds > 900) {
    problems.push(
      'HARNESS_EXECUTE_TIMEOUT_SECONDS must be a whole number of seconds from 10 to 900 (default 120; Git-stored pipelines are fetched from Git before they start).',
    );
  }
  const searchSeconds = Number(raw.HARNESS_LOST_RUN_SEARCH_SECONDS ?? 180);
  if (!Number.isInteger(searchSeconds) || searchSeconds < 1 || searchSeconds > 3600) {
    problems.push(
      'HARNESS_LOST_RUN_SEARCH_SECONDS must be a whole number of seconds from 1 to 3600 (default 180: how long a run whose start Harness did not confirm is looked for before the card says it did not start).',
    );
  }
  if (problems.length > before || raw.HARNESS_API_KEY === undefined || raw.HARNESS_ACCOUNT_ID === undefined) {
    return undefined;
  }
  return {
    apiUrl: apiUrl ?? DEFAULT_HARNESS_URL,
    apiKey: raw.HARNESS_API_KEY,
    accountId: raw.HARNESS_ACCOUNT_ID,
    webhookSecret: raw.HARNESS_WEBHOOK_SECRET,
    approverApiKey: raw.HARNESS_APPROVER_API_KEY,
    requestsPerMinute: perMinute,
    executeTimeoutMs: executeSeconds * 1000,
    lostRunSearchMs: searchSeconds * 1000,
  };
}
