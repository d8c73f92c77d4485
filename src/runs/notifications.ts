import { buildTeamNotification, outputLinks } from '../../blocks/build-run-messages.js';
import { statusLabel } from '../../blocks/format.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { ExecutionView } from '../harness/types.js';
import type { Logger } from '../logger.js';
import type { SlackPort } from '../slack/slack-client.js';
import type { RunRecord, Store } from '../store/store.js';
import type { ApprovalService } from './approval-service.js';

/**
 * When a run ends: the requester hears privately, and the team's channel (the binding's
 * `notify.channel`, or the run's channel for runs that created something, like onboarding)
 * gets what was made, with links from the run's outputs. Each is posted once.
 */
export function createFinishedNotifier(d: {
  store: Store;
  slack: SlackPort;
  catalogue: Catalogue;
  approvals: ApprovalService;
  logger: Logger;
  now: () => number;
}) {
  return async (run: RunRecord, view: ExecutionView): Promise<void> => {
    const title = d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
    if (d.store.claimThreadEvent(run.id, 'dm-finished', d.now())) {
      await d.approvals.dm(
        run.requesterId,
        `Your run of ${title} ${view.bucket === 'succeeded' ? 'finished' : 'ended'}: ${statusLabel(view.status)}.${run.executionUrl === undefined ? '' : ` ${run.executionUrl}`}`,
      );
    }
    const binding = d.catalogue.bindings.get(run.workflowId);
    const channel = binding?.notifyChannel ?? (outputLinks(view).length > 0 ? run.channelId : undefined);
    if (channel === undefined || !d.store.claimThreadEvent(run.id, 'team-notify', d.now())) return;
    try {
      await d.slack.postMessage(
        channel,
        buildTeamNotification(view, title, run.requesterId, run.executionUrl, d.now()),
      );
    } catch (err) {
      d.store.releaseThreadEvent(run.id, 'team-notify');
      d.logger.warn(
        { runId: run.id, channel, err: (err as Error).message },
        'could not notify the team channel',
      );
    }
  };
}
