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
  buildExternalApprovalNote,
  buildPrivateNote,
} from '../../blocks/build-run-messages.js';
import { oneLine, quotedText } from '../../blocks/text.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { toText } from '../forms/json-schema.js';
import type { JsonValue } from '../forms/json-schema.js';
import { approvedWhere, decidableInSlack } from '../harness/approval-types.js';
import type { HarnessClient } from '../harness/client.js';
import { HarnessApiError } from '../harness/errors.js';
import { mayHaveReachedHarness } from '../harness/http.js';
import type { ApprovalInstance, StepView } from '../harness/types.js';
import type { Logger } from '../logger.js';
import type { SlackMessageContent, SlackPort } from '../slack/slack-client.js';
import type { ApprovalCardRecord, RunRecord, Store } from '../store/store.js';
import { checkApprover } from './approvers.js';
import type { MessageUpdater } from './message-updater.js';
import { redactNamedValues } from './redact.js';
import type { TokenVault } from './token-vault.js';
import { fieldLabel } from '../forms/form-field.js';

export interface ApprovalServiceDeps {
  store: Store;
  harness: HarnessClient;
  slack: SlackPort;
  updater: MessageUpdater;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
  /** HARNESS_APPROVER_API_KEY: acts on approvals after the bot's own checks. */
  approverApiKey: string | undefined;
  /** Opens personal tokens linked with `/idp link`. */
  vault: TokenVault | undefined;
}

