import { HARNESS_NOT_ANSWERING_NOTE, HARNESS_REFUSES_KEY_NOTE } from '../../blocks/messages.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { RunRecord } from '../ports/store.js';
import type { MessageUpdater } from './message-updater.js';
import { renderCard } from './presenter.js';
import type { Delivery, RunEventMap } from './run-events.js';

/**
 * The run's status card: every event that changes what it should show edits it, through the
 * updater (latest state wins, so an event emitted again costs nothing). A run without a card
 * (its post failed) has nothing to edit.
 */
export function statusCard(d: { updater: MessageUpdater; catalogue: Catalogue; now: () => number }) {
  /** What the run record says, with a note when given (the record's error otherwise). */
  const show = async (run: RunRecord, note?: string): Promise<Delivery> => {
    if (run.cardTs === undefined) return 'done';
    await d.updater.set(
      run.channelId,
      run.cardTs,
      renderCard(run, d.catalogue.workflows.get(run.workflowId), undefined, note, d.now()),
    );
    // The tracker edits the card again from here on; a card not shown yet is no reason to wait.
    return 'done';
  };
  return {
    startUnconfirmed: ({ run }: RunEventMap['run.start_unconfirmed']) => show(run),
    started: ({ run }: RunEventMap['run.started']) => show(run),
    notStarted: ({ run }: RunEventMap['run.not_started']) => show(run),
    unreachable: ({ run, unauthorized }: RunEventMap['run.unreachable']) =>
      show(run, unauthorized ? HARNESS_REFUSES_KEY_NOTE : HARNESS_NOT_ANSWERING_NOTE),
    stepChanged: async ({ run, view, terminal, at }: RunEventMap['run.step_changed']): Promise<Delivery> => {
      if (run.cardTs === undefined) return 'done';
      const edit = await d.updater.set(
        run.channelId,
        run.cardTs,
        renderCard(run, d.catalogue.workflows.get(run.workflowId), view, undefined, at),
        terminal,
      );
      // 'shown', or 'gave_up' (Slack refuses edits of that card for good, audited by the updater):
      // either way nothing more can be done for the card, so the run may go on. 'closed': the bot
      // is stopping before the card shows the change; the run stays as it is and the next life
      // edits it.
      return edit === 'closed' ? 'later' : 'done';
    },
  };
}
