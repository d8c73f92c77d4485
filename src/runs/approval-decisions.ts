import { buildApprovalModal } from '../../blocks/build-approval-card.js';
import { buildNoticeModal } from '../../blocks/build-idp-help.js';
import { HarnessApiError, mayHaveReachedHarness } from '../ports/harness-errors.js';
import type { ApprovalInstance } from '../harness-model/types.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import type { ApprovalCardView } from './approval-card-view.js';
import type { ApprovalCards } from './approval-cards.js';
import type { ApprovalChecks } from './approval-checks.js';
import { decisionComment } from './approval-clicks.js';
import type { ClickLedger } from './approval-clicks.js';
import type { ApprovalServiceDeps } from './approval-service.js';
import { redactNamedValues } from './redact.js';
import { errorMessage } from '../errors.js';
import {
  APPROVAL_UNKNOWN,
  checkingApproval,
  decided,
  decisionCheckFailed,
  decisionNotRecorded,
  decisionNotTaken,
  decisionUnconfirmed,
} from '../../blocks/messages.js';

/**
 * Clicks on Approve and Reject: the modal opened in time when one is needed, every click checked,
 * and each person's decision sent to Harness at most once, its outcome read back when unsure.
 */
export class ApprovalDecisions {
  constructor(
    private readonly d: ApprovalServiceDeps,
    private readonly view: ApprovalCardView,
    private readonly checks: ApprovalChecks,
    private readonly clicks: ClickLedger,
    private readonly cards: Pick<ApprovalCards, 'recorded'>,
  ) {}

  /**
   * A click on Approve or Reject. Returns what to tell the clicker privately, or undefined when
   * a modal took over (a reason to give, approver inputs to fill). `opensForm`: the card said
   * Approve asks for approver inputs.
   */
  async click(
    slackUser: string,
    approvalId: string,
    action: 'APPROVE' | 'REJECT',
    triggerId: string,
    opensForm = false,
  ): Promise<string | undefined> {
    // The card may be on Slack a moment before its record is saved: its record is waited for.
    const card = await this.cards.recorded(approvalId);
    const run = card === undefined ? undefined : await this.d.store.runs.get(card.runId);
    if (card === undefined || run === undefined) return APPROVAL_UNKNOWN;
    if (action === 'REJECT' || opensForm) return this.openThenCheck(slackUser, run, card, action, triggerId);
    const check = await this.checks.check(slackUser, run, card);
    if (typeof check === 'string') return check;
    // Harness might refuse whatever key Slack could send: say so before anything is sent.
    const sender = await this.checks.senderFor(slackUser, card, run);
    if (typeof sender === 'string') return sender;
    if (check.approverInputs.length > 0) {
      // A card drawn before it marked its form: the checks ran first, the trigger may be gone.
      await this.d.slack.openView(triggerId, this.form(card, 'APPROVE', check));
      return undefined;
    }
    return this.decide(slackUser, approvalId, action, '', []);
  }

  /**
   * The modal opens first: a trigger_id lives about 3 s from the click
   * (https://api.slack.com/interactivity/handling#modal_responses), and the checks ask Harness
   * and Slack several times. Reject's reason form opens as it is; Approve's form says it is
   * checking. Once checked, the modal becomes the approver-inputs form, or says why not.
   */
  private async openThenCheck(
    slackUser: string,
    run: RunRecord,
    card: ApprovalCardRecord,
    action: 'APPROVE' | 'REJECT',
    triggerId: string,
  ): Promise<string | undefined> {
    const first =
      action === 'REJECT'
        ? this.form(card, action, undefined)
        : buildNoticeModal('Approve', checkingApproval(card.stepName));
    const { viewId } = await this.d.slack.openView(triggerId, first);
    const check = await this.checks
      .check(slackUser, run, card)
      .then(async (c) => {
        if (typeof c === 'string') return c;
        // Harness might refuse whatever key Slack could send: say so before a reason is asked.
        const sender = await this.checks.senderFor(slackUser, card, run);
        return typeof sender === 'string' ? sender : c;
      })
      .catch((err: unknown) => decisionCheckFailed(errorMessage(err)));
    const next =
      typeof check === 'string'
        ? buildNoticeModal(action === 'REJECT' ? 'Reject' : 'Approve', check)
        : action === 'APPROVE'
          ? this.form(card, action, check)
          : undefined;
    if (next === undefined) return undefined;
    try {
      await this.d.slack.updateView(viewId, next);
      return undefined;
    } catch (err) {
      // Closed meanwhile: a refusal is then said privately.
      this.d.logger.debug(
        { runId: run.id, approvalId: card.approvalId, err: errorMessage(err) },
        'approval modal no longer open',
      );
      return typeof check === 'string' ? check : undefined;
    }
  }

