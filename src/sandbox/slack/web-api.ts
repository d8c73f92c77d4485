import { checkMessageBlocks, checkModalView } from '../../../blocks/limits.js';
import { preserveInput } from './form-state.js';
import { publishHomeView } from './home-tab.js';
import type { PublishedHome } from './home-tab.js';
import { conversationsMethod, parseMetadata } from './conversations-api.js';
import { channelJson, postableChannel, visibleChannel } from './membership.js';
import type { EmulatedChannel, EmulatedUser, EmulatedView, Ephemeral } from './state.js';

/** A Web API answer: HTTP 200 with `ok`, or a 429 with Retry-After. */
export type ApiReply = { status: 200; body: Record<string, unknown> } | { status: 429; retryAfter: number };

export interface WorkspaceState {
  users: EmulatedUser[];
  userGroups: { id: string; handle: string; users: string[] }[];
  channels: Map<string, EmulatedChannel>;
  views: Map<string, EmulatedView>;
  ephemerals: Ephemeral[];
  homeViews: Map<string, Record<string, unknown>>;
  /** Each person's published Home with its id and hash (`home-tab.ts`). */
  homes: Map<string, PublishedHome>;
  triggers: Map<string, { createdAt: number; used: boolean; userId: string }>;
  botUserId: string;
  /** The bot token's scopes (slack-app.yaml's by default). */
  scopes: ReadonlySet<string>;
  triggerTtlMs: number;
  nextTs(): string;
  nextId(prefix: string): string;
}

const fail = (error: string, extra: Record<string, unknown> = {}): ApiReply => ({
  status: 200,
  body: { ok: false, error, ...extra },
});
const ok = (body: Record<string, unknown> = {}): ApiReply => ({ status: 200, body: { ok: true, ...body } });

