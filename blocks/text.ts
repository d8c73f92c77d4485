import type { MrkdwnElement, PlainTextElement } from '@slack/types';

/** Cuts to `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export function plain(text: string, max: number): PlainTextElement {
  // Slack rejects empty text objects.
  return { type: 'plain_text', text: truncate(text.trim() === '' ? '-' : text, max), emoji: true };
}

/**
 * Characters that change how the text around them reads without being seen: bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069, the "Trojan Source" characters), marks,
 * zero-width characters and the soft hyphen.
 */
const INVISIBLE = /[\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const LINE_BREAK = /[ \t]*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])[ \t]*/g;

/**
 * Slack's mrkdwn escaping: &, < and > only, & first (stops injected mentions and links), and
 * no invisible or direction-changing characters.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(INVISIBLE, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * After `escapeMrkdwn`: the bot's own `slackDate` tokens (`<!date^…|…>`, without the optional
 * link part) render again, so a date reads in each reader's time zone. Nothing else is restored.
 */
export function keepSlackDates(escaped: string): string {
  return escaped.replace(/&lt;(!date\^\d+\^[^^|&<>]*\|[^|&<>]*)&gt;/g, '<$1>');
}

/** Text someone else wrote, on one line: each line break shows as ⏎, invisible characters go. */
export function oneLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(LINE_BREAK, ' ⏎ ').replace(/\t/g, ' ').trim();
}

/**
 * A person's value in mrkdwn, visibly quoted so it cannot pass for the bot's own text: one
 * line, in a code span (inside which Slack renders no bold, italics, emoji codes, links or
 * mentions), backticks swapped for a look-alike so the span cannot be closed early.
 */
export function quoteValue(text: string, max: number): string {
  return escapeMrkdwn(quotedText(text, max));
}

/** `quoteValue` before escaping, for builders that escape the whole text they are given. */
export function quotedText(text: string, max: number): string {
  const line = truncate(oneLine(text).replace(/`/g, 'ˋ'), max);
  return `\`${line === '' ? '-' : line}\``;
}

export function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text.trim() === '' ? '-' : text, max) };
}
