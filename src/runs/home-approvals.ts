import { LRUCache } from 'lru-cache';
import { decidableInSlack } from '../harness-model/approval-types.js';
import type { ApprovalInstance, HarnessUser } from '../harness-model/types.js';
import type { ApprovalCardRecord, RunRecord } from '../ports/store.js';
import { errorMessage } from '../errors.js';
import type { RunCorePorts } from './core-deps.js';

/** Waiting cards looked at per Home: the latest ones. */
const CARDS_LOOKED_AT = 30;

export interface WaitingApproval {
  card: ApprovalCardRecord;
  run: RunRecord;
  approval: ApprovalInstance;
}

type Deps = Pick<RunCorePorts, 'store' | 'slack' | 'harness' | 'logger'>;

/**
 * The approvals waiting for a person, for App Home: still waiting in Harness, decidable from
 * Slack, not decided by them already, not their own run where the step forbids it, and them in
 * one of the step's user groups (their Slack email as a Harness user, membership at the group's
 * scope: the rule of `approvers.ts`). Only a list: the click is checked again, uncached, on the
 * same path as the channel's card (`ApprovalService.click`), so a stale Home decides nothing.
 *
 * A Home is published on every change of its person's runs: what Harness says is remembered
 * briefly (an approval 15 s, a person and a membership 5 minutes), so refreshes stay far inside
 * the request budget shared with the runs.
 */
export class HomeApprovals {
  private readonly approvals = new LRUCache<string, ApprovalInstance>({ max: 500, ttl: 15_000 });
  private readonly users = new LRUCache<string, { user: HarnessUser | null }>({ max: 2000, ttl: 300_000 });
  private readonly memberships = new LRUCache<string, { member: boolean }>({ max: 10_000, ttl: 300_000 });

  constructor(private readonly d: Deps) {}

  /** An approval changed (decided, expired): the next Home reads it again. */
  forget(approvalId: string): void {
    this.approvals.delete(approvalId);
  }

  /** `fresh`: the person opened their Home, so nothing remembered is used (a refresh may). */
  async waitingFor(slackUser: string, limit: number, fresh: boolean): Promise<WaitingApproval[]> {
    const cards = await this.d.store.approvalCards.waiting(CARDS_LOOKED_AT);
    if (cards.length === 0) return [];
    if (fresh) {
      const uuid = this.users.get(slackUser)?.user?.uuid;
      this.users.delete(slackUser);
      for (const card of cards) this.approvals.delete(card.approvalId);
      if (uuid !== undefined)
        for (const key of [...this.memberships.keys()])
          if (key.split('|')[1] === uuid) this.memberships.delete(key);
    }
    const user = await this.harnessUserOf(slackUser);
    if (user === undefined) return [];
    const found = await Promise.all(cards.map((card) => this.waitingOne(slackUser, user, card)));
    return found.filter((x): x is WaitingApproval => x !== undefined).slice(0, limit);
  }

  private async harnessUserOf(slackUser: string): Promise<HarnessUser | undefined> {
    const known = this.users.get(slackUser);
    if (known !== undefined) return known.user ?? undefined;
    const email = await this.d.slack.userEmail(slackUser);
    const user = email === undefined ? undefined : await this.d.harness.findUserByEmail(email);
    this.users.set(slackUser, { user: user ?? null });
    return user;
  }

  private async approval(id: string): Promise<ApprovalInstance> {
    const known = this.approvals.get(id);
    if (known !== undefined) return known;
    const read = await this.d.harness.getApproval(id);
    this.approvals.set(id, read);
    return read;
  }

  private async member(group: string, user: HarnessUser, run: RunRecord): Promise<boolean> {
    const key = `${group}|${user.uuid}|${run.orgId}|${run.projectId}`;
    const known = this.memberships.get(key);
    if (known !== undefined) return known.member;
    const member = await this.d.harness.isUserGroupMember(group, user.uuid, {
      orgId: run.orgId,
      projectId: run.projectId,
    });
    this.memberships.set(key, { member });
    return member;
  }

  private async waitingOne(
    slackUser: string,
    user: HarnessUser,
    card: ApprovalCardRecord,
  ): Promise<WaitingApproval | undefined> {
    try {
      const run = await this.d.store.runs.get(card.runId);
      if (run === undefined) return undefined;
      if ((await this.d.store.claims.approvalClick(card.approvalId, slackUser)) !== undefined)
        return undefined;
      const approval = await this.approval(card.approvalId);
      if (approval.status !== 'WAITING' || !decidableInSlack(approval.type)) return undefined;
      if (approval.disallowPipelineExecutor && run.requesterId === slackUser) return undefined;
      for (const group of approval.userGroups)
        if (await this.member(group, user, run)) return { card, run, approval };
      return undefined;
    } catch (err) {
      this.d.logger.debug(
        { approvalId: card.approvalId, err: errorMessage(err) },
        'left an approval off App Home',
      );
      return undefined;
    }
  }
}
