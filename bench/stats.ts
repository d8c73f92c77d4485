/** Nearest-rank percentile (NaN for no samples). */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Seconds with one decimal, from milliseconds. */
export function sec(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '–';
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return '–';
  if (b === 0) return a === 0 ? '1.00' : '∞';
  return (a / b).toFixed(2);
}

/** A plain-text table: header, rule, rows; columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `a / b / c` of the 50th, 95th and 99th percentiles. */
export function p3(xs: readonly number[], f: (n: number) => string): string {
  return [50, 95, 99].map((p) => f(pct(xs, p))).join(' / ');
}