  private form(
    card: ApprovalCardRecord,
    action: 'APPROVE' | 'REJECT',
    approval: ApprovalInstance | undefined,
  ) {
    return buildApprovalModal({
      approvalId: card.approvalId,
      action,
      stepName: card.stepName,
      message: approval?.approvalMessage,
      inputs: approval?.approverInputs ?? [],
    });
  }

  /** Sends one person's decision to Harness, at most once. */
  async decide(
    slackUser: string,
    approvalId: string,
    action: 'APPROVE' | 'REJECT',
    reason: string,
    inputs: { name: string; value: string }[],
  ): Promise<string> {
    const card = await this.d.store.approvalCards.get(approvalId);
    const run = card === undefined ? undefined : await this.d.store.runs.get(card.runId);
    if (card === undefined || run === undefined) return APPROVAL_UNKNOWN;
    const check = await this.checks.check(slackUser, run, card);
    if (typeof check === 'string') return check;
    // The intention, recorded before Harness is called: a concurrent or repeated click finds it taken.
    // Harness might refuse whatever key Slack could send: nothing is claimed or sent then.
    const sender = await this.checks.senderFor(slackUser, card, run);
    if (typeof sender === 'string') return sender;
    const sent = await this.clicks.whileSending(card.approvalId, slackUser, action, () =>
      this.send(run, card, slackUser, action, reason, inputs, sender.key),
    );
    return sent ?? (await this.checks.already(approvalId, slackUser));
  }

  private async send(
    run: RunRecord,
    card: ApprovalCardRecord,
    slackUser: string,
    action: 'APPROVE' | 'REJECT',
    reason: string,
    inputs: { name: string; value: string }[],
    key: string | undefined,
  ): Promise<string> {
    const approvalId = card.approvalId;
    const [name, email] = await Promise.all([
      this.d.slack.userName(slackUser),
      this.d.slack.userEmail(slackUser),
    ]).catch(() => [undefined, undefined] as const);
    try {
      const updated = await this.d.harness.decideApproval(
        approvalId,
        { action, comments: decisionComment(action, slackUser, name, email, reason), approverInputs: inputs },
        key,
      );
      await this.clicks.confirm(run, slackUser, approvalId, action, {
        reason,
        inputs: redactNamedValues(inputs),
        email,
      });
      await this.view.show(run, card, updated);
      return decided(action, card.stepName);
    } catch (err) {
      const harness = err instanceof HarnessApiError ? err : undefined;
      await this.d.store.audit.record({
        at: this.d.now(),
        actor: slackUser,
        action: 'approval.failed',
        workflowId: run.workflowId,
        runId: run.id,
        details: { approvalId, action, error: errorMessage(err) },
      });
      if (harness === undefined || !mayHaveReachedHarness(harness)) {
        await this.d.store.claims.releaseApprovalClick(approvalId, slackUser);
        return decisionNotTaken(harness?.harnessMessage ?? errorMessage(err));
      }
      // Harness may or may not have recorded it: read the approval back rather than guess.
      const settled = await this.clicks.settle(run, card, slackUser, action).catch(() => undefined);
      if (settled === 'recorded') return decided(action, card.stepName);
      if (settled === 'released') return decisionNotRecorded(harness.message);
      return decisionUnconfirmed(harness.message);
    }
  }
}
