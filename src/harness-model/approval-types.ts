/**
 * Which approvals Slack can decide. Only HarnessApproval steps (and IACMApproval, as the
 * simulator models it) take decisions through `/harness/activity`; JiraApproval and
 * ServiceNowApproval steps wait on their ticket's criteria, CustomApproval on its script
 * (https://developer.harness.io/docs/platform/approvals/approvals-tutorial/). They all wait in
 * ApprovalWaiting, so the bot must tell them apart here, and only here.
 */
const DECIDED_IN_SLACK = new Set(['HarnessApproval', 'IACMApproval']);

export function decidableInSlack(type: string): boolean {
  return DECIDED_IN_SLACK.has(type);
}

/** Where an approval Slack cannot decide is given, as a person would name it. */
export function approvedWhere(type: string): string {
  if (type === 'JiraApproval') return 'Jira';
  if (type === 'ServiceNowApproval') return 'ServiceNow';
  if (type === 'CustomApproval') return 'the custom approval’s own check';
  return 'Harness';
}
