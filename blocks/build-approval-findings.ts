import type { KnownBlock } from '@slack/types';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn, oneLine, quoteValue, truncate } from './text.js';

/** What an approval card shows of the run before the approval (`src/runs/approval-findings.ts`). */
export interface ApprovalFindingsView {
  changes: readonly { label: string; from: string; to: string }[];
  steps: readonly {
    name: string;
    outputs: readonly { name: string; value: string; url?: string | undefined }[];
  }[];
  plan: boolean;
}

/** One value's share of the card: long outputs (a JSON plan) are cut, the rest is in Harness. */
const VALUE_MAX = 200;
/** Room kept in the section for the closing link. */
const LINK_ROOM = 400;

/** A link Slack renders as one: http(s), and nothing that would end or split the `<url|text>`. */
function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && url.length <= LIMITS.url && /^https?:\/\/[^\s<>|]+$/.test(url)
    ? url
    : undefined;
}

/**
 * "What the run found": current → target of what the run changes, then each earlier step's
 * outputs by name, each value quoted and cut, the whole inside one section's 3,000 characters;
 * what does not fit (or was cut) is in Harness, linked as the full plan when there is one.
 * Undefined when there is nothing to show.
 */
export function buildApprovalFindings(
  f: ApprovalFindingsView,
  harnessUrl: string | undefined,
): KnownBlock | undefined {
  if (f.changes.length === 0 && f.steps.length === 0) return undefined;
  const lines: string[] = ['*Before this approval, the run found*'];
  for (const c of f.changes)
    lines.push(`*${escapeMrkdwn(oneLine(c.label))}*: ${quoteValue(c.from, 40)} → ${quoteValue(c.to, 40)}`);
  let cut = false;
  const budget = LIMITS.text - LINK_ROOM;
  let used = lines.join('\n').length;
  outer: for (const step of f.steps) {
    const head = `*${escapeMrkdwn(truncate(oneLine(step.name), 100))}*`;
    const parts: string[] = [];
    for (const o of step.outputs) {
      const link = safeUrl(o.url);
      if (Array.from(o.value).length > VALUE_MAX) cut = true;
      const value =
        link === undefined
          ? quoteValue(o.value, VALUE_MAX)
          : `<${link}|${escapeMrkdwn(truncate(oneLine(o.value), 80))}>`;
      const part = `${escapeMrkdwn(truncate(oneLine(o.name), 80))} ${value}`;
      const line = `${head}: ${[...parts, part].join(' · ')}`;
      if (used + line.length + 1 > budget) {
        if (parts.length > 0) lines.push(`${head}: ${parts.join(' · ')}`);
        cut = true;
        break outer;
      }
      parts.push(part);
    }
    const line = `${head}: ${parts.join(' · ')}`;
    lines.push(line);
    used += line.length + 1;
  }
  const url = safeUrl(harnessUrl);
  if (url !== undefined && (f.plan || cut))
    lines.push(
      `<${url}|${f.plan ? 'Full plan in Harness' : 'Full output in Harness'}>${cut ? ' (some output was cut here)' : ''}`,
    );
  else if (cut) lines.push('_Some output was cut here; the rest is in Harness._');
  return { type: 'section', block_id: 'approval_findings', text: mrkdwn(lines.join('\n'), LIMITS.text) };
}
