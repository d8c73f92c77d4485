import { readableChannel, resolveChannel } from './membership.js';
import type { EmulatedMessage, MessageMetadata } from './state.js';
import type { ApiReply, WorkspaceState } from './web-api.js';

const fail = (error: string): ApiReply => ({ status: 200, body: { ok: false, error } });
const ok = (body: Record<string, unknown>): ApiReply => ({ status: 200, body: { ok: true, ...body } });

/**
 * `metadata` of chat.postMessage: an object (JSON-encoded in form bodies) with a string
 * `event_type` and an object `event_payload`; anything else is `invalid_metadata_format`
 * (https://api.slack.com/methods/chat.postMessage#errors, https://docs.slack.dev/messaging/message-metadata).
 */
export function parseMetadata(raw: unknown): MessageMetadata | undefined | 'invalid' {
  if (raw === undefined || raw === '') return undefined;
  let v: unknown = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw);
    } catch {
      return 'invalid';
    }
  }
  if (typeof v !== 'object' || v === null) return 'invalid';
  const { event_type: type, event_payload: payload } = v as Record<string, unknown>;
  if (typeof type !== 'string' || type === '' || typeof payload !== 'object' || payload === null)
    return 'invalid';
  return { event_type: type, event_payload: payload as Record<string, unknown> };
}

/**
 * The reading side of conversations the bot uses to check what it already posted, with Slack's
 * membership rules (`readableChannel`): the bot reads only conversations it is in.
 */
export function conversationsMethod(
  ws: WorkspaceState,
  method: string,
  args: Record<string, unknown>,
): ApiReply | undefined {
  const channelArg = typeof args.channel === 'string' ? args.channel : undefined;
  switch (method) {
    case 'conversations.open': {
      // `users` opens (or finds) the app's DM with one person (https://api.slack.com/methods/conversations.open);
      // it needs im:write.
      if (!ws.scopes.has('im:write')) return fail('missing_scope');
      const users = typeof args.users === 'string' ? args.users.split(',') : [];
      if (users.length !== 1) return fail(users.length === 0 ? 'users_list_not_supplied' : 'not_supported');
      const user = ws.users.find((u) => u.id === users[0]);
      const dm = user === undefined ? undefined : resolveChannel(ws, user.id);
      return dm === undefined ? fail('user_not_found') : ok({ channel: { id: dm.id } });
    }
    case 'conversations.history': {
      const r = readableChannel(ws, channelArg);
      if ('error' in r) return fail(r.error);
      const c = r.channel;
      // Top-level messages (and replies broadcast to the channel), newest first
      // (https://api.slack.com/methods/conversations.history).
      const top = c.messages.filter((m) => m.threadTs === undefined || m.broadcast === true);
      return page(window(top, args).reverse(), args);
    }
    case 'conversations.replies': {
      const r = readableChannel(ws, channelArg);
      if ('error' in r) return fail(r.error);
      const c = r.channel;
      const parent = c.messages.find((m) => m.ts === args.ts);
      if (parent === undefined) return fail('thread_not_found');
      // The parent first, then its replies oldest first (https://api.slack.com/methods/conversations.replies).
      const replies = window(
        c.messages.filter((m) => m.threadTs === parent.ts),
        args,
      );
      return page([parent, ...replies], args);
    }
    default:
      return undefined;
  }
}

/** `oldest` / `latest` bounds, exclusive unless `inclusive` (Slack's timeline pagination). */
function window(messages: EmulatedMessage[], args: Record<string, unknown>): EmulatedMessage[] {
  const inclusive = args.inclusive === true || args.inclusive === 'true';
  const oldest = Number(args.oldest ?? 0);
  const latest = args.latest === undefined ? Infinity : Number(args.latest);
  return messages.filter((m) => {
    const t = Number(m.ts);
    return inclusive ? t >= oldest && t <= latest : t > oldest && t < latest;
  });
}

/** Cursor pages of `limit` (default 100; Slack caps history at 999 and replies at 1000). */
function page(messages: EmulatedMessage[], args: Record<string, unknown>): ApiReply {
  const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
  const start = typeof args.cursor === 'string' && args.cursor !== '' ? Number(args.cursor) : 0;
  const slice = messages.slice(start, start + limit);
  const more = start + limit < messages.length;
  const withMeta = args.include_all_metadata === true || args.include_all_metadata === 'true';
  return ok({
    messages: slice.map((m) => ({
      type: 'message',
      user: m.user,
      text: m.text,
      blocks: m.blocks,
      ts: m.ts,
      ...(m.threadTs === undefined ? {} : { thread_ts: m.threadTs }),
      // Metadata is returned only when asked for.
      ...(withMeta && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    })),
    has_more: more,
    response_metadata: { next_cursor: more ? String(start + limit) : '' },
  });
}
