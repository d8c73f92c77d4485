import { isRecord } from '../is-record.js';

/** Block Kit as terminal text: what a person would read in Slack, without the styling. */
export function renderBlocks(blocks: unknown, fallback = ''): string {
  const lines: string[] = [];
  for (const b of Array.isArray(blocks) ? blocks : []) {
    if (!isRecord(b)) continue;
    switch (b.type) {
      case 'section':
        if (isRecord(b.text)) lines.push(mrkdwnToText(String(b.text.text)));
        if (Array.isArray(b.fields))
          lines.push(
            b.fields
              .map((f) => (isRecord(f) ? mrkdwnToText(String(f.text)).replace('\n', ': ') : ''))
              .join(' | '),
          );
        break;
      case 'header':
        if (isRecord(b.text)) lines.push(String(b.text.text).toUpperCase());
        break;
      case 'context':
        lines.push(
          (Array.isArray(b.elements) ? b.elements : [])
            .map((e) => (isRecord(e) && typeof e.text === 'string' ? mrkdwnToText(e.text) : ''))
            .join(' '),
        );
        break;
      case 'actions':
        lines.push(
          (Array.isArray(b.elements) ? b.elements : [])
            .map((e) => (isRecord(e) && isRecord(e.text) ? `[${String(e.text.text)}]` : ''))
            .join(' '),
        );
        break;
      case 'divider':
        lines.push('----');
        break;
      default:
        break;
    }
  }
  return lines.length === 0 ? fallback : lines.join('\n');
}

const EMOJI: Record<string, string> = {
  white_check_mark: '✔',
  x: '✘',
  raised_hand: '✋',
  arrows_counterclockwise: '↻',
  hourglass_flowing_sand: '⧗',
  no_entry_sign: '⊘',
  no_entry: '⊘',
  warning: '⚠',
  white_circle: '○',
  grey_question: '?',
  information_source: 'ℹ',
  double_vertical_bar: '‖',
};

export function mrkdwnToText(text: string): string {
  return text
    .replace(/:([a-z_]+):/g, (m, name: string) => EMOJI[name] ?? m)
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<!date\^\d+\^[^|]*\|([^>]+)>/g, '$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
