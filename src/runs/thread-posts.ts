import type { Catalogue } from '../catalogue/load-catalogue.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Deliveries } from './deliveries.js';
import { threadEvents } from './presenter.js';
import type { Delivery, RunEventMap } from './run-events.js';

/**
 * The run's thread: each event a state of the run calls for (a step failed, the run finished),
 * posted once per key, ever (`Deliveries` claims it), so a change emitted again posts nothing
 * twice. `later` when one could not go out yet (tried again next poll). One Slack refuses for
 * good (the card was deleted, the channel archived) is given up and audited by `Deliveries`: the
 * requester still hears by DM, and the run can finish.
 */
export function threadPosts(d: { deliveries: Deliveries; catalogue: Catalogue; logger: Logger }) {
  return async ({ run, view, at }: RunEventMap['run.step_changed']): Promise<Delivery> => {
    const cardTs = run.cardTs;
    if (cardTs === undefined) return 'done';
    const title = d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
    for (const e of threadEvents(view, title, run.executionUrl, at)) {
      try {
        const r = await d.deliveries.post(
          run.id,
          e.key,
          { channel: run.channelId, threadTs: cardTs },
          () => e.message,
        );
        if (r.state === 'busy') return 'later';
      } catch (err) {
        d.logger.warn(
          { runId: run.id, event: e.key, err: errorMessage(err) },
          'could not post a thread reply; will retry',
        );
        return 'later';
      }
    }
    return 'done';
  };
}
