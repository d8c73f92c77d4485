import type { Access } from '../catalogue/bindings.js';
import type { SlackPort } from './slack-client.js';

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Who may run a workflow, and from where (manifests/commands.yaml `access`). Slack user group
 * members and channel names are looked up and kept for a minute, so checks stay fast.
 */
export class AccessChecker {
  private readonly groupCache = new Map<string, { at: number; members: Set<string> }>();
  private readonly channelCache = new Map<string, { at: number; name: string | undefined }>();

  constructor(
    private readonly slack: SlackPort,
    private readonly now: () => number,
    private readonly ttlMs = 60_000,
  ) {}

  async check(access: Access, userId: string, channelId: string | undefined): Promise<AccessDecision> {
    if (access.channels.length > 0) {
      const name = channelId === undefined ? undefined : await this.channelName(channelId);
      const allowed = access.channels.some(
        (c) => c === channelId || (name !== undefined && c.replace(/^#/, '') === name),
      );
      if (!allowed)
        return {
          allowed: false,
          reason: `it can only be run from ${access.channels.map((c) => (c.startsWith('C') || c.startsWith('G') ? `<#${c}>` : `#${c.replace(/^#/, '')}`)).join(', ')}`,
        };
    }
    if (access.users.length === 0 && access.userGroups.length === 0) return { allowed: true };
    if (access.users.includes(userId)) return { allowed: true };
    for (const group of access.userGroups) {
      if ((await this.members(group)).has(userId)) return { allowed: true };
    }
    return { allowed: false, reason: 'you are not among the people or Slack groups allowed to run it' };
  }

  private async members(group: string): Promise<Set<string>> {
    const cached = this.groupCache.get(group);
    if (cached !== undefined && this.now() - cached.at < this.ttlMs) return cached.members;
    const id = /^S[A-Z0-9]+$/.test(group) ? group : await this.slack.userGroupIdByHandle(group);
    const members = new Set(id === undefined ? [] : await this.slack.userGroupMembers(id));
    this.groupCache.set(group, { at: this.now(), members });
    return members;
  }

  private async channelName(channelId: string): Promise<string | undefined> {
    const cached = this.channelCache.get(channelId);
    if (cached !== undefined && this.now() - cached.at < this.ttlMs) return cached.name;
    const name = await this.slack.channelName(channelId);
    this.channelCache.set(channelId, { at: this.now(), name });
    return name;
  }
}
