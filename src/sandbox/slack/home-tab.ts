import { checkHomeView } from '../../../blocks/limits.js';
import type { SlackEmulator } from './emulator.js';
import type { BotReply } from './delivery.js';

/** What the emulator keeps of a person's published Home. */
export interface PublishedHome {
  id: string;
  hash: string;
  view: Record<string, unknown>;
}

type Reply = { status: 200; body: Record<string, unknown> };

/**
 * views.publish as Slack answers it (https://api.slack.com/methods/views.publish): the view
 * must be a valid `home` view (its blocks checked like a modal's, up to 100), for a user of the
 * workspace (anyone else: invalid_arguments, the stricter reading), and a `hash` given must be
 * the current one (hash_conflict). Each publish gets a new hash; the view id stays per person.
 */
export function publishHomeView(
  homes: Map<string, PublishedHome>,
  knownUser: (id: string) => boolean,
  nextId: (prefix: string) => string,
  args: { user_id?: unknown; view?: unknown; hash?: unknown },
): Reply {
  const fail = (error: string, extra: Record<string, unknown> = {}): Reply => ({
    status: 200,
    body: { ok: false, error, ...extra },
  });
  const user = typeof args.user_id === 'string' ? args.user_id : undefined;
  let view: unknown = args.view;
  if (typeof view === 'string')
    try {
      view = JSON.parse(view);
    } catch {
      return fail('invalid_arguments');
    }
  if (user === undefined || !knownUser(user) || typeof view !== 'object' || view === null)
    return fail('invalid_arguments');
  const problems = checkHomeView(view);
  if (problems.length > 0) return fail('invalid_arguments', { response_metadata: { messages: problems } });
  const previous = homes.get(user);
  if (typeof args.hash === 'string' && args.hash !== '' && args.hash !== previous?.hash)
    return fail('hash_conflict');
  const published: PublishedHome = {
    id: previous?.id ?? nextId('V'),
    hash: nextId('h'),
    view: view as Record<string, unknown>,
  };
  homes.set(user, published);
  return {
    status: 200,
    body: {
      ok: true,
      view: { ...published.view, id: published.id, hash: published.hash, team_id: 'T0EMU', app_id: 'A0APP' },
    },
  };
}

/**
 * A click on a button of a person's Home as Slack sends it: block_actions from a `view`
 * container (no channel, no response_url), the view as last published, and a new trigger.
 */
export async function clickHomeButton(
  slack: SlackEmulator,
  user: string,
  actionId: string,
  value?: string,
): Promise<BotReply> {
  const home = slack.homes.get(user);
  if (home === undefined) throw new Error(`no Home published for ${user}`);
  const found = findButton(home.view.blocks, actionId, value);
  if (found === undefined)
    throw new Error(`no button ${actionId}${value === undefined ? '' : ` (${value})`} on ${user}'s Home`);
  const triggerId = slack.issueTrigger(user);
  return slack.sendPayload({
    type: 'block_actions',
    team: { id: 'T0EMU', domain: 'emulated' },
    user: { id: user, team_id: 'T0EMU' },
    api_app_id: 'A0APP',
    container: { type: 'view', view_id: home.id },
    trigger_id: triggerId,
    view: {
      ...home.view,
      id: home.id,
      hash: home.hash,
      team_id: 'T0EMU',
      app_id: 'A0APP',
      state: { values: {} },
    },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: found.blockId,
        value: found.element.value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  });
}

function findButton(
  blocks: unknown,
  actionId: string,
  value: string | undefined,
): { blockId: string; element: Record<string, unknown> } | undefined {
  for (const b of Array.isArray(blocks) ? (blocks as Record<string, unknown>[]) : []) {
    const elements = Array.isArray(b.elements)
      ? (b.elements as Record<string, unknown>[])
      : typeof b.accessory === 'object' && b.accessory !== null
        ? [b.accessory as Record<string, unknown>]
        : [];
    for (const e of elements)
      if (e.action_id === actionId && (value === undefined || e.value === value))
        return { blockId: typeof b.block_id === 'string' ? b.block_id : '', element: e };
  }
  return undefined;
}
