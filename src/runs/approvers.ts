import { NO_SLACK_EMAIL, noHarnessUser, notAnApprover } from '../../blocks/messages.js';
import type { HarnessPort } from '../ports/harness.js';
import type { ApprovalInstance, HarnessUser, Scope } from '../harness-model/types.js';
import type { SlackPort } from '../ports/slack.js';

/** Why a click was refused, as a short code (for counting; `reason` is what the person reads). */
export type RefusalCode = 'requester' | 'no_email' | 'not_a_harness_user' | 'not_an_approver';

export type ApproverCheck =
  { eligible: true; user: HarnessUser } | { eligible: false; code: RefusalCode; reason: string };

/**
 * Whether a Slack user may act on an approval: their Slack email must be a Harness user who
 * belongs to one of the step's user groups, each checked at the group's own scope.
 */
export async function checkApprover(
  slack: SlackPort,
  harness: HarnessPort,
  slackUserId: string,
  approval: ApprovalInstance,
  scope: Scope,
): Promise<ApproverCheck> {
  const email = await slack.userEmail(slackUserId);
  if (email === undefined)
    return {
      eligible: false,
      code: 'no_email',
      reason: NO_SLACK_EMAIL,
    };
  const user = await harness.findUserByEmail(email);
  if (user === undefined)
    return {
      eligible: false,
      code: 'not_a_harness_user',
      reason: noHarnessUser(email),
    };
  for (const group of approval.userGroups) {
    if (await harness.isUserGroupMember(group, user.uuid, scope)) return { eligible: true, user };
  }
  return {
    eligible: false,
    code: 'not_an_approver',
    reason: notAnApprover(approval.userGroups),
  };
}
