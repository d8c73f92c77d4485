import type { RunCorePorts, RunMessaging } from './core-deps.js';
import type { StepView } from '../harness-model/types.js';
import type { RunRecord } from '../ports/store.js';
import { ApprovalCardView } from './approval-card-view.js';
import { ApprovalCards } from './approval-cards.js';
import { ApprovalChecks } from './approval-checks.js';
import { ClickLedger } from './approval-clicks.js';
import { ApprovalDecisions } from './approval-decisions.js';
import type { RunEvents } from './run-events.js';
import type { TokenVault } from './token-vault.js';

export interface ApprovalServiceDeps extends RunCorePorts, RunMessaging {
  /** HARNESS_APPROVER_API_KEY: acts on approvals after the bot's own checks. */
  approverApiKey: string | undefined;
  /** Opens personal tokens linked with `/idp link`. */
  vault: TokenVault | undefined;
  /** Where approvals' beginnings and ends go (`run.approval_waiting`, `run.approval_decided`). */
  events: RunEvents;
}

/**
 * Approvals in Slack, as trustworthy as Harness's own UI: one card per waiting approval that
 * follows the instance to its end, and every click checked (approver groups at their scope,
 * the requester never approving where the step forbids it, one decision per person, ever).
 * Its parts: the cards posted and refreshed (`approval-cards.ts`), clicks decided
 * (`approval-decisions.ts`) after their checks (`approval-checks.ts`), and the card as shown
 * (`approval-card-view.ts`), which every part edits through its one queue per approval.
 */
export class ApprovalService {
  private readonly cards: ApprovalCards;
  private readonly decisions: ApprovalDecisions;
  private readonly clicks: ClickLedger;

  constructor(d: ApprovalServiceDeps) {
    const view = new ApprovalCardView(d);
    this.clicks = new ClickLedger(d, (run, card, approval) => view.show(run, card, approval));
    this.cards = new ApprovalCards(d, view);
    const checks = new ApprovalChecks(d, view, this.clicks);
    this.decisions = new ApprovalDecisions(d, view, checks, this.clicks, this.cards);
  }

  /** Posts the card for a step that waits on an approval, and tells the requester, once each. */
  ensureCard(run: RunRecord, step: StepView): Promise<void> {
    return this.cards.ensureCard(run, step);
  }

  /** Brings every open card of a run up to date with Harness (decided in Harness's UI, expired, aborted). */
  refresh(run: RunRecord): Promise<void> {
    return this.cards.refresh(run);
  }

  /**
   * A click on Approve or Reject. Returns what to tell the clicker privately, or undefined when
   * a modal took over (a reason to give, approver inputs to fill). `opensForm`: the card said
   * Approve asks for approver inputs.
   */
  click(
    slackUser: string,
    approvalId: string,
    action: 'APPROVE' | 'REJECT',
    triggerId: string,
    opensForm = false,
  ): Promise<string | undefined> {
    return this.decisions.click(slackUser, approvalId, action, triggerId, opensForm);
  }

  /** Sends one person's decision to Harness, at most once. */
  decide(
    slackUser: string,
    approvalId: string,
    action: 'APPROVE' | 'REJECT',
    reason: string,
    inputs: { name: string; value: string }[],
  ): Promise<string> {
    return this.decisions.decide(slackUser, approvalId, action, reason, inputs);
  }

  /**
   * Every click sent without hearing back is settled from Harness's record: of the runs `owns`
   * says this replica follows (it holds their lease), and of finished runs.
   */
  recover(owns?: (runId: string) => boolean): Promise<number> {
    return this.clicks.recover(owns);
  }
}
