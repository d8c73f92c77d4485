import { buildApprovalCard } from '../../blocks/build-approval-card.js';
import { buildApprovalFindings } from '../../blocks/build-approval-findings.js';
import { ApprovalContext } from './approval-context.js';
import { linkedOnlyText, slackApprovalImpossibleText } from '../../blocks/approval-setup-text.js';
import { buildPrivateNote } from '../../blocks/build-run-messages.js';
import { oneLine, quotedText } from '../../blocks/text.js';
import { approvedWhere, decidableInSlack } from '../harness-model/approval-types.js';
import type { ApprovalInstance } from '../harness-model/types.js';
import type { SlackMessageContent } from '../ports/slack.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import { approvalSenders } from './approval-checks.js';
import type { ApprovalServiceDeps } from './approval-service.js';
import { ApproverMentions } from './approver-mentions.js';
import { summariseRun } from './approval-summary.js';
import { errorMessage } from '../errors.js';

/** What the card says about sending approvals from Slack, and whether it has buttons. */
interface CardSetup {
  problem: string | undefined;
  buttons: boolean;
}

/**
 * An approval card as people see it: drawn from the approval, the run and the catalogue, and
 * edited as the approval changes, each change announced once (an event, a note to the requester).
 */
export class ApprovalCardView {
  private readonly setups = new Map<string, CardSetup>();
  private readonly mentions: ApproverMentions;
  private readonly context: ApprovalContext;
  /** The card being shown, per approval: shows of one approval run one after the other. */
  private readonly showing = new Map<string, Promise<void>>();

  constructor(private readonly d: ApprovalServiceDeps) {
    this.mentions = new ApproverMentions(d.slack, d.harness, d.logger);
    this.context = new ApprovalContext(d);
  }

  /**
   * A click's decision and a poll's refresh can both see an approval change at once: they take
   * turns, and each reads the card as the one before left it, so the change is announced once.
   */
  show(run: RunRecord, card: ApprovalCardRecord, approval: ApprovalInstance): Promise<void> {
    const id = card.approvalId;
    const turn = (this.showing.get(id) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.showNow(run, card, approval));
    this.showing.set(id, turn);
    const forget = () => {
      if (this.showing.get(id) === turn) this.showing.delete(id);
    };
    turn.then(forget, forget);
    return turn;
  }

  private async showNow(
    run: RunRecord,
    given: ApprovalCardRecord,
    approval: ApprovalInstance,
  ): Promise<void> {
    const card = (await this.d.store.approvalCards.get(given.approvalId)) ?? given;
    const changed = approval.status !== card.status;
    await this.d.updater.set(
      card.channelId,
      card.ts,
      await this.render(
        run,
        approval,
        card.stepName,
        approval.status === 'WAITING' && decidableInSlack(approval.type)
          ? await this.mentionsFor(approval, run)
          : [],
      ),
      approval.status !== 'WAITING',
    );
    if (!changed) return;
    // Not recorded yet (the audit trail failed): the card stays open and the next refresh emits again.
    const verdict = await this.d.events.emit('run.approval_decided', {
      run,
      approval,
      stepName: card.stepName,
      at: this.d.now(),
    });
    if (verdict !== 'done') return;
    // The requester's note goes out (exactly once) before the new status is recorded, so a
    // crash in between leaves the card open and the next refresh sends what is missing.
    await this.tellOutcome(run, card, approval);
    await this.d.store.approvalCards.save({ ...card, status: approval.status, updatedAt: this.d.now() });
  }

  private async tellOutcome(
    run: RunRecord,
    card: ApprovalCardRecord,
    approval: ApprovalInstance,
  ): Promise<void> {
    const last = [...approval.activities]
      .reverse()
      .find((a) => a.action === (approval.status === 'REJECTED' ? 'REJECT' : 'APPROVE'));
    const name = last?.user.name ?? last?.user.email;
    const who = name === undefined ? undefined : oneLine(name);
    // Comments are what an approver typed: quoted, so they cannot add lines to the note.
    const why =
      last?.comments === undefined || last.comments === '' ? '' : ` (${quotedText(last.comments, 500)})`;
    const text =
      approval.status === 'APPROVED' || approval.status === 'REJECTED'
        ? `${card.stepName} of your run of ${this.title(run)} was ${approval.status.toLowerCase()}${who === undefined ? '' : ` by ${who}`}${why}.`
        : `${card.stepName} of your run of ${this.title(run)} ended: ${approval.status.toLowerCase()}.`;
    await this.note(run, `approval-outcome:${approval.id}`, text);
  }

  async render(
    run: RunRecord,
    approval: ApprovalInstance,
    stepName: string,
    mentions: string[],
  ): Promise<SlackMessageContent> {
    const setup = await this.setup(approval);
    const workflow = this.d.catalogue.workflows.get(run.workflowId);
    const { labels, inputs, risky } = summariseRun(run, this.d.catalogue);
    const findings = await this.context.findings(run, approval, stepName, labels);
    return buildApprovalCard({
      approval,
      stepName,
      workflowTitle: workflow?.title ?? run.workflowId,
      requesterId: run.requesterId,
      inputs,
      risky,
      setupProblem: setup.problem,
      buttons: setup.buttons,
      harnessUrl: run.executionUrl,
      external: decidableInSlack(approval.type) ? undefined : approvedWhere(approval.type),
      mentions,
      findings: findings === undefined ? undefined : buildApprovalFindings(findings, run.executionUrl),
    });
  }

  mentionsFor(approval: ApprovalInstance, run: RunRecord): Promise<string[]> {
    return this.mentions.forApproval(approval, run);
  }

  /**
   * Whether approvals can be sent from Slack, said plainly on the card before anyone clicks.
   * Asked of Harness once per approval and number of decisions (a key that acted cannot again).
   */
  private async setup(approval: ApprovalInstance): Promise<CardSetup> {
    if (approval.status !== 'WAITING') return { problem: undefined, buttons: true };
    // Harness answers /harness/* only for Harness approvals; the card points to the ticket instead.
    if (!decidableInSlack(approval.type)) return { problem: undefined, buttons: false };
    const key = `${approval.id}:${String(approval.activities.length)}`;
    const known = this.setups.get(key);
    if (known !== undefined) return known;
    const s = await approvalSenders(this.d, approval.id);
    const refusals = {
      bot: s.bot === true ? '' : s.bot,
      approverKey: s.approverKey === true ? '' : s.approverKey,
    };
    const setup: CardSetup =
      s.bot === true || s.approverKey === true
        ? { problem: undefined, buttons: true }
        : this.d.vault !== undefined
          ? { problem: linkedOnlyText(refusals, approval.userGroups), buttons: true }
          : { problem: slackApprovalImpossibleText(refusals, approval.userGroups), buttons: false };
    this.setups.set(key, setup);
    return setup;
  }

  title(run: RunRecord): string {
    return this.d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
  }

  /** A private note to the requester in the app's DM, sent once per key. */
  async note(run: RunRecord, key: string, text: string): Promise<void> {
    await this.d.deliveries
      .post(run.id, key, { channel: run.requesterId }, () => buildPrivateNote(text))
      .catch((err: unknown) => {
        this.d.logger.warn({ runId: run.id, key, err: errorMessage(err) }, 'could not message the requester');
      });
  }
}
