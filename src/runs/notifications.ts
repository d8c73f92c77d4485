import { buildPrivateNote, buildTeamNotification, outputLinks } from '../../blocks/build-run-messages.js';
import { statusLabel } from '../../blocks/format.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { ExecutionView } from '../harness/types.js';
import type { RunRecord } from '../ports/store.js';
import type { Deliveries } from './deliveries.js';
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
        `Your run of ${title} ${isSucceeded(view.bucket) ? 'finished' : 'ended'}: ${statusLabel(view.status)}.${run.executionUrl === undefined ? '' : ` ${run.executionUrl}`}`,
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
