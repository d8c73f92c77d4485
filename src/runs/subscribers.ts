import type { RunCorePorts, RunMessaging } from './core-deps.js';
import type { ApprovalService } from './approval-service.js';
import { auditTrail } from './audit-trail.js';
import { finishedNotices, startNotices } from './notifications.js';
import type { RunEvents } from './run-events.js';
import { statusCard } from './status-card.js';
import { stepCompletion } from './step-completion.js';
import { threadPosts } from './thread-posts.js';

export interface RunConsumerDeps extends Omit<RunCorePorts, 'harness'>, RunMessaging {
  /** Approval cards follow the run's looks at Harness (absent: approvals are not shown in Slack). */
  approvals?: ApprovalService;
}

/**
 * Who hears of a run's life, in one place. The order within an event is the order things go out,
 * and an event is done only when each is: a run's start is audited before its card and notes
 * (the record first, as an intention); the card shows a change before the thread tells of it;
 * the requester and the team hear of the end before the audit trail records it, and the run is
 * marked finished after both.
 */
export function subscribeRunConsumers(events: RunEvents, d: RunConsumerDeps): void {
  const audit = auditTrail(d.store.audit);
  const card = statusCard(d);
  const notes = startNotices(d);
  // A Workflow Builder step that started the run ends with it (nothing for a slash command's run).
  const step = stepCompletion(d);
  events.on('run.requested', audit.requested);

  events.on('run.start_unconfirmed', card.startUnconfirmed);

  events.on('run.started', audit.started);
  events.on('run.started', card.started);
  events.on('run.started', notes.started);

  events.on('run.not_started', audit.notStarted);
  events.on('run.not_started', card.notStarted);
  events.on('run.not_started', notes.notStarted);
  events.on('run.not_started', step.notStarted);

  const approvals = d.approvals;
  if (approvals !== undefined)
    events.on('run.observed', async ({ run, view }) => {
      if (run.cardTs === undefined) return 'done';
      // Each call settles its own failures (logged, tried again on the next look).
      for (const step of view.steps)
        if (step.approvalInstanceId !== undefined) await approvals.ensureCard(run, step);
      await approvals.refresh(run);
      return 'done';
    });

  events.on('run.unreachable', card.unreachable);

  events.on('run.step_changed', card.stepChanged);
  events.on('run.step_changed', threadPosts(d));

  events.on('run.approval_waiting', audit.approvalWaiting);
  events.on('run.approval_refused', audit.approvalRefused);
  events.on('run.approval_decided', audit.approvalDecided);

  events.on('run.finished', finishedNotices(d));
  events.on('run.finished', audit.finished);
  events.on('run.finished', step.finished);
}
