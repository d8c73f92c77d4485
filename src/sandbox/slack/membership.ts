import type { EmulatedChannel, EmulatedUser } from './state.js';

/**
 * Where the bot may read and post, as Slack decides it.
 * - A conversation the bot cannot see (private channel, DM or group DM it is not in) does not exist
 *   for it: every method answers `channel_not_found`
 *   (https://api.slack.com/methods/chat.postMessage#errors, https://api.slack.com/methods/conversations.info#errors).
 * - Public channels: posting without being a member needs `chat:write.public`
 *   (https://api.slack.com/scopes/chat:write.public), else `not_in_channel`.
 * - Archived conversations answer `is_archived`.
 * - chat.postEphemeral also needs the person in the conversation: `user_not_in_channel`
 *   (https://api.slack.com/methods/chat.postEphemeral#errors).
 */
export interface ChannelAccess {
  channels: Map<string, EmulatedChannel>;
  users: EmulatedUser[];
  botUserId: string;
  scopes: ReadonlySet<string>;
}

/** A channel id or `#name`, or a user id (the app's DM with that person, opened on first use). */
export function resolveChannel(ws: ChannelAccess, id: string | undefined): EmulatedChannel | undefined {
  if (id === undefined) return undefined;
  const existing =
    ws.channels.get(id) ?? [...ws.channels.values()].find((c) => c.name === id.replace(/^#/, ''));
  if (existing !== undefined) return existing;
  const user = ws.users.find((u) => u.id === id || `D${u.id.slice(1)}` === id);
  if (user === undefined) return undefined;
  const open = ws.channels.get(`D${user.id.slice(1)}`);
  if (open !== undefined) return open;
  const dm: EmulatedChannel = {
    id: `D${user.id.slice(1)}`,
    name: `dm-${user.name}`,
    kind: 'im',
    members: [user.id, ws.botUserId],
    archived: false,
    messages: [],
  };
  ws.channels.set(dm.id, dm);
  return dm;
}

/** The conversation as the bot sees it, or undefined when Slack would say `channel_not_found`. */
export function visibleChannel(ws: ChannelAccess, id: string | undefined): EmulatedChannel | undefined {
  const c = resolveChannel(ws, id);
  if (c === undefined) return undefined;
  return c.kind === 'public' || c.members.includes(ws.botUserId) ? c : undefined;
}

/** Why the bot may not post in `id` (a Slack error code), or the channel when it may. */
export function postableChannel(
  ws: ChannelAccess,
  id: string | undefined,
): { channel: EmulatedChannel } | { error: string } {
  const c = visibleChannel(ws, id);
  if (c === undefined) return { error: 'channel_not_found' };
  if (c.archived) return { error: 'is_archived' };
  if (!c.members.includes(ws.botUserId) && !ws.scopes.has('chat:write.public'))
    return { error: 'not_in_channel' };
  return { channel: c };
}

const HISTORY_SCOPE: Record<EmulatedChannel['kind'], string> = {
  public: 'channels:history',
  private: 'groups:history',
  im: 'im:history',
  mpim: 'mpim:history',
};

/**
 * Whether the bot may read `id`'s messages (conversations.history / replies): it must see the
 * conversation (else `channel_not_found`), be in it, even a public one (`not_in_channel`; posting
 * through chat:write.public does not make it a reader), and hold the kind's `*:history` scope
 * (`missing_scope`) (https://api.slack.com/methods/conversations.history#errors). Archived
 * conversations stay readable.
 */
export function readableChannel(
  ws: ChannelAccess,
  id: string | undefined,
): { channel: EmulatedChannel } | { error: string } {
  const c = visibleChannel(ws, id);
  if (c === undefined) return { error: 'channel_not_found' };
  if (!ws.scopes.has(HISTORY_SCOPE[c.kind])) return { error: 'missing_scope' };
  if (!c.members.includes(ws.botUserId)) return { error: 'not_in_channel' };
  return { channel: c };
}

/** conversations.info's `channel` object. */
export function channelJson(ws: ChannelAccess, c: EmulatedChannel): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    is_channel: c.kind === 'public' || c.kind === 'private',
    is_group: false,
    is_im: c.kind === 'im',
    is_mpim: c.kind === 'mpim',
    is_private: c.kind !== 'public',
    is_archived: c.archived,
    is_member: c.members.includes(ws.botUserId),
    ...(c.kind === 'im' ? { user: c.members.find((m) => m !== ws.botUserId) } : {}),
  };
}
