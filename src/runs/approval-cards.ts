import {
  buildApprovalReminder,
  buildApprovalWaitingNote,
  buildExternalApprovalNote,
} from '../../blocks/build-run-messages.js';
import { approvedWhere, decidableInSlack } from '../harness-model/approval-types.js';
import type { ApprovalInstance, StepView } from '../harness-model/types.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import type { ApprovalCardView } from './approval-card-view.js';
import type { ApprovalServiceDeps } from './approval-service.js';
import { errorMessage } from '../errors.js';
import { approvalCardRefused } from '../../blocks/messages.js';

/**
 * How long a click on a card the store does not know yet waits for its record: a card is on Slack
 * a moment before its record is saved (Slack's answer, then two writes). Short enough that a
 * click that opens a modal still does so within its trigger's 3 s
 * (https://api.slack.com/interactivity/handling#modal_responses).
 */
export const CARD_RECORD_WAIT_MS = 1500;
const REREAD_MS = 100;

/**
 * One card per waiting approval, posted once (even across a restart), kept up to date with
 * Harness, and followed by a reminder when the approval is about to expire.
 */
export class ApprovalCards {
  /** Cards this process is posting now, until their record is saved (or the post ended otherwise). */
  private readonly posting = new Map<string, Promise<unknown>>();

  constructor(
    private readonly d: ApprovalServiceDeps,
    private readonly view: ApprovalCardView,
  ) {}

  /**
   * Posts the card for a step that waits on an approval, and tells the requester, once each: the
   * post is an intention recorded before the look-ups, settled after a crash by finding the card
   * in the thread; the note is sent until it is known to be out.
   */
  async ensureCard(run: RunRecord, step: StepView): Promise<void> {
    const id = step.approvalInstanceId;
    if (id === undefined || run.cardTs === undefined) return;
    const noted = `dm-approval:${id}`;
    const existing = await this.d.store.approvalCards.get(id);
    if (existing !== undefined && (await this.d.deliveries.done(run.id, noted))) return;
    try {
      const posted =
        existing === undefined ? await this.postTracked(run, run.cardTs, id, step.name) : undefined;
      if (posted === undefined && existing === undefined) return;
      if (posted !== undefined && 'refused' in posted) {
        // Slack will never take this card here (channel archived, bot removed; audited by
        // Deliveries): the requester hears where to decide instead.
        await this.view.note(
          run,
          noted,
          approvalCardRefused({
            workflowTitle: this.view.title(run),
            stepName: step.name,
            refused: posted.refused,
            executionUrl: run.executionUrl,
          }),
        );
        return;
      }
      const approval = posted ?? (await this.d.harness.getApproval(id));
      await this.view.note(
        run,
        noted,
        decidableInSlack(approval.type)
          ? buildApprovalWaitingNote(this.view.title(run), step.name, approval.userGroups)
          : buildExternalApprovalNote(
              this.view.title(run),
              step.name,
              approvedWhere(approval.type),
              approval.ticket,
            ),
      );
    } catch (err) {
      this.d.logger.warn(
        { runId: run.id, approvalId: id, err: errorMessage(err) },
        'could not post the approval card; will retry',
      );
    }
  }

  /**
   * The record of an approval's card. A click can come between the card reaching Slack and its
   * record being saved: then it waits for this process's post to end, or (the card posted by
   * another replica) reads again, for at most `waitMs`. Undefined: no such card, even now.
   */
  async recorded(approvalId: string, waitMs = CARD_RECORD_WAIT_MS): Promise<ApprovalCardRecord | undefined> {
    const until = Date.now() + waitMs;
    for (;;) {
      const card = await this.d.store.approvalCards.get(approvalId);
      const left = until - Date.now();
      if (card !== undefined || left <= 0) return card;
      const posting = this.posting.get(approvalId);
      const pause = new Promise((r) =>
        setTimeout(r, posting === undefined ? Math.min(REREAD_MS, left) : left),
      );
      await (posting === undefined ? pause : Promise.race([posting.catch(() => undefined), pause]));
    }
  }

