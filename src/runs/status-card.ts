import { HARNESS_NOT_ANSWERING_NOTE, HARNESS_REFUSES_KEY_NOTE } from '../../blocks/messages.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { errorMessage } from '../errors.js';
import type { ExecutionView } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import type { RunRecord } from '../ports/store.js';
import type { ChannelDigests } from './channel-digest.js';
import { renderCard } from './presenter.js';
import type { Delivery, RunEventMap } from './run-events.js';

/**
 * The run's status card: every event that changes what it should show edits it (or, while many
 * runs go in its channel, the channel's digest: `./channel-digest.ts`), through the updater
 * (latest state wins, so an event emitted again costs nothing). Progress is asked for and not
 * waited for: the tracker goes on polling while the edit waits its turn, so a run's end is seen
 * (and its final state sent ahead of every progress edit) as soon as Harness says so. A run's
 * end is waited for: the run is marked finished once its channel shows it. A run without a card
 * (its post failed) has nothing to edit.
 */
export function statusCard(d: {
  digests: ChannelDigests;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
}) {
  const edit = async (
    run: RunRecord,
    view: ExecutionView | undefined,
    note: string | undefined,
    terminal: boolean,
    at: number,
  ): Promise<Delivery> => {
    const cardTs = run.cardTs;
    if (cardTs === undefined) return 'done';
    const workflow = d.catalogue.workflows.get(run.workflowId);
    const line = {
      runId: run.id,
      workflowTitle: workflow?.title ?? run.workflowId,
      requesterId: run.requesterId,
      status: view?.status ?? run.status,
      bucket: view?.bucket ?? run.bucket,
      executionUrl: run.executionUrl,
      terminal,
    };
    const shown = d.digests.show(
      { ...run, cardTs },
      line,
      renderCard(run, workflow, view, note, at),
      terminal,
    );
    if (!terminal) {
      shown.catch((err: unknown) => {
        d.logger.warn({ runId: run.id, err: errorMessage(err) }, 'could not show a run’s progress');
      });
      return 'done';
    }
    // 'shown', or 'gave_up' (Slack refuses edits of that card for good, audited by the updater):
    // either way nothing more can be done for the card, so the run may go on. 'closed': the bot
    // is stopping before the card shows the change; the run stays as it is and the next life
    // edits it.
    return (await shown) === 'closed' ? 'later' : 'done';
  };
  return {
    startUnconfirmed: ({ run, at }: RunEventMap['run.start_unconfirmed']) =>
      edit(run, undefined, undefined, false, at),
    started: ({ run, at }: RunEventMap['run.started']) => edit(run, undefined, undefined, false, at),
    notStarted: ({ run, at }: RunEventMap['run.not_started']) => edit(run, undefined, undefined, true, at),
    unreachable: ({ run, unauthorized, at }: RunEventMap['run.unreachable']) =>
      edit(run, undefined, unauthorized ? HARNESS_REFUSES_KEY_NOTE : HARNESS_NOT_ANSWERING_NOTE, false, at),
    stepChanged: ({ run, view, terminal, at }: RunEventMap['run.step_changed']) =>
      edit(run, view, undefined, terminal, at),
  };
}
