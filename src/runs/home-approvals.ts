import { decidableInSlack } from '../harness-model/approval-types.js';
import type { ApprovalInstance, HarnessUser } from '../harness-model/types.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import { errorMessage } from '../errors.js';
import type { RunCorePorts } from './core-deps.js';

/** Waiting cards looked at per Home: the latest ones (each costs a read of the approval). */
const CARDS_LOOKED_AT = 30;

export interface WaitingApproval {
  card: ApprovalCardRecord;
  run: RunRecord;
  approval: ApprovalInstance;
}

/**
 * The approvals waiting for this person, for App Home: still waiting in Harness, decidable from
 * Slack, not decided by them already, not their own run where the step forbids it, and them in
 * one of the step's user groups (their Slack email as a Harness user, membership at the group's
 * scope: the rule of `approvers.ts`). Only a list: the click is checked again on the same path as
 * the channel's card (`ApprovalService.click`), so a stale Home can never decide what it shows.
 */
export async function approvalsWaitingFor(
  d: Pick<RunCorePorts, 'store' | 'slack' | 'harness' | 'logger'>,
  slackUser: string,
  limit: number,
): Promise<WaitingApproval[]> {
  const cards = await d.store.approvalCards.waiting(CARDS_LOOKED_AT);
  if (cards.length === 0) return [];
  const user = await harnessUserOf(d, slackUser);
  if (user === undefined) return [];
  const found = await Promise.all(cards.map((card) => waitingOne(d, slackUser, user, card)));
  return found.filter((x): x is WaitingApproval => x !== undefined).slice(0, limit);
}

async function harnessUserOf(
  d: Pick<RunCorePorts, 'slack' | 'harness'>,
  slackUser: string,
): Promise<HarnessUser | undefined> {
  const email = await d.slack.userEmail(slackUser);
  return email === undefined ? undefined : d.harness.findUserByEmail(email);
}

async function waitingOne(
  d: Pick<RunCorePorts, 'store' | 'harness' | 'logger'>,
  slackUser: string,
  user: HarnessUser,
  card: ApprovalCardRecord,
): Promise<WaitingApproval | undefined> {
  try {
    const run = await d.store.runs.get(card.runId);
    if (run === undefined) return undefined;
    if ((await d.store.claims.approvalClick(card.approvalId, slackUser)) !== undefined) return undefined;
    const approval = await d.harness.getApproval(card.approvalId);
    if (approval.status !== 'WAITING' || !decidableInSlack(approval.type)) return undefined;
    if (approval.disallowPipelineExecutor && run.requesterId === slackUser) return undefined;
    const scope = { orgId: run.orgId, projectId: run.projectId };
    for (const group of approval.userGroups)
      if (await d.harness.isUserGroupMember(group, user.uuid, scope)) return { card, run, approval };
    return undefined;
  } catch (err) {
    d.logger.debug({ approvalId: card.approvalId, err: errorMessage(err) }, 'left an approval off App Home');
    return undefined;
  }
}
