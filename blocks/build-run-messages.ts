import type { KnownBlock } from '@slack/types';
import type { ExecutionView, StepView } from '../src/harness-model/types.js';
import { elapsed, slackDate, statusEmoji, statusLabel } from './format.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, keepSlackDates, mrkdwn, oneLine, truncate } from './text.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const section = (id: string, text: string): KnownBlock => ({
  type: 'section',
  block_id: id,
  text: mrkdwn(text, LIMITS.text),
});

/** Thread reply: a step failed, and why. */
export function buildStepFailedMessage(step: StepView): SlackMessage {
  const why =
    step.failureMessage === undefined
      ? ''
      : `\n>${escapeMrkdwn(truncate(step.failureMessage, 2500)).replace(/\n/g, '\n>')}`;
  return {
    text: `Step ${step.name} failed`,
    blocks: [
      section(
        'step_failed',
        `:x: Step *${escapeMrkdwn(step.name)}* (${escapeMrkdwn(step.type)}) failed${why}`,
      ),
    ],
  };
}

/** Links that outputs of the run point at (repository, catalog entry, …), by output name. */
const LINK_OUTPUTS: Record<string, string> = {
  repositoryUrl: 'Repository',
  catalogInfoUrl: 'catalog-info.yaml',
  registeredCatalogUrl: 'Catalog entry',
};

export function outputLinks(view: ExecutionView): { title: string; url: string }[] {
  const links: { title: string; url: string }[] = [];
  for (const step of view.steps) {
    for (const [name, value] of Object.entries(step.outputs)) {
      const title = LINK_OUTPUTS[name];
      // Only a URL Slack cannot read as more than a link (no space, <, > or |).
      if (title !== undefined && /^https?:\/\/[^\s<>|]+$/.test(value)) links.push({ title, url: value });
    }
  }
  return links;
}

/** Thread reply: the run is over; how it ended, how long it took, and what it produced. */
export function buildRunFinishedMessage(
  view: ExecutionView,
  workflowTitle: string,
  executionUrl: string | undefined,
  now: number,
): SlackMessage {
  const took = elapsed(view.startTs, view.endTs, now);
  const lines = [
    `${statusEmoji(view.bucket, view.status)} *${escapeMrkdwn(workflowTitle)}* ${view.bucket === 'succeeded' ? 'finished' : 'ended'}: *${statusLabel(view.status)}*${took === undefined ? '' : ` after ${took}`}.`,
  ];
  if (view.bucket === 'failed') {
    const failed = view.steps.find((s) => s.bucket === 'failed');
    const reason = failed?.failureMessage ?? view.failureMessage;
    if (failed !== undefined)
      lines.push(
        `Step *${escapeMrkdwn(failed.name)}*: ${escapeMrkdwn(truncate(oneLine(reason ?? statusLabel(failed.status)), 1500))}`,
      );
    else if (reason !== undefined) lines.push(escapeMrkdwn(truncate(oneLine(reason), 1500)));
  }
  const links = outputLinks(view).map((l) => `<${l.url}|${escapeMrkdwn(l.title)}>`);
  if (executionUrl !== undefined) links.push(`<${executionUrl}|Harness execution>`);
  if (links.length > 0) lines.push(links.join(' · '));
  return {
    text: `${workflowTitle}: ${statusLabel(view.status)}`,
    blocks: [section('run_finished', lines.join('\n'))],
  };
}

/** Private note to the requester: the run did not start (or may have), with Harness's reason. */
export function buildRunNotStartedMessage(
  workflowTitle: string,
  reason: string,
  mayHaveStarted: boolean,
): SlackMessage {
  const head = mayHaveStarted
    ? `:warning: *${escapeMrkdwn(workflowTitle)}* may have started, but Harness did not confirm it.`
    : `:x: *${escapeMrkdwn(workflowTitle)}* did not start.`;
  return {
    text: `${workflowTitle} did not start`,
    blocks: [section('not_started', `${head}\n${escapeMrkdwn(truncate(reason, 2500))}`)],
  };
}

