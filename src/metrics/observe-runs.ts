import { isAborted } from '../harness-model/status.js';
import type { RunEvents } from '../runs/run-events.js';
import { isSucceeded } from '../runs/run-status.js';
import type { RunOutcome, RunMetrics } from './run-metrics.js';

/**
 * The run-level metrics, fed as observers of the run's events: they see an event once everything
 * it owes people is out (so once per delivery, never per retry) and never hold a run up.
 */
export function observeRuns(
  events: RunEvents,
  m: RunMetrics,
  o: { now: () => number; runsFollowed: () => number; leasesHeld?: () => number },
): void {
  events.observe('run.started', ({ run }) => {
    m.runStarted(run.workflowId);
  });
  events.observe('run.not_started', ({ run, mayHaveStarted }) => {
    m.runFinished(run.workflowId, mayHaveStarted ? 'lost' : 'not_started');
  });
  events.observe('run.finished', ({ run, view }) => {
    const outcome: RunOutcome = isAborted(view.status)
      ? 'aborted'
      : isSucceeded(view.bucket)
        ? 'succeeded'
        : 'failed';
    m.runFinished(run.workflowId, outcome);
  });
  // Observed once the card and the thread show the change: from the poll that saw it to then.
  events.observe('run.step_changed', ({ at }) => {
    m.cardLag(Math.max(0, o.now() - at) / 1000);
  });
  events.observe('run.observed', () => {
    m.setRunsFollowed(o.runsFollowed());
    if (o.leasesHeld !== undefined) m.setLeasesHeld(o.leasesHeld());
  });
  events.observe('run.approval_decided', ({ run, approval }) => {
    if (approval.status === 'APPROVED') m.approvalDecided(run.workflowId, 'approve');
    else if (approval.status === 'REJECTED') m.approvalDecided(run.workflowId, 'reject');
  });
  events.observe('run.approval_refused', ({ run, code }) => {
    m.approvalRefused(run.workflowId, code);
  });
}