function parseJsonArg(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Answers the Web API methods the bot uses, in Slack's wire format and with Slack's checks. */
export function callMethod(ws: WorkspaceState, method: string, args: Record<string, unknown>): ApiReply {
  switch (method) {
    case 'auth.test':
      return ok({
        url: 'https://emulated.slack.test/',
        team: 'Emulated',
        user: 'idp-chatops',
        team_id: 'T0EMU',
        user_id: ws.botUserId,
        bot_id: 'B0BOT',
      });
    case 'chat.postMessage':
      return postMessage(ws, args);
    case 'chat.update':
      return updateMessage(ws, args);
    case 'chat.delete':
      return deleteMessage(ws, args);
    case 'chat.postEphemeral': {
      const target = postableChannel(ws, str(args.channel));
      const user = str(args.user);
      if ('error' in target) return fail(target.error);
      const channel = target.channel;
      if (user === undefined || !ws.users.some((u) => u.id === user)) return fail('user_not_found');
      if (!channel.members.includes(user)) return fail('user_not_in_channel');
      const blocks = (parseJsonArg(args.blocks) as unknown[] | undefined) ?? [];
      const problems = checkMessageBlocks(blocks);
      if (problems.length > 0) return fail('invalid_blocks', { response_metadata: { messages: problems } });
      ws.ephemerals.push({
        channel: channel.id,
        user,
        text: str(args.text) ?? '',
        blocks,
        threadTs: str(args.thread_ts),
      });
      return ok({ message_ts: ws.nextTs() });
    }
    case 'views.open':
    case 'views.push':
      return openView(ws, method, args);
    case 'views.update':
      return updateView(ws, args);
    case 'views.publish': {
      const reply = publishHomeView(
        ws.homes,
        (id) => ws.users.some((u) => u.id === id),
        (prefix) => ws.nextId(prefix),
        args,
      );
      const user = str(args.user_id);
      const published = user === undefined ? undefined : ws.homes.get(user);
      if (reply.body.ok === true && user !== undefined && published !== undefined)
        ws.homeViews.set(user, published.view);
      return reply;
    }
    case 'users.info': {
      const u = ws.users.find((x) => x.id === args.user);
      return u === undefined ? fail('user_not_found') : ok({ user: userJson(u) });
    }
    case 'users.lookupByEmail': {
      const email = str(args.email)?.toLowerCase();
      const u = ws.users.find((x) => x.email.toLowerCase() === email);
      return u === undefined ? fail('users_not_found') : ok({ user: userJson(u) });
    }
    case 'usergroups.list':
      return ok({
        usergroups: ws.userGroups.map((g) => ({
          id: g.id,
          handle: g.handle,
          name: g.handle,
          user_count: g.users.length,
        })),
      });
    case 'usergroups.users.list': {
      const g = ws.userGroups.find((x) => x.id === args.usergroup);
      return g === undefined ? fail('no_such_subteam') : ok({ users: g.users });
    }
    case 'conversations.info': {
      const c = visibleChannel(ws, str(args.channel));
      return c === undefined ? fail('channel_not_found') : ok({ channel: channelJson(ws, c) });
    }
    default:
      return conversationsMethod(ws, method, args) ?? fail('unknown_method');
  }
}

function userJson(u: EmulatedUser): Record<string, unknown> {
  return {
    id: u.id,
    team_id: 'T0EMU',
    name: u.name,
    real_name: u.realName,
    tz: u.tz,
    is_bot: false,
    deleted: false,
    profile: { email: u.email, real_name: u.realName, display_name: u.name },
  };
}

function postMessage(ws: WorkspaceState, args: Record<string, unknown>): ApiReply {
  const target = postableChannel(ws, str(args.channel));
  if ('error' in target) return fail(target.error);
  const channel = target.channel;
  const text = str(args.text) ?? '';
  const blocks = (parseJsonArg(args.blocks) as unknown[] | undefined) ?? [];
  if (text === '' && blocks.length === 0) return fail('no_text');
  const problems = checkMessageBlocks(blocks);
  if (problems.length > 0) return fail('invalid_blocks', { response_metadata: { messages: problems } });
  const threadTs = str(args.thread_ts);
  if (threadTs !== undefined && !channel.messages.some((m) => m.ts === threadTs))
    return fail('thread_not_found');
  const metadata = parseMetadata(args.metadata);
  if (metadata === 'invalid') return fail('invalid_metadata_format');
  const ts = ws.nextTs();
  const broadcast =
    threadTs !== undefined && (args.reply_broadcast === true || args.reply_broadcast === 'true');
  channel.messages.push({
    ts,
    threadTs,
    user: ws.botUserId,
    text,
    blocks,
    history: [{ text, blocks }],
    ...(broadcast ? { broadcast } : {}),
    ...(metadata === undefined ? {} : { metadata }),
  });
  return ok({
    channel: channel.id,
    ts,
    message: {
      type: 'message',
      user: ws.botUserId,
      text,
      blocks,
      ts,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    },
  });
}

/** The bot's own message, live (not deleted), in a conversation it may post in. */
function ownMessage(
  ws: WorkspaceState,
  args: Record<string, unknown>,
): { channel: EmulatedChannel; message: EmulatedChannel['messages'][number] } | ApiReply {
  const target = postableChannel(ws, str(args.channel));
  if ('error' in target) return fail(target.error);
  const message = target.channel.messages.find((m) => m.ts === args.ts && m.deleted !== true);
  if (message === undefined) return fail('message_not_found');
  return { channel: target.channel, message };
}

/**
 * A deleted message with replies stays as a "This message was deleted." tombstone holding its
 * thread; without replies it is gone (https://api.slack.com/methods/chat.delete). Either way a
 * later chat.update answers `message_not_found`. Only the bot's own messages: `cant_delete_message`.
 */
function deleteMessage(ws: WorkspaceState, args: Record<string, unknown>): ApiReply {
  const found = ownMessage(ws, args);
  if ('status' in found) return found;
  if (found.message.user !== ws.botUserId) return fail('cant_delete_message');
  removeMessage(found.channel, found.message.ts);
  return ok({ channel: found.channel.id, ts: found.message.ts });
}

export function removeMessage(channel: EmulatedChannel, ts: string): void {
  const hasReplies = channel.messages.some((m) => m.threadTs === ts);
  const i = channel.messages.findIndex((m) => m.ts === ts);
  const m = channel.messages[i];
  if (m === undefined) return;
  if (hasReplies) {
    m.deleted = true;
    m.text = 'This message was deleted.';
    m.blocks = [];
  } else channel.messages.splice(i, 1);
}

function updateMessage(ws: WorkspaceState, args: Record<string, unknown>): ApiReply {
  const found = ownMessage(ws, args);
  if ('status' in found) return found;
  const { channel, message } = found;
  if (message.user !== ws.botUserId) return fail('cant_update_message');
  const blocks = (parseJsonArg(args.blocks) as unknown[] | undefined) ?? message.blocks;
  const problems = checkMessageBlocks(blocks);
  if (problems.length > 0) return fail('invalid_blocks', { response_metadata: { messages: problems } });
  message.text = str(args.text) ?? message.text;
  message.blocks = blocks;
  message.history.push({ text: message.text, blocks });
  return ok({ channel: channel.id, ts: message.ts, text: message.text });
}

function openView(ws: WorkspaceState, method: string, args: Record<string, unknown>): ApiReply {
  const triggerId = str(args.trigger_id);
  const trigger = triggerId === undefined ? undefined : ws.triggers.get(triggerId);
  if (trigger === undefined) return fail('invalid_trigger_id');
  if (trigger.used) return fail('exchanged_trigger_id');
  // A trigger lives about 3 s from when Slack issued it with the command or click, however long
  // the app took to ack (https://api.slack.com/interactivity/handling#modal_responses).
  if (Date.now() - trigger.createdAt > ws.triggerTtlMs) return fail('expired_trigger_id');
  const view = parseJsonArg(args.view) as Record<string, unknown> | undefined;
  if (view === undefined) return fail('invalid_arguments');
  const problems = checkModalView(view);
  if (problems.length > 0) return fail('invalid_arguments', { response_metadata: { messages: problems } });
  let previous: EmulatedView | undefined;
  if (method === 'views.push') {
    previous = [...ws.views.values()].reverse().find((v) => v.userId === trigger.userId && !v.closed);
    const depth =
      previous === undefined
        ? 0
        : [...ws.views.values()].filter((v) => v.rootViewId === previous?.rootViewId && !v.closed).length;
    if (depth >= 3) return fail('push_limit_reached');
  }
  trigger.used = true;
  const id = ws.nextId('V');
  const stored: EmulatedView = {
    id,
    hash: ws.nextId('h'),
    userId: trigger.userId,
    rootViewId: previous?.rootViewId ?? id,
    previousViewId: previous?.id,
    view,
    input: {},
    closed: false,
  };
  ws.views.set(id, stored);
  return ok({ view: viewJson(stored) });
}

function updateView(ws: WorkspaceState, args: Record<string, unknown>): ApiReply {
  const v = ws.views.get(str(args.view_id) ?? '');
  if (v === undefined || v.closed) return fail('not_found');
  if (str(args.hash) !== undefined && args.hash !== v.hash) return fail('hash_conflict');
  const view = parseJsonArg(args.view) as Record<string, unknown> | undefined;
  if (view === undefined) return fail('invalid_arguments');
  const problems = checkModalView(view);
  if (problems.length > 0) return fail('invalid_arguments', { response_metadata: { messages: problems } });
  replaceView(ws, v, view);
  return ok({ view: viewJson(v) });
}

/** A view replaced by views.update or `response_action: update`: a new hash, entries kept by id. */
export function replaceView(ws: WorkspaceState, v: EmulatedView, view: Record<string, unknown>): void {
  v.input = preserveInput(v.input, view);
  v.view = view;
  v.hash = ws.nextId('h');
}

export function viewJson(v: EmulatedView, state: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...v.view,
    id: v.id,
    team_id: 'T0EMU',
    app_id: 'A0APP',
    bot_id: 'B0BOT',
    hash: v.hash,
    root_view_id: v.rootViewId,
    previous_view_id: v.previousViewId ?? null,
    private_metadata: v.view.private_metadata ?? '',
    callback_id: v.view.callback_id ?? '',
    state: { values: state },
  };
}
