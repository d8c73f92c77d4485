import type { HarnessPort } from '../ports/harness.js';
import type { ApprovalActivity, ApprovalInstance } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import type { ApprovalCardRecord, RunRecord, Store } from '../ports/store.js';
import { errorMessage } from '../errors.js';

export type Decision = 'APPROVE' | 'REJECT';

const VERB: Record<Decision, string> = { APPROVE: 'Approved', REJECT: 'Rejected' };

/**
 * The comment Harness stores with a decision sent from Slack. It names the Slack approver, and
 * starts with their Slack user id so that after a lost answer the bot can find the activity again
 * (the principal may be the bot's or a shared approver key, so Harness's user is not enough).
 * The id comes before anything the person controls (name, reason), so nobody can forge another's.
 */
export function decisionComment(
  action: Decision,
  slackUser: string,
  name: string | undefined,
  email: string | undefined,
  reason: string,
): string {
  return `${VERB[action]} in Slack (${slackUser}) by ${name ?? slackUser}${email === undefined ? '' : ` <${email}>`}${reason === '' ? '' : `: ${reason}`}`;
}

/**
 * The activity Harness recorded for this person's decision, if any: found by the comment's
 * prefix, or by the Harness user when the person's own linked token sent it.
 */
export function recordedDecision(
  approval: ApprovalInstance,
  slackUser: string,
  action: string,
  harnessUuid: string | undefined,
): ApprovalActivity | undefined {
  const verb = action === 'APPROVE' || action === 'REJECT' ? VERB[action] : action;
  return approval.activities.find(
    (a) =>
      a.action === action &&
      ((a.comments?.startsWith(`${verb} in Slack (${slackUser}) by `) ?? false) ||
        (harnessUuid !== undefined && a.user.uuid === harnessUuid)),
  );
}

type Shows = (run: RunRecord, card: ApprovalCardRecord, approval: ApprovalInstance) => Promise<void>;

/**
 * One person's decision on one approval as an intention and an outcome: claimed before Harness
 * is called, confirmed when Harness answers, and, when the answer is missing (the bot died while
 * sending it, or Harness answered 5xx or not at all), settled by reading the approval's
 * activities back: recorded there, the decision is confirmed; absent, the claim is freed so the
 * person can decide again.
 */
export class ClickLedger {
  /** Decisions this process is sending right now: not leftovers of a crash. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly d: { store: Store; harness: HarnessPort; logger: Logger; now: () => number },
    private readonly show: Shows,
  ) {}

  sending(approvalId: string, slackUser: string): boolean {
    return this.inFlight.has(`${approvalId}:${slackUser}`);
  }

  /** Runs `send` under a fresh claim; undefined when the person's decision was already claimed. */
  async whileSending<T>(
    approvalId: string,
    slackUser: string,
    action: Decision,
    send: () => Promise<T>,
  ): Promise<T | undefined> {
    const key = `${approvalId}:${slackUser}`;
    // Marked before the claim's first await: meanwhile the claim must not look like a crash's leftover.
    if (this.inFlight.has(key)) return undefined;
    this.inFlight.add(key);
    try {
      if (!(await this.d.store.claims.claimApprovalClick(approvalId, slackUser, action, this.d.now())))
        return undefined;
      return await send();
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** The outcome of a click Harness took: the claim is confirmed and the audit trail says who. */
  async confirm(
    run: RunRecord,
    slackUser: string,
    approvalId: string,
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.d.store.claims.confirmApprovalClick(approvalId, slackUser);
    await this.d.store.audit.record({
      at: this.d.now(),
      actor: slackUser,
      action: `approval.${action === 'APPROVE' ? 'approved' : 'rejected'}`,
      workflowId: run.workflowId,
      runId: run.id,
      details: { approvalId, ...details },
    });
  }

  async settle(
    run: RunRecord,
    card: ApprovalCardRecord,
    slackUser: string,
    action: string,
  ): Promise<'recorded' | 'released'> {
    const approval = await this.d.harness.getApproval(card.approvalId);
    const uuid = (await this.d.store.identities.get(slackUser))?.harnessUuid;
    if (recordedDecision(approval, slackUser, action, uuid) !== undefined) {
      await this.confirm(run, slackUser, card.approvalId, action, { recovered: true });
      await this.show(run, card, approval);
      return 'recorded';
    }
    await this.d.store.claims.releaseApprovalClick(card.approvalId, slackUser);
    await this.d.store.audit.record({
      at: this.d.now(),
      actor: slackUser,
      action: 'approval.released',
      workflowId: run.workflowId,
      runId: run.id,
      details: { approvalId: card.approvalId, action, why: 'Harness has no record of the decision' },
    });
    return 'released';
  }

  /**
   * At start, and when this replica takes a run over: every click sent without hearing back is
   * settled, of the runs `owns` says are this replica's (it holds their lease) and of runs already
   * finished. With several replicas, the click of a run another live replica follows may be on its
   * way to Harness right now (clicks reach any replica): freeing it before Harness answers would let
   * the person decide twice, so it is left to that run's follower (and to the person's next click).
   */
  async recover(owns: (runId: string) => boolean = () => true): Promise<number> {
    let n = 0;
    for (const click of await this.d.store.claims.unconfirmedApprovalClicks()) {
      if (this.sending(click.approvalId, click.slackUser)) continue;
      const card = await this.d.store.approvalCards.get(click.approvalId);
      const run = card === undefined ? undefined : await this.d.store.runs.get(card.runId);
      if (card === undefined || run === undefined) continue;
      if (run.finishedAt === undefined && !owns(run.id)) continue;
      try {
        await this.settle(run, card, click.slackUser, click.action);
        n++;
      } catch (err) {
        this.d.logger.warn(
          { runId: run.id, approvalId: click.approvalId, err: errorMessage(err) },
          'could not read an approval back from Harness; will check at the next click',
        );
      }
    }
    return n;
  }
}
