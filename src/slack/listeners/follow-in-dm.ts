import type { App } from '@slack/bolt';
import { z } from 'zod';
import { buildPrivateNote } from '../../../blocks/build-run-messages.js';
import { FOLLOW_IN_DM_ACTION_ID } from '../../../blocks/ids.js';
import type { BotDeps } from '../deps.js';
import type { OpenRequest } from './commands.js';
import { openWorkflowInDm } from './open-in-dm.js';
import { STALE_DM_BUTTON } from '../../../blocks/messages.js';

const FollowValue = z.object({ w: z.string(), t: z.string() });

function parseValue(raw: string | undefined): z.infer<typeof FollowValue> | undefined {
  try {
    const r = FollowValue.safeParse(JSON.parse(raw ?? ''));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * "Follow the run in a DM": the command was typed where the bot cannot post, so the form opens
 * with the person's own DM with the app as the run's home (status card, thread, approvals).
 */
export function registerFollowInDm(app: App, deps: BotDeps): void {
  app.action(FOLLOW_IN_DM_ACTION_ID, async ({ ack, body, action, respond, context }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const value = parseValue(action.value);
    const binding = value === undefined ? undefined : deps.catalogue.bindings.get(value.w);
    if (value === undefined || binding === undefined || binding.access.channels.length > 0) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildPrivateNote(STALE_DM_BUTTON),
      });
      return;
    }
    const answer: OpenRequest['respond'] = (m) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...m });
    await openWorkflowInDm(deps, body, context.botUserId, answer, { id: value.w, binding, text: value.t });
  });
}
