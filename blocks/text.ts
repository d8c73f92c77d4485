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

/** Slack's mrkdwn escaping: &, < and > only, & first. Stops injected mentions and links. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text.trim() === '' ? '-' : text, max) };
}
