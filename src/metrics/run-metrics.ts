import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** How a run ended, as its card shows it. */
export type RunOutcome = 'succeeded' | 'failed' | 'aborted' | 'not_started' | 'lost';
export type ApprovalDecision = 'approve' | 'reject';

/**
 * The run-level metrics of issue 10, defined here and fed from the run lifecycle (runs started
 * and finished, approval decisions and refusals, how long a Harness change takes to reach the
 * card, runs followed and leases held by this replica). Typed methods, so callers cannot invent
 * label names or spell a workflow label two ways.
 */
export interface RunMetrics {
  runStarted(workflowId: string): void;
  runFinished(workflowId: string, outcome: RunOutcome): void;
  /** A person's decision that Harness recorded. */
  approvalDecided(workflowId: string, decision: ApprovalDecision): void;
  /** A click the bot refused (not an approver, run over, already decided…), by reason. */
  approvalRefused(workflowId: string, reason: string): void;
  /** Seconds from a change seen in Harness to the card edit that shows it. */
  cardLag(seconds: number): void;
  setRunsFollowed(n: number): void;
  setLeasesHeld(n: number): void;
}

/** Card edits are paced (Slack allows about 50 a minute), so lags of tens of seconds are real. */
export const CARD_LAG_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export function createRunMetrics(registry: Registry): RunMetrics {
  const registers = [registry];
  const started = new Counter({
    name: 'idp_chatops_runs_started_total',
    help: 'Runs started, by workflow.',
    labelNames: ['workflow'] as const,
    registers,
  });
  const finished = new Counter({
    name: 'idp_chatops_runs_finished_total',
    help: 'Runs that reached their end, by workflow and outcome.',
    labelNames: ['workflow', 'outcome'] as const,
    registers,
  });
  const decisions = new Counter({
    name: 'idp_chatops_approval_decisions_total',
    help: 'Approval decisions recorded in Harness, by workflow and decision.',
    labelNames: ['workflow', 'decision'] as const,
    registers,
  });
  const refusals = new Counter({
    name: 'idp_chatops_approval_refusals_total',
    help: 'Approval clicks the bot refused, by workflow and reason.',
    labelNames: ['workflow', 'reason'] as const,
    registers,
  });
  const lag = new Histogram({
    name: 'idp_chatops_card_lag_seconds',
    help: 'Time from a change seen in Harness to the card edit showing it.',
    buckets: CARD_LAG_BUCKETS,
    registers,
  });
  const followed = new Gauge({
    name: 'idp_chatops_runs_followed',
    help: 'Open runs this replica follows now.',
    registers,
  });
  const leases = new Gauge({
    name: 'idp_chatops_leases_held',
    help: 'Run leases this replica holds now.',
    registers,
  });
  return {
    runStarted: (workflow) => {
      started.inc({ workflow });
    },
    runFinished: (workflow, outcome) => {
      finished.inc({ workflow, outcome });
    },
    approvalDecided: (workflow, decision) => {
      decisions.inc({ workflow, decision });
    },
    approvalRefused: (workflow, reason) => {
      refusals.inc({ workflow, reason });
    },
    cardLag: (seconds) => {
      // A clock step backwards must not record a negative lag.
      lag.observe(Math.max(0, seconds));
    },
    setRunsFollowed: (n) => {
      followed.set(n);
    },
    setLeasesHeld: (n) => {
      leases.set(n);
    },
  };
}
