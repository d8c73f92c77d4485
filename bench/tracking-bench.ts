/**
 * `npm run bench`: many runs at once over the real bot (its own process), the Slack emulator
 * (enforcing Slack's rate limits) and the Harness simulator; and the bot's ack path against a bare
 * Bolt app answering the same command with the same modal. See README, Benchmarks.
 */
import { errorMessage } from '../src/errors.js';
import { parseBenchOptions } from './options.js';
import { runsRow } from './runs-bench.js';
import type { RunsRow } from './runs-bench.js';
import { ackBench } from './ack-bench.js';
import type { AckResult } from './ack-bench.js';
import { p3, pct, ratio, sec, table } from './stats.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function runsTable(rows: RunsRow[]): string {
  const two = (a: number, b: number): string => `${sec(a)} / ${sec(b)}`;
  return table(
    [
      'runs',
      'replicas',
      'bound p50 / p95 (s)',
      'final-state lag p50 / p95 (s)',
      'lag ÷ bound p50 / p95',
      'approval card p50 / p95 (s)',
      'edits / run',
      'Harness req / run',
      '429s',
      'bot RSS peak (MiB)',
      'bot CPU %',
      'resubmits',
      'wall (s)',
    ],
    rows.map((r) => [
      r.started === r.runs
        ? String(r.runs)
        : `${String(r.started)} of ${String(r.runs)}${r.noModal === 0 ? '' : ` (${String(r.noModal)} modals did not open)`}`,
      String(r.replicas),
      two(r.boundP50, r.boundP95),
      two(r.lagP50, r.lagP95),
      `${ratio(r.lagP50, r.boundP50)} / ${ratio(r.lagP95, r.boundP95)}`,
      two(r.approvalP50, r.approvalP95),
      r.editsPerRun.toFixed(1),
      r.harnessPerRun.toFixed(1),
      r.limited === 0 ? '0' : `${String(r.limited)} (${r.limitedBy})`,
      r.rssMiB.map((x) => x.toFixed(0)).join(' + '),
      r.cpuPercent.map((x) => x.toFixed(0)).join(' + '),
      [
        String(r.resubmits),
        ...(r.lateAcks === 0 ? [] : [`${String(r.lateAcks)} unanswered in 3 s`]),
        ...(r.gaveUp === 0 ? [] : [`${String(r.gaveUp)} gave up`]),
      ].join(', '),
      r.wallS.toFixed(0),
    ]),
  );
}

function ackTable(r: AckResult): string {
  const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
  const rows: string[][] = [];
  for (const [i, c] of r.concurrency.entries()) {
    const bot = r.bot[i];
    const bare = r.bare[i];
    if (bot === undefined || bare === undefined) continue;
    for (const [name, a, b] of [
      ['ack', bot.ackMs, bare.ackMs],
      ['views.open', bot.openMs, bare.openMs],
    ] as const)
      rows.push([
        String(c),
        name,
        p3(a, ms),
        p3(b, ms),
        [50, 95, 99].map((p) => ratio(pct(a, p), pct(b, p))).join(' / '),
        name === 'ack' ? '' : `${String(bot.missed)} / ${String(bare.missed)}`,
      ]);
    rows.push([
      String(c),
      'throughput (commands/s, median round)',
      pct(bot.throughput, 50).toFixed(1),
      pct(bare.throughput, 50).toFixed(1),
      ratio(pct(bot.throughput, 50), pct(bare.throughput, 50)),
      '',
    ]);
  }
  return table(
    [
      'concurrency',
      'from the command (ms)',
      'bot p50 / p95 / p99',
      'bare Bolt p50 / p95 / p99',
      'bot ÷ bare',
      'modal not open in 3 s (bot / bare)',
    ],
    rows,
  );
}

const BOUND_NOTE = (pace: number): string =>
  `bound: the least lag Slack's edit budget allows. Edits go out at most ${String(pace)} a minute ` +
  `(SLACK_EDITS_PER_MINUTE of the deployment, at most chat.update's Tier 3), one every ${(60 / pace).toFixed(2)} s; ` +
  `each message that comes to show a final state by an edit needs one, ready when its run ends: the k-th lands ` +
  `no earlier than max(its run's end, the (k-1)-th + ${(60 / pace).toFixed(2)} s), so with all runs ending at once the ` +
  `k-th final state shows ~(k-1) x ${(60 / pace).toFixed(2)} s after the burst. lag = Harness run end -> the channel ` +
  `shows the final state (emulator's messages, timed when Slack applied the edit). Slack counts in a sliding minute, so ` +
  `up to ${String(pace)} edits may go at once after a quiet minute: with fewer runs than that, lag can beat this spaced bound.`;

async function main(): Promise<void> {
  const o = parseBenchOptions(process.argv.slice(2));
  if (!o.ackOnly) {
    const rows: RunsRow[] = [];
    for (const runs of o.runs) {
      log(`runs row: ${String(runs)}`);
      rows.push(
        await runsRow({
          runs,
          replicas: o.replicas,
          editsPerMinute: o.editsPerMinute,
          webhooks: o.webhooks,
          databaseUrl: o.databaseUrl,
          log,
        }),
      );
    }
    process.stdout.write(
      `\nMany runs at once (Socket Mode; all approved at once; webhooks ${o.webhooks ? 'on' : 'off'})\n`,
    );
    process.stdout.write(`${runsTable(rows)}\n`);
    process.stdout.write(`${BOUND_NOTE(rows[0]?.pace ?? o.editsPerMinute)}\n`);
  }
  if (!o.noAck) {
    for (const transport of o.ackTransports) {
      log(`ack comparison over ${transport}, ${String(o.rounds)} rounds`);
      const r = await ackBench(transport, o.rounds, log);
      process.stdout.write(
        `\nAck path: the bot vs a bare Bolt app, same /scale modal, same emulator, ${transport === 'http' ? 'HTTP' : 'Socket Mode'}, ${String(o.rounds)} alternating rounds\n`,
      );
      process.stdout.write(`${ackTable(r)}\n`);
    }
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench failed: ${errorMessage(error)}\n`);
  process.exit(1);
}
