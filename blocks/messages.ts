import { slackDate } from './format.js';

/**
 * Sentences the bot says to people outside a builder of its own: private notes, modal notices,
 * form errors, option labels and card notes. Written here, with the other builders, so every
 * word a person reads lives in blocks/ (the callers only choose which one).
 */

const PAST: Readonly<Record<string, string>> = { APPROVE: 'approved', REJECT: 'rejected' };

// Approvals (src/runs/approval-service.ts, src/slack/listeners/approvals.ts)

export const APPROVAL_UNKNOWN = 'This approval is not known to the bot.';
export const DECISION_BEING_SENT = 'Your decision is being sent to Harness; you will hear back here.';
export const REQUESTER_CANNOT_APPROVE =
  'You asked for this run, and this step does not let the person who asked approve it.';
export const REJECT_REASON_REQUIRED = 'Say why, so the person who asked knows what to change';

export function approvalCardRefused(o: {
  workflowTitle: string;
  stepName: string;
  refused: string | undefined;
  executionUrl: string | undefined;
}): string {
  return `Your run of ${o.workflowTitle} is waiting for approval (${o.stepName}), but Slack refused the approval card${o.refused === undefined ? '' : ` (${o.refused})`}. Approvers can decide in Harness${o.executionUrl === undefined ? '' : `: ${o.executionUrl}`}.`;
}

export function checkingApproval(stepName: string): string {
  return `Checking that you can approve ${stepName}…`;
}

export function decisionCheckFailed(error: string): string {
  return `Could not check your decision right now (${error}); nothing was sent to Harness. Try again in a moment.`;
}

export function decided(action: string, stepName: string): string {
  return `You ${PAST[action] ?? action} ${stepName}.`;
}

export function decisionNotTaken(harnessMessage: string): string {
  return `Harness did not take your decision: ${harnessMessage}`;
}

export function decisionNotRecorded(error: string): string {
  return `Harness did not record your decision (${error}). Nothing was decided; you can click again.`;
}

export function decisionUnconfirmed(error: string): string {
  return `Harness did not confirm your decision (${error}). The bot will check what Harness recorded; if it did not, you can click again.`;
}

export function cannotDecide(stepName: string, reason: string): string {
  return `You can't decide on ${stepName}: ${reason}.`;
}

/** `at`: when the earlier click was made (shown in each reader's own time zone). */
export function alreadyDecided(prior: { action: string; at: number } | undefined): string {
  return `You already ${PAST[prior?.action ?? ''] ?? 'decided on'} this${prior === undefined ? '' : ` on ${slackDate(prior.at, '{date_short} at {time}')}`}.`;
}

export function approvalTextLabel(action: string): string {
  return action === 'REJECT' ? 'Your reason' : 'Your comment';
}

// The run card (src/runs/tracker.ts)

export const HARNESS_REFUSES_KEY_NOTE = 'Harness refuses the bot’s key; updates paused until it is fixed.';
export const HARNESS_NOT_ANSWERING_NOTE = 'Harness is not answering; this card will catch up when it does.';

// Commands and forms (src/slack/listeners/)

export const LINKING_OFF =
  'Linking Harness accounts is turned off here: the platform team must set IDP_CHATOPS_ENCRYPTION_KEY.';
export const TOKEN_REMOVED = 'Your Harness token is removed; approvals go through the bot again.';
export const NO_TOKEN_LINKED = 'You had no Harness account linked.';
export const STALE_DM_BUTTON =
  'This button no longer matches a workflow that can run in a DM. Run the command again.';
export const FORM_EXPIRED_TITLE = 'Form expired';
export const FORM_EXPIRED = 'This form belongs to a workflow the bot no longer has. Run the command again.';
export const NOT_ALLOWED_TITLE = 'Not allowed';
export const OPTIONS_LATE = 'Harness did not answer in time; type again';
export const OPTIONS_UNREACHABLE = 'Harness is unreachable; try again in a moment';

export function noSuchWorkflow(id: string): string {
  return `There is no workflow "${id}". \`/idp\` lists them.`;
}

export function cannotRunHere(workflowTitle: string, reason: string): string {
  return `You can't run ${workflowTitle} here: ${reason}.`;
}

export function formDidNotOpen(workflowTitle: string, error: string, command: string): string {
  return `Slack did not let the bot open the ${workflowTitle} form in time (${error}). Please run ${command} again.`;
}

export function chooseFirst(fieldTitles: readonly string[]): string {
  return `Choose ${fieldTitles.join(' and ')} first`;
}

// Runs (src/slack/listeners/run-actions.ts)

export const RUN_UNKNOWN = 'This run is not known to the bot any more.';
export const ABORT_NOT_ALLOWED =
  'Only the person who started this run, or one of its approvers, can abort it.';

export function runAlreadyEnded(status: string): string {
  return `This run already ended (${status}); there is nothing to abort.`;
}

export function abortFailed(error: string): string {
  return `Harness did not abort the run: ${error}`;
}

// Linking a Harness account (src/slack/listeners/identity.ts)

export const LINK_TITLE = 'Link Harness account';
export const LINKING_OFF_SHORT =
  'Linking is turned off: the platform team must set IDP_CHATOPS_ENCRYPTION_KEY.';
export const PASTE_TOKEN = 'Paste a Harness personal access token.';
export const CHECKING_TOKEN =
  'Checking your token with Harness… You can close this: the bot sends you the result.';
export const TOKEN_NOT_ACCEPTED =
  'Harness did not accept this token: check it is a personal access token that has not expired.';

export function linkCheckUnfinished(error: string): string {
  return `The check could not finish (${error}).`;
}

export function tokenCheckFailed(error: string): string {
  return `Harness could not check the token (${error}).`;
}

export function tokenNotYours(tokenEmail: string | undefined, slackEmail: string | undefined): string {
  return `This token belongs to ${tokenEmail ?? 'another Harness user'}, not to your Slack email${slackEmail === undefined ? '' : ` (${slackEmail})`}. Use a token of your own.`;
}

/** Why a token was not linked, as the modal shows it and as the message says it. */
export function linkRefused(why: string): { modal: string; message: string } {
  return {
    modal: `${why} Run /idp link again to try another.`,
    message: `Your Harness account is not linked: ${why} Run /idp link again to try another.`,
  };
}

export function linkedMessage(who: string): string {
  return `Your Harness account ${who} is linked: your approvals now go to Harness as you.`;
}

// Run notes (sent privately to the requester).

export function runEndedNote(
  title: string,
  succeeded: boolean,
  status: string,
  url: string | undefined,
): string {
  return `Your run of ${title} ${succeeded ? 'finished' : 'ended'}: ${status}.${url === undefined ? '' : ` ${url}`}`;
}

export function runStartedUnpostableNote(title: string, url: string | undefined): string {
  return `Your run of ${title} started, but the bot cannot post in this channel (invite it to see progress): ${url ?? ''}`;
}

export function runNotStartedNote(title: string, reason: string): string {
  return `Your run of ${title} was not started: ${reason}`;
}

// Why a click on an approval is refused (shown after "You can't decide on …:").

export const NO_SLACK_EMAIL = 'your Slack profile has no email, so the bot cannot find you in Harness';

export function noHarnessUser(email: string): string {
  return `no Harness user has your email (${email})`;
}

export function notAnApprover(groups: readonly string[]): string {
  return `you are not in ${groups.length === 1 ? 'the approver group' : 'any of the approver groups'} ${groups.join(', ')}`;
}

export function notACommand(text: string): string {
  return `"${text}" is not an idp-chatops command.`;
}
