import { approveInHarnessText, linkFirstText } from '../../blocks/approval-setup-text.js';
import { oneLine } from '../../blocks/text.js';
import { approvedWhere, decidableInSlack } from '../harness-model/approval-types.js';
import type { ApprovalInstance } from '../harness-model/types.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import type { ApprovalCardView } from './approval-card-view.js';
import type { ClickLedger } from './approval-clicks.js';
import type { ApprovalServiceDeps } from './approval-service.js';
import { checkApprover } from './approvers.js';
import type { RefusalCode } from './approvers.js';
import {
  alreadyDecided,
  cannotDecide,
  DECISION_BEING_SENT,
  REQUESTER_CANNOT_APPROVE,
} from '../../blocks/messages.js';

/**
 * What a click must pass before Harness hears of it: the approval still open and decidable in
 * Slack, the person's first decision, an approver, and a key Harness would take it from.
 */
export class ApprovalChecks {
  constructor(
    private readonly d: ApprovalServiceDeps,
    private readonly view: ApprovalCardView,
    private readonly clicks: ClickLedger,
  ) {}

  /** The checks every click passes before Harness hears of it. A string is the refusal. */
  async check(
    slackUser: string,
    run: RunRecord,
    card: ApprovalCardRecord,
  ): Promise<ApprovalInstance | string> {
    const approval = await this.d.harness.getApproval(card.approvalId);
    if (approval.status !== 'WAITING') {
      await this.view.show(run, card, approval);
      const last = approval.activities.at(-1);
      const by = last === undefined ? '' : ` by ${oneLine(last.user.name ?? last.user.email ?? 'someone')}`;
      return `${card.stepName} is already ${approval.status.toLowerCase()}${approval.status === 'APPROVED' || approval.status === 'REJECTED' ? by : ''}.`;
    }
    if (!decidableInSlack(approval.type))
      return `${card.stepName} is approved in ${approvedWhere(approval.type)}, not from Slack.`;
    const prior = await this.d.store.claims.approvalClick(card.approvalId, slackUser);
    if (prior !== undefined && !prior.sent && this.clicks.sending(card.approvalId, slackUser))
      return DECISION_BEING_SENT;
    // A claim left without outcome (a crash, a lost answer) is settled from Harness's own record.
    const open =
      prior === undefined ||
      (!prior.sent && (await this.clicks.settle(run, card, slackUser, prior.action)) === 'released');
    if (!open) return await this.already(card.approvalId, slackUser);
    // The refusal is told at once whatever its audit entry does (the subscriber logs a failure).
    const deny = async (code: RefusalCode, reason: string): Promise<void> => {
      await this.d.events.emit('run.approval_refused', {
        run,
        approvalId: card.approvalId,
        slackUser,
        code,
        reason,
        at: this.d.now(),
      });
    };
    if (approval.disallowPipelineExecutor && slackUser === run.requesterId) {
      await deny('requester', 'requester');
      return REQUESTER_CANNOT_APPROVE;
    }
    const eligible = await checkApprover(this.d.slack, this.d.harness, slackUser, approval, {
      orgId: run.orgId,
      projectId: run.projectId,
    });
    if (!eligible.eligible) {
      await deny(eligible.code, eligible.reason);
      return cannotDecide(card.stepName, eligible.reason);
    }
    return approval;
  }

  /**
   * The key a person's click is sent with: their own token when linked (Harness then records
   * them), else the approver key or the bot's, whichever Harness would take. A string is why
   * nothing can be sent: Harness would refuse it.
   */
  async senderFor(
    slackUser: string,
    card: ApprovalCardRecord,
    run: RunRecord,
  ): Promise<{ key: string | undefined } | string> {
    const link = await this.d.store.identities.get(slackUser);
    const own =
      link === undefined || this.d.vault === undefined ? undefined : this.d.vault.open(link.sealedToken);
    if (link !== undefined && own === undefined)
      this.d.logger.warn(
        { slackUser },
        'a linked token could not be opened (was the encryption key changed?); trying the shared keys',
      );
    if (own !== undefined) return { key: own };
    const senders = await approvalSenders(this.d, card.approvalId);
    if (senders.approverKey === true) return { key: this.d.approverApiKey };
    if (senders.bot === true) return { key: undefined };
    return this.d.vault === undefined
      ? approveInHarnessText(card.stepName, run.executionUrl)
      : linkFirstText(card.stepName);
  }

  async already(approvalId: string, slackUser: string): Promise<string> {
    const prior = await this.d.store.claims.approvalClick(approvalId, slackUser);
    return alreadyDecided(prior);
  }
}

/** Whether Harness takes decisions from the bot's key and the approver key: true, or its reason. */
export async function approvalSenders(
  d: Pick<ApprovalServiceDeps, 'harness' | 'approverApiKey'>,
  approvalId: string,
): Promise<{ bot: true | string; approverKey: true | string | undefined }> {
  const ask = async (key?: string): Promise<true | string> => {
    const r = await d.harness.approvalAuthorization(approvalId, key);
    return r.authorized ? true : r.reason || 'not authorized';
  };
  const approverKey = d.approverApiKey;
  return { bot: await ask(), approverKey: approverKey === undefined ? undefined : await ask(approverKey) };
}
