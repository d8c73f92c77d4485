import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { createRunMetrics } from './run-metrics.js';
import type { RunMetrics } from './run-metrics.js';

/** How one Slack Web API call ended, as seen on the wire. */
export type SlackCallOutcome = 'ok' | 'error' | 'rate_limited' | 'failed';
/** Why a Harness request failed (the HarnessApiError kinds, HTTP split by class). */
export type HarnessErrorKind = 'http_4xx' | 'http_429' | 'http_5xx' | 'timeout' | 'network' | 'malformed';

export interface SlackMetrics {
  call(method: string, outcome: SlackCallOutcome, seconds: number): void;
}

export interface HarnessMetrics {
  request(operation: string, seconds: number, error: HarnessErrorKind | undefined): void;
  budgetWait(seconds: number): void;
}

/**
 * The metrics of one bot: its own registry, not prom-client's global one, so several bots in one
 * process (tests, replicas in an e2e) each count only their own traffic.
 */
export interface BotMetrics {
  registry: Registry;
  slack: SlackMetrics;
  harness: HarnessMetrics;
  /** Defined for the run lifecycle; fed from there. */
  runs: RunMetrics;
  /** The Prometheus text exposition of everything above, and its content type. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** A turn in the budget shorter than this did not wait (the throttle answers asynchronously). */
const WAITED_S = 0.005;

export function createBotMetrics(): BotMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'idp_chatops_' });
  const slackCalls = new Counter({
    name: 'idp_chatops_slack_calls_total',
    help: 'Slack Web API calls (each attempt), by method and outcome.',
    labelNames: ['method', 'outcome'] as const,
    registers,
  });
  const slack429 = new Counter({
    name: 'idp_chatops_slack_rate_limited_total',
    help: 'Slack Web API answers 429 (rate limited), by method.',
    labelNames: ['method'] as const,
    registers,
  });
  const slackSeconds = new Histogram({
    name: 'idp_chatops_slack_call_duration_seconds',
    help: 'Time of one Slack Web API call, by method.',
    labelNames: ['method'] as const,
    registers,
  });
  const harnessRequests = new Counter({
    name: 'idp_chatops_harness_requests_total',
    help: 'Harness API requests (retries included in one), by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const harnessErrors = new Counter({
    name: 'idp_chatops_harness_errors_total',
    help: 'Harness API requests that failed, by operation and kind.',
    labelNames: ['operation', 'kind'] as const,
    registers,
  });
  const harnessSeconds = new Histogram({
    name: 'idp_chatops_harness_request_duration_seconds',
    help: 'Time of one Harness API request, retries and budget waits included, by operation.',
    labelNames: ['operation'] as const,
    registers,
  });
  const budgetWaits = new Counter({
    name: 'idp_chatops_harness_budget_waits_total',
    help: 'Harness requests that waited for a turn in the request budget.',
    registers,
  });
  const budgetSeconds = new Histogram({
    name: 'idp_chatops_harness_budget_wait_seconds',
    help: 'Time Harness requests waited for their turn in the request budget.',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  return {
    registry,
    slack: {
      call(method, outcome, seconds) {
        slackCalls.inc({ method, outcome });
        if (outcome === 'rate_limited') slack429.inc({ method });
        slackSeconds.observe({ method }, seconds);
      },
    },
    harness: {
      request(operation, seconds, error) {
        harnessRequests.inc({ operation, outcome: error === undefined ? 'ok' : 'error' });
        if (error !== undefined) harnessErrors.inc({ operation, kind: error });
        harnessSeconds.observe({ operation }, seconds);
      },
      budgetWait(seconds) {
        if (seconds < WAITED_S) return;
        budgetWaits.inc();
        budgetSeconds.observe(seconds);
      },
    },
    runs: createRunMetrics(registry),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