const PAST: Record<string, string> = { APPROVE: 'approved', REJECT: 'rejected' };

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

  constructor(private readonly d: ApprovalServiceDeps) {}

  /** Posts the card for a step that waits on an approval, once (a restart or replay finds it posted). */
  async ensureCard(run: RunRecord, step: StepView): Promise<void> {
    const id = step.approvalInstanceId;
    if (id === undefined || run.cardTs === undefined || this.d.store.getApprovalCard(id) !== undefined)
      return;
    if (!this.d.store.claimThreadEvent(run.id, `approval:${id}`, this.d.now())) return;
    try {
      const approval = await this.d.harness.getApproval(id);
      const external = !decidableInSlack(approval.type);
      const mentions = external ? [] : await this.approverMentions(approval, run);
      const card = await this.render(run, approval, step.name);
      const posted = await this.d.slack.postMessage(
        run.channelId,
        {
          ...card,
          text:
            mentions.length === 0 ? card.text : `${card.text}: ${mentions.map((m) => `<@${m}>`).join(' ')}`,
        },
        run.cardTs,
        true,
      );
      this.d.store.saveApprovalCard({
        approvalId: id,
        runId: run.id,
        channelId: run.channelId,
        ts: posted.ts,
        stepName: step.name,
        status: approval.status,
        updatedAt: this.d.now(),
      });
      this.d.store.audit({
        at: this.d.now(),
        actor: 'harness',
        action: 'approval.requested',
        workflowId: run.workflowId,
        runId: run.id,
        details: { approvalId: id, groups: approval.userGroups, minimumCount: approval.minimumCount },
      });
      await this.dm(
        run.requesterId,
        external
          ? buildExternalApprovalNote(
              this.title(run),
              step.name,
              approvedWhere(approval.type),
              approval.ticket,
            )
          : `Your run of ${this.title(run)} is waiting for approval (${step.name}) from ${approval.userGroups.join(', ') || 'its approvers'}.`,
      );
    } catch (err) {
      this.d.store.releaseThreadEvent(run.id, `approval:${id}`);
      this.d.logger.warn(
        { runId: run.id, approvalId: id, err: (err as Error).message },
        'could not post the approval card; will retry',
      );
    }
  }

  /** Brings every open card of a run up to date with Harness (decided in Harness's UI, expired, aborted). */
  async refresh(run: RunRecord): Promise<void> {
    for (const card of this.d.store.approvalCards(run.id)) {
      if (card.status !== 'WAITING') continue;
      try {
        const approval = await this.d.harness.getApproval(card.approvalId);
        await this.show(run, card, approval);
        await this.remindIfDue(run, card, approval);
      } catch (err) {
        this.d.logger.warn(
          { approvalId: card.approvalId, err: (err as Error).message },
          'could not refresh an approval card',
        );
      }
    }
  }

  /** Slack users in the approver groups (found by email), so the card can mention them; at most 10. */
  private async approverMentions(approval: ApprovalInstance, run: RunRecord): Promise<string[]> {
    const ids = new Set<string>();
    for (const group of approval.userGroups) {
      const members = await this.d.harness
        .listGroupMembers(group, { orgId: run.orgId, projectId: run.projectId })
        .catch(() => []);
      for (const m of members) {
        if (ids.size >= 10 || m.email === undefined) continue;
        const id = await this.d.slack.userIdByEmail(m.email);
        if (id !== undefined && id !== run.requesterId) ids.add(id);
      }
    }
    return [...ids];
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
    if (!this.d.store.claimThreadEvent(run.id, `approval-reminder:${approval.id}`, now)) return;
    const reminder = buildApprovalReminder(
      card.stepName,
      approval.deadline,
      await this.approverMentions(approval, run),
    );
    await this.d.slack.postMessage(run.channelId, reminder, run.cardTs).catch((err: unknown) => {
      this.d.store.releaseThreadEvent(run.id, `approval-reminder:${approval.id}`);
      this.d.logger.warn(
        { approvalId: approval.id, err: (err as Error).message },
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
    const card = this.d.store.getApprovalCard(approvalId);
    const run = card === undefined ? undefined : this.d.store.getRun(card.runId);
    if (card === undefined || run === undefined) return 'This approval is not known to the bot.';
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
        : buildNoticeModal('Approve', `Checking that you can approve ${card.stepName}…`);
    const { viewId } = await this.d.slack.openView(triggerId, first);
    const check = await this.check(slackUser, run, card)
      .then(async (c) => {
        if (typeof c === 'string') return c;
        // Harness might refuse whatever key Slack could send: say so before a reason is asked.
        const sender = await this.senderFor(slackUser, card, run);
        return typeof sender === 'string' ? sender : c;
      })
      .catch(
        (err: unknown) =>
          `Could not check your decision right now (${(err as Error).message}); nothing was sent to Harness. Try again in a moment.`,
      );
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
      this.d.logger.debug({ err: (err as Error).message }, 'approval modal no longer open');
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
    const card = this.d.store.getApprovalCard(approvalId);
    const run = card === undefined ? undefined : this.d.store.getRun(card.runId);
    if (card === undefined || run === undefined) return 'This approval is not known to the bot.';
    const check = await this.check(slackUser, run, card);
    if (typeof check === 'string') return check;
    const sender = await this.senderFor(slackUser, card, run);
    if (typeof sender === 'string') return sender;
    // Claimed before Harness is called: a concurrent or repeated click finds it taken.
    if (!this.d.store.claimApprovalClick(approvalId, slackUser, action, this.d.now()))
      return this.already(approvalId, slackUser);
    const [name, email] = await Promise.all([
      this.d.slack.userName(slackUser),
      this.d.slack.userEmail(slackUser),
    ]);
    const comments = `${PAST[action] === undefined ? action : PAST[action].replace(/^./, (c) => c.toUpperCase())} in Slack by ${name ?? slackUser}${email === undefined ? '' : ` <${email}>`}${reason === '' ? '' : `: ${reason}`}`;
    try {
      const updated = await this.d.harness.decideApproval(
        approvalId,
        { action, comments, approverInputs: inputs },
        sender.key,
      );
      this.d.store.audit({
        at: this.d.now(),
        actor: slackUser,
        action: `approval.${action === 'APPROVE' ? 'approved' : 'rejected'}`,
        workflowId: run.workflowId,
        runId: run.id,
        details: { approvalId, reason, inputs: redactNamedValues(inputs), email },
      });
      await this.show(run, card, updated);
      return `You ${PAST[action] ?? action} ${card.stepName}.`;
    } catch (err) {
      const harness = err instanceof HarnessApiError ? err : undefined;
      if (harness === undefined || !mayHaveReachedHarness(harness))
        this.d.store.releaseApprovalClick(approvalId, slackUser);
      this.d.store.audit({
        at: this.d.now(),
        actor: slackUser,
        action: 'approval.failed',
        workflowId: run.workflowId,
        runId: run.id,
        details: { approvalId, action, error: (err as Error).message },
      });
      if (harness !== undefined && mayHaveReachedHarness(harness))
        return `Harness did not confirm your decision (${harness.message}). The card will show what Harness recorded; do not click again.`;
      return `Harness did not take your decision: ${harness?.harnessMessage ?? (err as Error).message}`;
    }
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
    const prior = this.d.store.approvalClick(card.approvalId, slackUser);
    if (prior !== undefined) return this.already(card.approvalId, slackUser);
    const deny = (reason: string): void => {
      this.d.store.audit({
        at: this.d.now(),
        actor: slackUser,
        action: 'approval.denied',
        workflowId: run.workflowId,
        runId: run.id,
        details: { approvalId: card.approvalId, reason },
      });
    };
    if (approval.disallowPipelineExecutor && slackUser === run.requesterId) {
      deny('requester');
      return 'You asked for this run, and this step does not let the person who asked approve it.';
    }
    const eligible = await checkApprover(this.d.slack, this.d.harness, slackUser, approval, {
      orgId: run.orgId,
      projectId: run.projectId,
    });
    if (!eligible.eligible) {
      deny(eligible.reason);
      return `You can't decide on ${card.stepName}: ${eligible.reason}.`;
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
    const link = this.d.store.getLink(slackUser);
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

  private already(approvalId: string, slackUser: string): string {
    const prior = this.d.store.approvalClick(approvalId, slackUser);
    return `You already ${PAST[prior?.action ?? ''] ?? 'decided on'} this${prior === undefined ? '' : ` at ${new Date(prior.at).toISOString().replace('T', ' ').slice(0, 16)} UTC`}.`;
  }

  private async show(run: RunRecord, card: ApprovalCardRecord, approval: ApprovalInstance): Promise<void> {
    const changed = approval.status !== card.status;
    await this.d.updater.set(
      card.channelId,
      card.ts,
      await this.render(run, approval, card.stepName),
      approval.status !== 'WAITING',
    );
    if (!changed) return;
    this.d.store.saveApprovalCard({ ...card, status: approval.status, updatedAt: this.d.now() });
    this.d.store.audit({
      at: this.d.now(),
      actor: 'harness',
      action: `approval.outcome`,
      workflowId: run.workflowId,
      runId: run.id,
      details: {
        approvalId: approval.id,
        status: approval.status,
        activities: approval.activities.map((a) => ({ by: a.user.email ?? a.user.name, action: a.action })),
      },
    });
    if (!this.d.store.claimThreadEvent(run.id, `approval-outcome:${approval.id}`, this.d.now())) return;
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
    await this.dm(run.requesterId, text);
  }

  private async render(
    run: RunRecord,
    approval: ApprovalInstance,
    stepName: string,
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

  /** A private note in the app's DM with a person. */
  async dm(userId: string, text: string): Promise<void> {
    await this.d.slack.postMessage(userId, buildPrivateNote(text)).catch((err: unknown) => {
      this.d.logger.warn({ userId, err: (err as Error).message }, 'could not message the requester');
    });
  }
}
