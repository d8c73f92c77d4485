/**
 * What the approval card and the startup log say when Harness would refuse approvals sent from
 * Slack, and what the platform team must configure. Harness takes a decision only from a user in
 * one of the step's approver groups, or a service account listed in `approvers.serviceAccounts`.
 */
export interface SenderRefusals {
  /** Harness's reason for refusing the bot's own key. */
  bot: string;
  /** Harness's reason for refusing HARNESS_APPROVER_API_KEY; undefined when it is not set. */
  approverKey: string | undefined;
}

function refusals(r: SenderRefusals): string {
  const key = r.approverKey === undefined ? '' : `, and HARNESS_APPROVER_API_KEY's ("${r.approverKey}")`;
  return `Harness refuses the bot's key ("${r.bot}")${key}`;
}

function fixes(groups: string[], linking: boolean): string {
  const who = groups.length === 0 ? 'the approver groups' : groups.join(', ');
  const options = [
    `set HARNESS_APPROVER_API_KEY to a key of a user in ${who}`,
    "list the bot's service account in this step's approvers.serviceAccounts",
    ...(linking ? [] : ['set IDP_CHATOPS_ENCRYPTION_KEY so approvers can link their Harness account']),
  ];
  return `Platform team: ${options.slice(0, -1).join(', ')}, or ${options.at(-1) ?? ''}.`;
}

/** On the card: only linked people can approve from Slack. */
export function linkedOnlyText(r: SenderRefusals, groups: string[]): string {
  return `Only approvers who linked their Harness account with /idp link can approve here: ${refusals(r)}. ${fixes(groups, true)}`;
}

/** On the card: nobody can approve from Slack; the buttons are gone. */
export function slackApprovalImpossibleText(r: SenderRefusals, groups: string[]): string {
  return `Slack approval cannot work for this step: ${refusals(r)}, and linking personal Harness accounts is off. ${fixes(groups, false)} Until then, approve it in Harness.`;
}

/** To a clicker who has not linked, where only linked people can approve. */
export function linkFirstText(stepName: string): string {
  return `Harness would refuse ${stepName} sent with the bot's key. Link your Harness account with /idp link, then click again.`;
}

/** To a clicker where nobody can approve from Slack. */
export function approveInHarnessText(stepName: string, url: string | undefined): string {
  return `Slack approval is not set up for ${stepName} (see the card); approve it in Harness${url === undefined ? '' : `: ${url}`}.`;
}

/** Startup log: one line per workflow step with an approval. */
export function startupApprovalText(
  workflowId: string,
  stepName: string,
  senders: string[],
  groups: string[],
  linking: boolean,
): { ok: boolean; text: string } {
  if (senders.length > 0)
    return {
      ok: true,
      text: `${workflowId} / ${stepName}: approvals from Slack are sent with ${senders.join(', ')}`,
    };
  return {
    ok: false,
    text: `${workflowId} / ${stepName}: ${linking ? 'only approvers who linked their Harness account (/idp link) can approve from Slack' : 'approvals from Slack cannot work'}. ${fixes(groups, linking)}`,
  };
}
