import type { KnownBlock, ModalView } from '@slack/types';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, keepSlackDates, mrkdwn, plain } from './text.js';

export interface WorkflowListing {
  id: string;
  title: string;
  description: string;
  command: string | undefined;
  usageHint: string | undefined;
}

/** `/idp`: the workflows this person may run here, each with how to start it. */
export function buildWorkflowList(
  items: WorkflowListing[],
  hiddenCount: number,
): { text: string; blocks: KnownBlock[] } {
  const lines = items.map((w) => {
    const how =
      w.command === undefined
        ? `\`/idp run ${w.id}\``
        : `\`${w.command}${w.usageHint === undefined ? '' : ` ${escapeMrkdwn(w.usageHint)}`}\``;
    return `• *${escapeMrkdwn(w.title)}* — ${escapeMrkdwn(w.description)}\n    ${how}`;
  });
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'list',
      text: mrkdwn(
        items.length === 0
          ? 'There are no workflows you can run from this channel.'
          : `*Workflows you can run here*\n${lines.join('\n')}`,
        LIMITS.text,
      ),
    },
  ];
  const foot = ['`/idp help` explains the commands.'];
  if (hiddenCount > 0)
    foot.unshift(
      `${String(hiddenCount)} more workflow${hiddenCount === 1 ? ' is' : 's are'} limited to other people or channels.`,
    );
  blocks.push({ type: 'context', block_id: 'list_foot', elements: [mrkdwn(foot.join(' '), LIMITS.text)] });
  return { text: `${String(items.length)} workflows you can run here`, blocks };
}

export function buildHelp(hint?: string): { text: string; blocks: KnownBlock[] } {
  const body = [
    '*idp-chatops* runs your team’s Harness IDP workflows from Slack.',
    '• `/idp` lists the workflows you can run here.',
    '• `/idp run <workflow> [words]` opens any of them; words fill the first fields.',
    '• Each bound command (`/rollback`, `/scale`, …) opens its workflow directly; `/scale payments-api` fills the service.',
    '• Submitting starts the Harness pipeline: a card in the channel follows it, with each step, approvals and the result in its thread.',
  ].join('\n');
  const blocks: KnownBlock[] = [];
  if (hint !== undefined)
    blocks.push({
      type: 'section',
      block_id: 'hint',
      text: mrkdwn(`:information_source: ${escapeMrkdwn(hint)}`, LIMITS.text),
    });
  blocks.push({ type: 'section', block_id: 'help', text: mrkdwn(body, LIMITS.text) });
  return { text: 'How to use idp-chatops', blocks };
}

/** A modal that only says something (e.g. why a form cannot be submitted). */
export function buildNoticeModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    title: plain(title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: [
      { type: 'section', block_id: 'notice', text: mrkdwn(keepSlackDates(escapeMrkdwn(text)), LIMITS.text) },
    ],
  };
}
