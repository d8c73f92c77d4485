/**
 * Slack's mrkdwn as HTML (https://api.slack.com/reference/surfaces/formatting): *bold*, _italic_,
 * ~strike~, `code`, ```pre```, > quotes, <url|text> links, <@U…> and <#C…> mentions, <!date…>
 * and :emoji:. The text is HTML-escaped first, so nothing the bot sends becomes markup.
 */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  raised_hand: '✋',
  arrows_counterclockwise: '🔄',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  no_entry_sign: '🚫',
  no_entry: '⛔',
  warning: '⚠️',
  white_circle: '⚪',
  large_green_circle: '🟢',
  red_circle: '🔴',
  large_blue_circle: '🔵',
  grey_question: '❔',
  information_source: 'ℹ️',
  double_vertical_bar: '⏸️',
  rocket: '🚀',
  lock: '🔒',
  link: '🔗',
  wave: '👋',
  stopwatch: '⏱️',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  clipboard: '📋',
  gear: '⚙️',
  eyes: '👀',
  black_square_for_stop: '⏹️',
  arrow_right: '➡️',
  zap: '⚡',
  tada: '🎉',
  memo: '📝',
  key: '🔑',
};

export interface Names {
  user(id: string): string;
  channel(id: string): string;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Slack sends `&`, `<`, `>` escaped in mrkdwn; undo that once so they are escaped exactly once. */
function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function emoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

export function mrkdwnToHtml(source: string, names: Names): string {
  // Pull out the <…> tokens before escaping (they are Slack's markup, not HTML).
  const tokens: string[] = [];
  const keep = (html: string) => `\uE000${String(tokens.push(html) - 1)}\uE001`;
  let s = source.replace(/<([^<>\n]+)>/g, (_m, inner: string) => {
    const [target, label] = inner.split('|', 2) as [string, string | undefined];
    if (target.startsWith('@'))
      return keep(`<span class="mention">@${escapeHtml(names.user(target.slice(1)))}</span>`);
    if (target.startsWith('#'))
      return keep(`<span class="mention">#${escapeHtml(label ?? names.channel(target.slice(1)))}</span>`);
    if (target.startsWith('!date^')) return keep(escapeHtml(unescapeSlack(label ?? '')));
    if (target.startsWith('!')) return keep(`<span class="mention">@${escapeHtml(target.slice(1))}</span>`);
    if (/^(https?|mailto):/.test(target))
      return keep(
        `<a href="${escapeHtml(unescapeSlack(target))}" target="_blank" rel="noopener">${escapeHtml(unescapeSlack(label ?? target))}</a>`,
      );
    return keep(escapeHtml(`<${inner}>`));
  });
  s = escapeHtml(unescapeSlack(s));
  s = s.replace(/```([\s\S]*?)```/g, (_m, code: string) => keep(`<pre>${code}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => keep(`<code>${code}</code>`));
  s = s
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>')
    .replace(/^&gt; ?(.*)$/gm, '<blockquote>$1</blockquote>');
  s = emoji(s).replace(/\n/g, '<br>');
  // Tokens may hold tokens (a mention inside `code`): restore until none is left.
  for (let i = 0; i < 4 && s.includes('\uE000'); i++)
    s = s.replace(/\uE000(\d+)\uE001/g, (_m, n: string) => tokens[Number(n)] ?? '');
  return s;
}