  private postTracked(
    run: RunRecord,
    cardTs: string,
    id: string,
    stepName: string,
  ): ReturnType<ApprovalCards['postCard']> {
    const post = this.postCard(run, cardTs, id, stepName);
    this.posting.set(id, post);
    return post.finally(() => {
      if (this.posting.get(id) === post) this.posting.delete(id);
    });
  }

  /**
   * The card, in the run's thread and the channel (or the channel alone when the run card was
   * deleted with its thread); its record is saved the moment it is out. `refused`: Slack will
   * never take it there; undefined: not out yet (someone else is posting it, or try again).
   */
  private async postCard(
    run: RunRecord,
    cardTs: string,
    id: string,
    stepName: string,
  ): Promise<ApprovalInstance | { refused: string | undefined } | undefined> {
    let approval: ApprovalInstance | undefined;
    const posted = await this.d.deliveries.post(
      run.id,
      `approval:${id}`,
      { channel: run.channelId, threadTs: cardTs, broadcast: true, orElse: { channel: run.channelId } },
      async () => {
        const read = await this.d.harness.getApproval(id);
        approval = read;
        const mentions = decidableInSlack(read.type) ? await this.view.mentionsFor(read, run) : [];
        return this.view.render(run, read, stepName, mentions);
      },
    );
    if (posted.state === 'refused') return { refused: posted.error };
    if (posted.state !== 'sent') return undefined;
    // Found in the thread after a restart: the approval is read again for the record.
    approval ??= await this.d.harness.getApproval(id);
    await this.d.store.approvalCards.save({
      approvalId: id,
      runId: run.id,
      channelId: run.channelId,
      ts: posted.ts,
      stepName,
      status: 'WAITING',
      updatedAt: this.d.now(),
    });
    // Once, when the card is out (found in the thread after a restart counts).
    await this.d.events.emit('run.approval_waiting', { run, approval, stepName, at: this.d.now() });
    return approval;
  }

  /** Brings every open card of a run up to date with Harness (decided in Harness's UI, expired, aborted). */
  async refresh(run: RunRecord): Promise<void> {
    for (const card of await this.d.store.approvalCards.forRun(run.id)) {
      if (card.status !== 'WAITING') continue;
      try {
        const approval = await this.d.harness.getApproval(card.approvalId);
        await this.view.show(run, card, approval);
        await this.remindIfDue(run, card, approval);
      } catch (err) {
        this.d.logger.warn(
          { runId: run.id, approvalId: card.approvalId, err: errorMessage(err) },
          'could not refresh an approval card',
        );
      }
    }
  }

  /**
   * One reminder in the thread when an approval is close to expiring: within 15 minutes, or in
   * the last quarter of its time, whichever comes first.
   */
  private async remindIfDue(
    run: RunRecord,
    card: ApprovalCardRecord,
    approval: ApprovalInstance,
  ): Promise<void> {
    if (
      approval.status !== 'WAITING' ||
      approval.deadline === undefined ||
      run.cardTs === undefined ||
      !decidableInSlack(approval.type)
    )
      return;
    const now = this.d.now();
    const left = approval.deadline - now;
    const span = approval.deadline - card.updatedAt;
    if (left <= 0 || (left > 15 * 60_000 && left > span / 4)) return;
    const key = `approval-reminder:${approval.id}`;
    if (await this.d.deliveries.done(run.id, key)) return;
    const deadline = approval.deadline;
    // In the run card's thread; when the card was deleted, in the approval card's own thread.
    const target = {
      channel: run.channelId,
      threadTs: run.cardTs,
      orElse: { channel: card.channelId, threadTs: card.ts },
    };
    await this.d.deliveries
      .post(run.id, key, target, async () =>
        buildApprovalReminder(card.stepName, deadline, await this.view.mentionsFor(approval, run)),
      )
      .catch((err: unknown) => {
        this.d.logger.warn(
          { runId: run.id, approvalId: approval.id, err: errorMessage(err) },
          'could not post an approval reminder',
        );
      });
  }
}
