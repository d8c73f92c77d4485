import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { deliveryMarker, findMarkedMessage } from './slack-readback.js';

/**
 * The bot's only door to Slack's Web API. Messages always carry top-level `text` with their
 * blocks (notifications and screen readers use it). Rate limits are honoured by WebClient:
 * on a 429 it waits the Retry-After and sends again.
 */
export interface SlackMessageContent {
  text: string;
  blocks: KnownBlock[];
  /** A delivery key carried as message metadata, to find the message again after a crash. */
  deliveryKey?: string;
}

export interface SlackPort {
  postMessage(
    channel: string,
    content: SlackMessageContent,
    threadTs?: string,
    broadcast?: boolean,
  ): Promise<{ ts: string }>;
  updateMessage(channel: string, ts: string, content: SlackMessageContent): Promise<void>;
  postEphemeral(
    channel: string,
    user: string,
    content: SlackMessageContent,
    threadTs?: string,
  ): Promise<void>;
  openView(triggerId: string, view: ModalView): Promise<{ viewId: string }>;
  updateView(viewId: string, view: ModalView, hash?: string): Promise<void>;
  publishHome(userId: string, view: HomeView): Promise<void>;
  userEmail(userId: string): Promise<string | undefined>;
  userName(userId: string): Promise<string | undefined>;
  /** The Slack user with this email, if any. */
  userIdByEmail(email: string): Promise<string | undefined>;
  userGroupMembers(groupId: string): Promise<string[]>;
  /** The ts of a message posted with `deliveryKey`, read back from Slack; undefined when absent. */
  findDelivered(
    channel: string,
    deliveryKey: string,
    where: { threadTs: string | undefined; since: number },
  ): Promise<string | undefined>;
  userGroupIdByHandle(handle: string): Promise<string | undefined>;
  channelName(channelId: string): Promise<string | undefined>;
  raw: WebClient;
}

export function createSlackPort(client: WebClient, logger: Logger): SlackPort {
  return {
    raw: client,
    async postMessage(channel, content, threadTs, broadcast) {
      const base = {
        channel,
        text: content.text,
        blocks: content.blocks,
        unfurl_links: false,
        ...(content.deliveryKey === undefined ? {} : { metadata: deliveryMarker(content.deliveryKey) }),
      };
      const r =
        threadTs === undefined
          ? await client.chat.postMessage(base)
          : broadcast === true
            ? await client.chat.postMessage({ ...base, thread_ts: threadTs, reply_broadcast: true })
            : await client.chat.postMessage({ ...base, thread_ts: threadTs });
      if (r.ts === undefined) throw new Error('Slack did not return a message ts');
      return { ts: r.ts };
    },
    async updateMessage(channel, ts, content) {
      await client.chat.update({ channel, ts, text: content.text, blocks: content.blocks });
    },
    async postEphemeral(channel, user, content, threadTs) {
      await client.chat.postEphemeral({
        channel,
        user,
        text: content.text,
        blocks: content.blocks,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      });
    },
    async openView(triggerId, view) {
      const r = await client.views.open({ trigger_id: triggerId, view });
      return { viewId: r.view?.id ?? '' };
    },
    async updateView(viewId, view, hash) {
      await client.views.update({ view_id: viewId, view, ...(hash === undefined ? {} : { hash }) });
    },
    async publishHome(userId, view) {
      await client.views.publish({ user_id: userId, view });
    },
    async userEmail(userId) {
      const r = await client.users.info({ user: userId });
      return r.user?.profile?.email;
    },
    async userIdByEmail(email) {
      try {
        const r = await client.users.lookupByEmail({ email });
        return r.user?.id;
      } catch {
        // users_not_found: not everyone in Harness is in this Slack workspace.
        return undefined;
      }
    },
    async userName(userId) {
      const r = await client.users.info({ user: userId });
      return r.user?.real_name ?? r.user?.name;
    },
    findDelivered: (channel, deliveryKey, where) => findMarkedMessage(client, channel, deliveryKey, where),
    async userGroupMembers(groupId) {
      const r = await client.usergroups.users.list({ usergroup: groupId });
      return r.users ?? [];
    },
    async userGroupIdByHandle(handle) {
      const r = await client.usergroups.list({});
      return r.usergroups?.find((g) => g.handle === handle.replace(/^@/, ''))?.id;
    },
    async channelName(channelId) {
      try {
        const r = await client.conversations.info({ channel: channelId });
        return r.channel?.name;
      } catch (err) {
        logger.warn({ err: (err as Error).message, channelId }, 'conversations.info failed');
        return undefined;
      }
    },
  };
}
