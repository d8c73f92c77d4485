import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

/**
 * Message metadata the bot attaches to every message it must post exactly once, so that after a
 * crash it can read the conversation back and see whether the post landed
 * (https://docs.slack.dev/messaging/message-metadata; read back with `include_all_metadata`,
 * https://api.slack.com/methods/conversations.replies#arg_include_all_metadata).
 */
export const DELIVERY_EVENT_TYPE = 'idp_chatops_delivery';

export interface DeliveryMarker {
  event_type: typeof DELIVERY_EVENT_TYPE;
  event_payload: { key: string };
}

export function deliveryMarker(key: string): DeliveryMarker {
  return { event_type: DELIVERY_EVENT_TYPE, event_payload: { key } };
}

const page = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z
          .object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() })
          .optional(),
      }),
    )
    .optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/** Pages read at most: a run's thread or a channel's last minutes hold far fewer messages. */
const MAX_PAGES = 10;

/** Runs one Web API call in its method's turn (the SlackScheduler's `call`). */
export type Pacer = <T>(method: string, channel: string | undefined, send: () => Promise<T>) => Promise<T>;

const unpaced: Pacer = (_method, _channel, send) => send();

/**
 * The ts of the message carrying `key` in a thread (`threadTs`) or a conversation since `since`
 * (ms), or undefined when it is not there. A user id stands for the app's DM with that user,
 * which has to be opened to learn its id (https://api.slack.com/methods/conversations.open).
 * Every call goes through `paced`, so read-backs keep under conversations.*'s tiers.
 */
export async function findMarkedMessage(
  client: WebClient,
  channel: string,
  key: string,
  where: { threadTs: string | undefined; since: number },
  paced: Pacer = unpaced,
): Promise<string | undefined> {
  let id = channel;
  if (/^[UW]/.test(channel)) {
    const opened = await paced('conversations.open', undefined, () =>
      client.conversations.open({ users: channel }),
    );
    id = opened.channel?.id ?? channel;
  }
  const oldest = (Math.max(0, where.since - 60_000) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const common = {
      channel: id,
      include_all_metadata: true,
      limit: 200,
      oldest,
      ...(cursor === undefined ? {} : { cursor }),
    };
    const threadTs = where.threadTs;
    const raw =
      threadTs === undefined
        ? await paced('conversations.history', id, () => client.conversations.history(common))
        : await paced('conversations.replies', id, () =>
            client.conversations.replies({ ...common, ts: threadTs }),
          );
    const r = page.parse(raw);
    const hit = r.messages?.find(
      (m) => m.metadata?.event_type === DELIVERY_EVENT_TYPE && m.metadata.event_payload?.key === key,
    );
    if (hit !== undefined) return hit.ts;
    cursor = r.response_metadata?.next_cursor;
    if (cursor === undefined || cursor === '') return undefined;
  }
  return undefined;
}
