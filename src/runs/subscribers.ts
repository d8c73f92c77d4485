import { errorMessage } from '../errors.js';
import type { RunCorePorts, RunMessaging } from './core-deps.js';
import type { ApprovalService } from './approval-service.js';
import type { ChannelDigests } from './channel-digest.js';
import { auditTrail } from './audit-trail.js';
import { finishedNotices, startNotices } from './notifications.js';
import type { RunEventMap, RunEvents } from './run-events.js';
import { statusCard } from './status-card.js';
import { stepCompletion } from './step-completion.js';
import { threadPosts } from './thread-posts.js';

export interface RunConsumerDeps extends Omit<RunCorePorts, 'harness'>, RunMessaging {
  /** Approval cards follow the run's looks at Harness (absent: approvals are not shown in Slack). */
  approvals?: ApprovalService;
  /** Where the card's states go: the card, or its channel's digest while many runs go there. */
  digests: ChannelDigests;
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
  // A run's approval cards follow its looks in the background, one round at a time per run: an
  // approval card's edit waiting its turn on Slack (chat.update's budget) never holds up the
  // tracker's looks, so the run's end is seen as soon as Harness says so. A look while a round
  // is going is kept (the newest) for the round after it. The run's end waits for the rounds,
  // so a run is marked finished only once its approval cards show how they ended.
  const rounds = new Map<string, { done: Promise<void>; next: RunEventMap['run.observed'] | undefined }>();
  const follow = (approvals: ApprovalService, first: RunEventMap['run.observed']): void => {
    const going = rounds.get(first.run.id);
    if (going !== undefined) {
      going.next = first;
      return;
    }
    const round: { done: Promise<void>; next: RunEventMap['run.observed'] | undefined } = {
      done: Promise.resolve(),
      next: undefined,
    };
    round.done = (async () => {
      for (let look: RunEventMap['run.observed'] | undefined = first; look !== undefined;) {
        try {
          // Each call settles its own failures (logged, tried again on the next look).
          for (const step of look.view.steps)
            if (step.approvalInstanceId !== undefined) await approvals.ensureCard(look.run, step);
          await approvals.refresh(look.run);
        } catch (err) {
          d.logger.warn(
            { runId: look.run.id, err: errorMessage(err) },
            'could not follow the run’s approvals',
          );
        }
        look = round.next;
        round.next = undefined;
      }
    })().finally(() => rounds.delete(first.run.id));
    rounds.set(first.run.id, round);
  };
  if (approvals !== undefined)
    events.on('run.observed', (look) => {
      if (look.run.cardTs !== undefined) follow(approvals, look);
      return Promise.resolve('done');
    });

  events.on('run.unreachable', card.unreachable);

  events.on('run.step_changed', card.stepChanged);
  events.on('run.step_changed', threadPosts(d));

  events.on('run.approval_waiting', audit.approvalWaiting);
  events.on('run.approval_refused', audit.approvalRefused);
  events.on('run.approval_decided', audit.approvalDecided);

  events.on('run.finished', async ({ run }) => {
    await rounds.get(run.id)?.done;
    return 'done';
  });
  events.on('run.finished', finishedNotices(d));
  events.on('run.finished', audit.finished);
  events.on('run.finished', step.finished);
}
