import { buildApprovalCard, buildApprovalModal } from '../../blocks/build-approval-card.js';
import { buildNoticeModal } from '../../blocks/build-idp-help.js';
import {
  approveInHarnessText,
  linkedOnlyText,
  linkFirstText,
  slackApprovalImpossibleText,
} from '../../blocks/approval-setup-text.js';
import {
  buildApprovalReminder,
  buildApprovalWaitingNote,
  buildExternalApprovalNote,
  buildPrivateNote,
} from '../../blocks/build-run-messages.js';
import { oneLine, quotedText } from '../../blocks/text.js';
import { toText } from '../forms/json-schema.js';
import type { JsonValue } from '../forms/json-schema.js';
import { approvedWhere, decidableInSlack } from '../harness-model/approval-types.js';
import type { RunCorePorts, RunMessaging } from './core-deps.js';
import { HarnessApiError, mayHaveReachedHarness } from '../ports/harness-errors.js';
import type { ApprovalInstance, StepView } from '../harness-model/types.js';
import type { SlackMessageContent } from '../ports/slack.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import { ClickLedger, decisionComment } from './approval-clicks.js';
import { ApproverMentions } from './approver-mentions.js';
import { checkApprover } from './approvers.js';
import type { RefusalCode } from './approvers.js';
import { redactNamedValues } from './redact.js';
import type { RunEvents } from './run-events.js';
import type { TokenVault } from './token-vault.js';
import { fieldLabel } from '../forms/form-field.js';
import { errorMessage } from '../errors.js';
import {
  alreadyDecided,
  APPROVAL_UNKNOWN,
  approvalCardRefused,
  cannotDecide,
  checkingApproval,
  decided,
  DECISION_BEING_SENT,
  decisionCheckFailed,
  decisionNotRecorded,
  decisionNotTaken,
  decisionUnconfirmed,
  REQUESTER_CANNOT_APPROVE,
} from '../../blocks/messages.js';

export interface ApprovalServiceDeps extends RunCorePorts, RunMessaging {
  /** HARNESS_APPROVER_API_KEY: acts on approvals after the bot's own checks. */
  approverApiKey: string | undefined;
  /** Opens personal tokens linked with `/idp link`. */
  vault: TokenVault | undefined;
  /** Where approvals' beginnings and ends go (`run.approval_waiting`, `run.approval_decided`). */
  events: RunEvents;
}

/** What the card says about sending approvals from Slack, and whether it has buttons. */
interface CardSetup {
  problem: string | undefined;
  buttons: boolean;
}

/**
 * Approvals in Slack, as trustworthy as Harness's own UI: one card per waiting approval that
 * follows the instance to its end, and every click checked (approver groups at their scope,
 * the requester never approving where the step forbids it, one decision per person, ever).
 */
export class ApprovalService {
  private readonly setups = new Map<string, CardSetup>();
  private readonly mentions: ApproverMentions;
  private readonly clicks: ClickLedger;
  /** The card being shown, per approval: shows of one approval run one after the other. */
  private readonly showing = new Map<string, Promise<void>>();

