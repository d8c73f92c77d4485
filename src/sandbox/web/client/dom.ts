/** Small DOM helpers shared by the Block Kit renderer and its input elements. */
import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { emoji, escapeHtml, mrkdwnToHtml } from './mrkdwn.js';
import type { Names } from './mrkdwn.js';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  html?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined) e.className = className;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

export function textHtml(t: PlainTextElement | MrkdwnElement | undefined, names: Names): string {
  if (t === undefined) return '';
  if (t.type === 'mrkdwn') return mrkdwnToHtml(t.text, names);
  return (t.emoji === false ? escapeHtml(t.text) : emoji(escapeHtml(t.text))).replace(/\n/g, '<br>');
}
