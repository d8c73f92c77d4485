import type { ApprovalActivity, ApprovalInstance } from '../harness/types.js';

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
