import {
  buildPrivateNote,
  buildRunFoundAfterRestartNote,
  buildRunNotStartedMessage,
  buildTeamNotification,
  outputLinks,
} from '../../blocks/build-run-messages.js';
import { statusLabel } from '../../blocks/format.js';
import { runEndedNote, runNotStartedNote, runStartedUnpostableNote } from '../../blocks/messages.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { errorMessage } from '../errors.js';
import type { ExecutionView } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import type { SlackPort } from '../ports/slack.js';
import type { RunRecord } from '../ports/store.js';
import type { Deliveries } from './deliveries.js';
import type { Delivery, RunEventMap } from './run-events.js';
import { isSucceeded } from './run-status.js';

/**
 * When a run ends: the requester hears privately, and the team's channel (the binding's
 * `notify.channel`, or the run's channel for runs that created something, like onboarding)
 * gets what was made, with links from the run's outputs. Each is posted exactly once, restarts
 * included; the notifier answers false while one is still to go out.
 */
export function createFinishedNotifier(d: {
  deliveries: Deliveries;
  catalogue: Catalogue;
  now: () => number;
}) {
  return async (run: RunRecord, view: ExecutionView): Promise<boolean> => {
    const title = d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
    const dm = await d.deliveries.post(run.id, 'dm-finished', { channel: run.requesterId }, () =>
      buildPrivateNote(
        runEndedNote(title, isSucceeded(view.bucket), statusLabel(view.status), run.executionUrl),
      ),
    );
    if (dm.state === 'busy') return false;
    const binding = d.catalogue.bindings.get(run.workflowId);
    const channel = binding?.notifyChannel ?? (outputLinks(view).length > 0 ? run.channelId : undefined);
    if (channel === undefined) return true;
    const notice = await d.deliveries.post(run.id, 'team-notify', { channel }, () =>
      buildTeamNotification(view, title, run.requesterId, run.executionUrl, d.now()),
    );
    return notice.state !== 'busy';
  };
}

/** `run.finished`'s notifications: `later` while one is still to go out. */
export function finishedNotices(d: { deliveries: Deliveries; catalogue: Catalogue; now: () => number }) {
  const notify = createFinishedNotifier(d);
  return async ({ run, view }: RunEventMap['run.finished']): Promise<Delivery> =>
    (await notify(run, view)) ? 'done' : 'later';
}

/**
 * What the requester hears privately when a run starts in an unusual way (found after a restart,
 * or in a conversation the bot cannot post in) or does not start. Said once, when it happens: a
 * note Slack does not take is logged, never retried (the card says the same).
 */
export function startNotices(d: { slack: SlackPort; catalogue: Catalogue; logger: Logger }) {
  const title = (run: RunRecord) => d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
  const tell = async (run: RunRecord, text: string): Promise<void> => {
    await d.slack
      .postEphemeral(run.channelId, run.requesterId, buildPrivateNote(text))
      .catch((e: unknown) => {
        d.logger.error({ runId: run.id, err: errorMessage(e) }, 'could not reach the requester');
      });
  };
  return {
    started: async ({ run, afterRestart }: RunEventMap['run.started']): Promise<Delivery> => {
      if (run.cardTs === undefined || afterRestart)
        await tell(
          run,
          afterRestart
            ? buildRunFoundAfterRestartNote(title(run))
            : runStartedUnpostableNote(title(run), run.executionUrl),
        );
      return 'done';
    },
    notStarted: async (e: RunEventMap['run.not_started']): Promise<Delivery> => {
      const { run } = e;
      if (e.cardError !== undefined) {
        // The app's DM with the requester takes posts wherever the command came from.
        await d.slack
          .postMessage(run.requesterId, buildPrivateNote(runNotStartedNote(title(run), e.reason)))
          .catch((err: unknown) => {
            d.logger.error({ runId: run.id, err: errorMessage(err) }, 'could not reach the requester');
          });
        return 'done';
      }
      await d.slack
        .postEphemeral(
          run.channelId,
          run.requesterId,
          buildRunNotStartedMessage(title(run), e.reason, e.mayHaveStarted),
        )
        .catch((err: unknown) => {
          d.logger.error(
            { runId: run.id, err: errorMessage(err) },
            'could not tell the requester that the run did not start',
          );
        });
      return 'done';
    },
  };
}