  constructor(private readonly d: ApprovalServiceDeps) {
    this.mentions = new ApproverMentions(d.slack, d.harness, d.logger);
    this.clicks = new ClickLedger(d, (run, card, approval) => this.show(run, card, approval));
  }

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
      const posted = existing === undefined ? await this.postCard(run, run.cardTs, id, step.name) : undefined;
      if (posted === undefined && existing === undefined) return;
      if (posted !== undefined && 'refused' in posted) {
        // Slack will never take this card here (channel archived, bot removed; audited by
        // Deliveries): the requester hears where to decide instead.
        await this.note(
          run,
          noted,
          approvalCardRefused({
            workflowTitle: this.title(run),
            stepName: step.name,
            refused: posted.refused,
            executionUrl: run.executionUrl,
          }),
        );
        return;
      }
      const approval = posted ?? (await this.d.harness.getApproval(id));
      await this.note(
        run,
        noted,
        decidableInSlack(approval.type)
          ? buildApprovalWaitingNote(this.title(run), step.name, approval.userGroups)
          : buildExternalApprovalNote(
              this.title(run),
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
        const mentions = decidableInSlack(read.type) ? await this.mentionsFor(read, run) : [];
        return this.render(run, read, stepName, mentions);
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

  private mentionsFor(approval: ApprovalInstance, run: RunRecord): Promise<string[]> {
    return this.mentions.forApproval(approval, run);
  }

  /** Brings every open card of a run up to date with Harness (decided in Harness's UI, expired, aborted). */
  async refresh(run: RunRecord): Promise<void> {
    for (const card of await this.d.store.approvalCards.forRun(run.id)) {
      if (card.status !== 'WAITING') continue;
      try {
        const approval = await this.d.harness.getApproval(card.approvalId);
        await this.show(run, card, approval);
        await this.remindIfDue(run, card, approval);
      } catch (err) {
        this.d.logger.warn(
          { approvalId: card.approvalId, err: errorMessage(err) },
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
        buildApprovalReminder(card.stepName, deadline, await this.mentionsFor(approval, run)),
      )
      .catch((err: unknown) => {
        this.d.logger.warn(
          { approvalId: approval.id, err: errorMessage(err) },
          'could not post an approval reminder',
        );
      });
  }

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
    const card = await this.d.store.approvalCards.get(approvalId);
    const run = card === undefined ? undefined : await this.d.store.runs.get(card.runId);
    if (card === undefined || run === undefined) return APPROVAL_UNKNOWN;
    if (action === 'REJECT' || opensForm) return this.openThenCheck(slackUser, run, card, action, triggerId);
    const check = await this.check(slackUser, run, card);
    if (typeof check === 'string') return check;
    // Harness might refuse whatever key Slack could send: say so before anything is sent.
    const sender = await this.senderFor(slackUser, card, run);
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
    const check = await this.check(slackUser, run, card)
      .then(async (c) => {
        if (typeof c === 'string') return c;
        // Harness might refuse whatever key Slack could send: say so before a reason is asked.
        const sender = await this.senderFor(slackUser, card, run);
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
      this.d.logger.debug({ err: errorMessage(err) }, 'approval modal no longer open');
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
    const check = await this.check(slackUser, run, card);
    if (typeof check === 'string') return check;
    // The intention, recorded before Harness is called: a concurrent or repeated click finds it taken.
    // Harness might refuse whatever key Slack could send: nothing is claimed or sent then.
    const sender = await this.senderFor(slackUser, card, run);
    if (typeof sender === 'string') return sender;
    const sent = await this.clicks.whileSending(card.approvalId, slackUser, action, () =>
      this.send(run, card, slackUser, action, reason, inputs, sender.key),
    );
    return sent ?? (await this.already(approvalId, slackUser));
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
      await this.show(run, card, updated);
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

  /** At start: every click a previous life of the bot sent without hearing back is settled. */
  recover(): Promise<number> {
    return this.clicks.recover();
  }

  /** The checks every click passes before Harness hears of it. A string is the refusal. */
  private async check(
    slackUser: string,
    run: RunRecord,
    card: ApprovalCardRecord,
  ): Promise<ApprovalInstance | string> {
    const approval = await this.d.harness.getApproval(card.approvalId);
    if (approval.status !== 'WAITING') {
      await this.show(run, card, approval);
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
  private async senderFor(
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
    const senders = await this.senders(card.approvalId);
    if (senders.approverKey === true) return { key: this.d.approverApiKey };
    if (senders.bot === true) return { key: undefined };
    return this.d.vault === undefined
      ? approveInHarnessText(card.stepName, run.executionUrl)
      : linkFirstText(card.stepName);
  }

  /** Whether Harness takes decisions from the bot's key and the approver key: true, or its reason. */
  private async senders(
    approvalId: string,
  ): Promise<{ bot: true | string; approverKey: true | string | undefined }> {
    const ask = async (key?: string): Promise<true | string> => {
      const r = await this.d.harness.approvalAuthorization(approvalId, key);
      return r.authorized ? true : r.reason || 'not authorized';
    };
    const approverKey = this.d.approverApiKey;
    return { bot: await ask(), approverKey: approverKey === undefined ? undefined : await ask(approverKey) };
  }

  private async already(approvalId: string, slackUser: string): Promise<string> {
    const prior = await this.d.store.claims.approvalClick(approvalId, slackUser);
    return alreadyDecided(prior);
  }

  /**
   * A click's decision and a poll's refresh can both see an approval change at once: they take
   * turns, and each reads the card as the one before left it, so the change is announced once.
   */
  private show(run: RunRecord, card: ApprovalCardRecord, approval: ApprovalInstance): Promise<void> {
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

  private async render(
    run: RunRecord,
    approval: ApprovalInstance,
    stepName: string,
    mentions: string[],
  ): Promise<SlackMessageContent> {
    const setup = await this.setup(approval);
    const workflow = this.d.catalogue.workflows.get(run.workflowId);
    const binding = this.d.catalogue.bindings.get(run.workflowId);
    const labels = new Map(
      workflow?.pages.flatMap((p) => p.allFields.map((f) => [f.key, fieldLabel(f)] as const)) ?? [],
    );
    const inputs = Object.entries(run.inputs)
      .filter(([, v]) => v !== '' && v !== null && v !== undefined)
      .map(([k, v]) => ({ label: labels.get(k) ?? k, value: toText(v as JsonValue) }));
    const production = Object.values(run.inputs).some(
      (v) => typeof v === 'string' && /^(prod|production)$/i.test(v),
    );
    return buildApprovalCard({
      approval,
      stepName,
      workflowTitle: workflow?.title ?? run.workflowId,
      requesterId: run.requesterId,
      inputs,
      risky: (binding?.risky ?? false) || production,
      setupProblem: setup.problem,
      buttons: setup.buttons,
      harnessUrl: run.executionUrl,
      external: decidableInSlack(approval.type) ? undefined : approvedWhere(approval.type),
      mentions,
    });
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
    const s = await this.senders(approval.id);
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

  private title(run: RunRecord): string {
    return this.d.catalogue.workflows.get(run.workflowId)?.title ?? run.workflowId;
  }

  /** A private note to the requester in the app's DM, sent once per key. */
  private async note(run: RunRecord, key: string, text: string): Promise<void> {
    await this.d.deliveries
      .post(run.id, key, { channel: run.requesterId }, () => buildPrivateNote(text))
      .catch((err: unknown) => {
        this.d.logger.warn({ runId: run.id, key, err: errorMessage(err) }, 'could not message the requester');
      });
  }
}
