import type { KnownBlock } from '@slack/types';
import { statusEmoji, statusLabel } from './format.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn, oneLine, truncate } from './text.js';

/** One run as its channel's digest lists it. */
export interface DigestLine {
  runId: string;
  workflowTitle: string;
  requesterId: string;
  /** Harness's status (or the bot's own `starting` / `not_started`) and its bucket. */
  status: string;
  bucket: string;
  /** The run in Harness, once known. */
  executionUrl: string | undefined;
  terminal: boolean;
}

/** Blocks kept for the head and the tail of the digest; the rest hold the runs. */
const RUN_SECTIONS = LIMITS.messageBlocks - 3;
/** Room left in a section for the "…and more" line is never needed: lines never split. */
const SECTION_TEXT = LIMITS.text - 10;

function lineOf(l: DigestLine): string {
  const title = escapeMrkdwn(truncate(oneLine(l.workflowTitle), 80));
  const named =
    l.executionUrl === undefined || l.executionUrl.length > 500
      ? `*${title}*`
      : `*<${l.executionUrl}|${title}>*`;
  return `${statusEmoji(l.bucket, l.status)} ${named} · ${statusLabel(l.status)} · <@${l.requesterId}>`;
}

/** The heading sentence: how many runs, how many still going. */
export function digestHeadline(active: number, total: number): string {
  if (active === 0)
    return total === 1
      ? 'The run in this channel is over; its card shows its end.'
      : `${String(total)} runs in this channel are over; each card shows its end.`;
  return `${String(active)} of ${String(total)} runs in this channel still going`;
}

/**
 * The channel's digest: when many runs go at once in one channel, one message lists them all,
 * so one edit (chat.update, Tier 3) shows many runs' changes. Runs still going first, then the
 * ones that ended, in the order they were asked for. Each run's own card and thread stay in
 * the channel (the thread tells its story); the cards catch up with their runs' ends when the
 * burst is over. At most 50 blocks, each section under 3,000 characters
 * (https://api.slack.com/reference/block-kit/blocks): runs that do not fit are counted.
 */
export function buildDigestCard(lines: readonly DigestLine[]): { text: string; blocks: KnownBlock[] } {
  const going = lines.filter((l) => !l.terminal);
  const ended = lines.filter((l) => l.terminal);
  const headline = digestHeadline(going.length, lines.length);
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'digest_head', text: mrkdwn(`*${headline}*`, LIMITS.text) },
  ];
  let section: string[] = [];
  let size = 0;
  let left = 0;
  const close = () => {
    if (section.length === 0) return;
    blocks.push({
      type: 'section',
      block_id: `digest_runs_${String(blocks.length)}`,
      text: mrkdwn(section.join('\n'), LIMITS.text),
    });
    section = [];
    size = 0;
  };
  for (const l of [...going, ...ended]) {
    const text = lineOf(l);
    if (size + text.length + 1 > SECTION_TEXT) close();
    if (blocks.length - 1 >= RUN_SECTIONS) {
      left++;
      continue;
    }
    section.push(text);
    size += text.length + 1;
  }
  close();
  const tail =
    left > 0
      ? `…and ${String(left)} more. Each run's own card and thread follow it.`
      : "Each run's own card and thread follow it; the cards catch up once these runs are over.";
  blocks.push({ type: 'context', block_id: 'digest_tail', elements: [mrkdwn(tail, LIMITS.text)] });
  return { text: headline, blocks };
}
