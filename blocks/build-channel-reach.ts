import type { KnownBlock } from '@slack/types';
import { FOLLOW_IN_DM_ACTION_ID } from './ids.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn, plain } from './text.js';

export interface CannotPostInput {
  workflowTitle: string;
  /** The slash command as typed (`/scale`), to say what to run again. */
  command: string;
  botUserId: string | undefined;
  /** A 1:1 DM: nobody can invite the bot there. */
  directMessage: boolean;
  /** The button's value (what to open in the DM); absent when the workflow may only run from set channels. */
  followInDmValue: string | undefined;
}

/**
 * Said through the command's response_url (which works in any conversation) when the bot could
 * not post the run's status card where the command was typed: what to do instead.
 */
export function buildCannotPostHere(c: CannotPostInput): { text: string; blocks: KnownBlock[] } {
  const bot = c.botUserId === undefined ? 'the bot' : `<@${c.botUserId}>`;
  const ways = [
    ...(c.directMessage
      ? []
      : [`invite ${bot} here with \`/invite ${bot}\` and run \`${escapeMrkdwn(c.command)}\` again`]),
    `run \`${escapeMrkdwn(c.command)}\` from a channel where the bot is, or from your DM with ${bot}`,
    ...(c.followInDmValue === undefined ? [] : ['or follow the run in a DM with you (button below)']),
  ];
  const text = `The bot cannot post in this conversation, so the status card of ${c.workflowTitle} would have nowhere to go. To run it: ${ways.join('; ')}.`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'cannot_post_here',
      text: mrkdwn(
        `:no_entry_sign: The bot cannot post in this conversation, so the status card of *${escapeMrkdwn(c.workflowTitle)}* would have nowhere to go. To run it:\n${ways.map((w) => `• ${w}`).join('\n')}`,
        LIMITS.text,
      ),
    },
  ];
  if (c.followInDmValue !== undefined)
    blocks.push({
      type: 'actions',
      block_id: 'follow_in_dm',
      elements: [
        {
          type: 'button',
          action_id: FOLLOW_IN_DM_ACTION_ID,
          text: plain('Follow the run in a DM', LIMITS.buttonText),
          value: c.followInDmValue,
          style: 'primary',
        },
      ],
    });
  return { text, blocks };
}

/** What the "Follow the run in a DM" button carries: the workflow and the words typed after the command. */
export function followInDmValue(workflowId: string, text: string): string {
  return JSON.stringify({ w: workflowId, t: text.slice(0, 1500) });
}
