import type { HomeView, KnownBlock, ModalView } from '@slack/types';

/**
 * What the core needs from Slack. Implemented by `src/slack/slack-client.ts`; fakes of it drive
 * the core's unit tests. Messages always carry top-level `text` with their blocks (notifications
 * and screen readers use it).
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
  ): Promise<{ ts: string; channel: string }>;
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
  /** What the bot may do in a conversation (undefined: Slack says it does not exist for the bot). */
  channelInfo(channelId: string): Promise<ChannelInfo | undefined>;
  /**
   * Ends a Workflow Builder step (functions.completeSuccess with `outputs`, or
   * functions.completeError with `error`), called with the token Slack gave that execution, or
   * with the app's own bot token when `token` is undefined (bot tokens need no scope:
   * https://api.slack.com/methods/functions.completeSuccess).
   * `already_completed` when Slack says the execution is no longer running or gone (it was
   * completed before, e.g. by an earlier life of the bot whose answer was lost).
   */
  completeStep(
    functionExecutionId: string,
    token: string | undefined,
    outcome: { outputs: Record<string, string> } | { error: string },
  ): Promise<'completed' | 'already_completed'>;
}

export interface ChannelInfo {
  name: string | undefined;
  isPrivate: boolean;
  /** A DM or group DM, where the bot can only be a member if it was there from the start. */
  isDirect: boolean;
  isMember: boolean;
  isArchived: boolean;
}
