/**
 * `npm run bench`: many runs at once over the real bot (its own process), the Slack emulator
 * (enforcing Slack's rate limits) and the Harness simulator; and the bot's ack path against a bare
 * Bolt app answering the same command with the same modal. See README, Benchmarks.
 */
import { errorMessage } from '../src/errors.js';
import { parseBenchOptions } from './options.js';
import { runsRow } from './runs-bench.js';
import type { RunsRow } from './runs-bench.js';
import { ratio, sec, table } from './stats.js';

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
      r.started === r.runs ? String(r.runs) : `${String(r.started)} of ${String(r.runs)}`,
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
      String(r.resubmits),
      r.wallS.toFixed(0),
    ]),
  );
}

const BOUND_NOTE = (pace: number): string =>
  `bound: the least lag Slack's edit budget allows. Edits go out at most ${String(pace)} a minute ` +
  `(SLACK_EDITS_PER_MINUTE of the deployment, at most chat.update's Tier 3), one every ${(60 / pace).toFixed(2)} s; ` +
  `each message that comes to show a final state by an edit needs one, ready when its run ends: the k-th lands ` +
  `no earlier than max(its run's end, the (k-1)-th + ${(60 / pace).toFixed(2)} s), so with all runs ending at once the ` +
  `k-th final state shows ~(k-1) x ${(60 / pace).toFixed(2)} s after the burst. lag = Harness run end -> the channel ` +
  `shows the final state (emulator's messages, timed when Slack applied the edit).`;

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
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench failed: ${errorMessage(error)}\n`);
  process.exit(1);
}
