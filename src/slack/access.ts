import type { Access } from '../catalogue/bindings.js';
import type { ChannelInfo, SlackPort } from '../ports/slack.js';
import { NOT_AMONG_ALLOWED, onlyFromChannels } from '../../blocks/form-text.js';

/** Whether the bot can post the status card where a command was typed. */
export type ChannelReach = 'can_post' | 'cannot_post' | 'unknown';

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Who may run a workflow, and from where (manifests/commands.yaml `access`). Slack user group
 * members and channel names are looked up and kept for a minute, so checks stay fast.
 */
export class AccessChecker {
  private readonly groupCache = new Map<string, { at: number; members: Set<string> }>();
  private readonly channelCache = new Map<string, { at: number; info: ChannelInfo }>();

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
          reason: onlyFromChannels(access.channels),
        };
    }
    if (access.users.length === 0 && access.userGroups.length === 0) return { allowed: true };
    if (access.users.includes(userId)) return { allowed: true };
    for (const group of access.userGroups) {
      if ((await this.members(group)).has(userId)) return { allowed: true };
    }
    return { allowed: false, reason: NOT_AMONG_ALLOWED };
  }

  private async members(group: string): Promise<Set<string>> {
    const cached = this.groupCache.get(group);
    if (cached !== undefined && this.now() - cached.at < this.ttlMs) return cached.members;
    const id = /^S[A-Z0-9]+$/.test(group) ? group : await this.slack.userGroupIdByHandle(group);
    const members = new Set(id === undefined ? [] : await this.slack.userGroupMembers(id));
    this.groupCache.set(group, { at: this.now(), members });
    return members;
  }

  /**
   * Public channels take posts without an invitation (chat:write.public); private channels, DMs
   * and group DMs only when the bot is in them, and Slack then hides them from it entirely
   * (channel_not_found). Archived conversations take nothing. Only good answers are kept, so
   * inviting the bot works at once.
   */
  async reach(channelId: string): Promise<ChannelReach> {
    try {
      const info = await this.channel(channelId);
      if (info === undefined || info.isArchived) return 'cannot_post';
      return info.isMember || !info.isPrivate ? 'can_post' : 'cannot_post';
    } catch {
      // Slack did not answer: the card's own post decides, and the run is not started without it.
      return 'unknown';
    }
  }

  private async channelName(channelId: string): Promise<string | undefined> {
    return (await this.channel(channelId).catch(() => undefined))?.name;
  }

  private async channel(channelId: string): Promise<ChannelInfo | undefined> {
    const cached = this.channelCache.get(channelId);
    if (cached !== undefined && this.now() - cached.at < this.ttlMs) return cached.info;
    const info = await this.slack.channelInfo(channelId);
    if (info !== undefined && !info.isArchived) this.channelCache.set(channelId, { at: this.now(), info });
    return info;
  }
}