/** The team's channel hears when a run it cares about ends (onboarding: what was created). */
export function buildTeamNotification(
  view: ExecutionView,
  workflowTitle: string,
  requesterId: string,
  executionUrl: string | undefined,
  now: number,
): SlackMessage {
  const took = elapsed(view.startTs, view.endTs, now);
  const ok = view.bucket === 'succeeded';
  const lines = [
    `${ok ? ':tada:' : statusEmoji(view.bucket, view.status)} *${escapeMrkdwn(workflowTitle)}*, requested by <@${requesterId}>, ${ok ? 'is done' : `ended: *${statusLabel(view.status)}*`}${took === undefined ? '' : ` (${took})`}.`,
  ];
  if (ok) {
    for (const l of outputLinks(view)) lines.push(`• ${escapeMrkdwn(l.title)}: <${l.url}>`);
    if (executionUrl !== undefined) lines.push(`• Pipeline run: <${executionUrl}|Harness execution>`);
  } else {
    const failed = view.steps.find((s) => s.bucket === 'failed');
    if (failed !== undefined)
      lines.push(
        `Step *${escapeMrkdwn(failed.name)}* failed: ${escapeMrkdwn(truncate(oneLine(failed.failureMessage ?? statusLabel(failed.status)), 1500))}`,
      );
    if (executionUrl !== undefined) lines.push(`<${executionUrl}|Harness execution>`);
  }
  return {
    text: `${workflowTitle}: ${statusLabel(view.status)}`,
    blocks: [section('team_notice', lines.join('\n'))],
  };
}

/**
 * A private note (DM or ephemeral) as one section: escaped, so nothing in it can become a
 * broadcast or a link, except the user and channel mentions the bot itself writes.
 */
export function buildPrivateNote(text: string): SlackMessage {
  const safe = keepSlackDates(
    escapeMrkdwn(truncate(text, LIMITS.text)).replace(/&lt;([@#][A-Z0-9]+)&gt;/g, '<$1>'),
  );
  return { text, blocks: [section('note', safe)] };
}

/** Thread reply: someone pressed Abort. */
export function buildAbortRequested(userId: string): SlackMessage {
  return {
    text: `Abort requested by <@${userId}>`,
    blocks: [
      {
        type: 'context',
        block_id: 'abort_requested',
        elements: [mrkdwn(`:no_entry_sign: Abort requested by <@${userId}>`, LIMITS.text)],
      },
    ],
  };
}

/** Thread reply: an approval is about to expire; its approvers are mentioned. */
export function buildApprovalReminder(
  stepName: string,
  deadline: number,
  approverIds: string[],
): SlackMessage {
  const mentions = approverIds.map((id) => `<@${id}> `).join('');
  return {
    text: `Reminder: ${stepName} expires soon`,
    blocks: [
      section(
        'approval_reminder',
        `:alarm_clock: ${mentions}*${escapeMrkdwn(stepName)}* expires at ${slackDate(deadline, '{time}')}: approve or reject it on the card above.`,
      ),
    ],
  };
}

/** On the card while the bot looks for a run whose start Harness did not confirm. */
export function buildLookingForRunNote(): string {
  return 'Harness did not confirm the start; looking for this run in Harness (it is never started twice)…';
}

/** To the requester: the bot restarted while starting their run, and found it in Harness. */
export function buildRunFoundAfterRestartNote(workflowTitle: string): string {
  return `The bot restarted while starting your run of ${workflowTitle}. Harness did start it; the card follows it again.`;
}

/** Why a run whose start was not confirmed is reported as not started. */
export function buildRunNeverAppearedReason(reason: string, boundMs: number): string {
  // A bound under a minute (HARNESS_LOST_RUN_SEARCH_SECONDS) is said in seconds.
  const [n, unit] =
    boundMs < 60_000
      ? [Math.max(1, Math.round(boundMs / 1000)), 'second']
      : [Math.round(boundMs / 60_000), 'minute'];
  return `${reason} No execution of this run appeared in Harness within ${String(n)} ${unit}${n === 1 ? '' : 's'}, so it did not start; run it again.`;
}

/** To the requester: their run waits on a Jira / ServiceNow / custom approval, decided there. */
export function buildExternalApprovalNote(
  workflowTitle: string,
  stepName: string,
  where: string,
  ticket: { key: string; url: string | undefined } | undefined,
): string {
  const on =
    ticket === undefined ? '' : ` on ${ticket.key}${ticket.url === undefined ? '' : ` (${ticket.url})`}`;
  return `Your run of ${workflowTitle} is waiting for approval (${stepName})${on}: approve it in ${where}.`;
}

/** To the requester: their run waits on a Harness approval, which the card in the thread can decide. */
export function buildApprovalWaitingNote(workflowTitle: string, stepName: string, groups: string[]): string {
  return `Your run of ${workflowTitle} is waiting for approval (${stepName}) from ${groups.join(', ') || 'its approvers'}.`;
}

/** Why a run is looked for after a restart: the bot stopped before Harness answered. */
export function buildRestartedWhileStartingReason(): string {
  return 'The bot restarted while starting this run, before Harness confirmed it.';
}

/** Why a run was not started: its status card could not be posted in the channel (Slack's error). */
export function buildNoCardReason(channelId: string, error: string): string {
  const fix =
    error === 'is_archived'
      ? 'the channel is archived; run it from another channel'
      : 'invite the bot there, or run it from a channel where the bot is or from your DM with it';
  return `the bot could not post its status card in <#${channelId}> (${error}): ${fix}.`;
}
