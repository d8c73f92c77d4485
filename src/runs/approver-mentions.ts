import { LRUCache } from 'lru-cache';
import type { HarnessPort } from '../ports/harness.js';
import type { ApprovalInstance } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import type { SlackPort } from '../ports/slack.js';
import type { RunRecord } from '../ports/store.js';
import { errorMessage } from '../errors.js';

/** People mentioned on one card: enough to reach the on-call, few enough to stay readable. */
export const MAX_MENTIONS = 10;
/** Email lookups one card may cost when the cache knows none of its approvers. */
export const MAX_LOOKUPS_PER_CARD = 20;

export interface ApproverMentionsOptions {
  /** How long an email → Slack user answer is kept (people join and leave rarely). */
  ttlMs?: number;
  /** How many emails are remembered at most. */
  maxEntries?: number;
  /** The clock the time to live is measured on. */
  now?: () => number;
}

/**
 * The Slack users to mention on an approval card: members of its approver groups in Harness,
 * found in Slack by email. users.lookupByEmail is Tier 3 (about 50 a minute,
 * https://api.slack.com/methods/users.lookupByEmail), and a group can hold a hundred people, so
 * answers (also "not in this workspace") are cached with a time to live, each card costs at most
 * MAX_LOOKUPS_PER_CARD lookups, and a card's mentions are worked out once, for its card and its
 * reminder alike.
 */
export class ApproverMentions {
  private readonly byEmail: LRUCache<string, { id: string | null }>;
  private readonly byApproval = new LRUCache<string, string[]>({ max: 1000 });

  constructor(
    private readonly slack: SlackPort,
    private readonly harness: HarnessPort,
    private readonly logger: Logger,
    opts: ApproverMentionsOptions = {},
  ) {
    this.byEmail = new LRUCache({
      max: opts.maxEntries ?? 5000,
      ttl: opts.ttlMs ?? 6 * 3600_000,
      ...(opts.now === undefined ? {} : { perf: { now: opts.now } }),
    });
  }

  async forApproval(
    approval: Pick<ApprovalInstance, 'id' | 'userGroups'>,
    run: Pick<RunRecord, 'orgId' | 'projectId' | 'requesterId'>,
  ): Promise<string[]> {
    const known = this.byApproval.get(approval.id);
    if (known !== undefined) return known;
    const ids = new Set<string>();
    let lookups = 0;
    for (const group of approval.userGroups) {
      const members = await this.harness
        .listGroupMembers(group, { orgId: run.orgId, projectId: run.projectId })
        .catch((err: unknown) => {
          this.logger.warn({ group, err: errorMessage(err) }, 'could not list an approver group');
          return [];
        });
      for (const m of members) {
        if (ids.size >= MAX_MENTIONS || m.email === undefined) continue;
        const email = m.email.toLowerCase();
        let hit = this.byEmail.get(email);
        if (hit === undefined) {
          if (lookups >= MAX_LOOKUPS_PER_CARD) continue;
          lookups++;
          hit = { id: (await this.slack.userIdByEmail(email)) ?? null };
          this.byEmail.set(email, hit);
        }
        if (hit.id !== null && hit.id !== run.requesterId) ids.add(hit.id);
      }
    }
    const out = [...ids];
    this.byApproval.set(approval.id, out);
    return out;
  }
}
