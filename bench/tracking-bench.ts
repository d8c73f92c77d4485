/**
 * `npm run bench`: many people running workflows at once, over the real bot, the Slack emulator
 * (enforcing Slack's per-method rate tiers) and the Harness simulator. Measures what users
 * judge the bot on: Slack's 3-second rule, how fast cards follow Harness, and how much of
 * Harness's and Slack's rate limits the bot uses. Acks and modal opens are measured over HTTP
 * and, with the same load, over Socket Mode.
 */
import { loadCatalogue } from '../src/catalogue/load-catalogue.js';
import type { Catalogue } from '../src/catalogue/load-catalogue.js';
import { createHarnessClient } from '../src/harness/client.js';
import { runScales, startBenchStack, until } from './bench-stack.js';
import type { InteractiveTimes } from './bench-stack.js';

const RUNS = Number(process.argv[2] ?? 20);
const SPEED = 20;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** `p50 / p95` over HTTP, then over Socket Mode. */
function both(http: number[], socket: number[]): string {
  const one = (xs: number[]) => `${String(pct(xs, 50))} / ${String(pct(xs, 95))}`.padEnd(12);
  return `${one(http)}   ${one(socket)}`;
}

/** The same people and commands with Slack's payloads over Socket Mode: what the acks cost there. */
async function overSocketMode(catalogue: Catalogue, runs: number): Promise<InteractiveTimes> {
  const stack = await startBenchStack(catalogue, 'socket', SPEED);
  try {
    return await runScales(stack.slack, runs);
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const r = await loadCatalogue('manifests');
  if (r.catalogue === undefined) throw new Error('catalogue');
  // A few unmeasured runs first, so neither transport pays for the first compilation of the code.
  await overSocketMode(r.catalogue, 4);
  const stack = await startBenchStack(r.catalogue, 'http', SPEED);
  const { sim, slack, bot } = stack;
  const started = Date.now();
  const http = await runScales(slack, RUNS);
  // Approve every run in Harness, then measure how long cards take to show the end.
  const bob = createHarnessClient({ baseUrl: sim.url, apiKey: 'sim-key-bob', accountId: 'idp_sandbox' });
  await until(() =>
    [...sim.engine.approvals.values()].filter((a) => a.status === 'WAITING').length === RUNS - http.noModal
      ? true
      : undefined,
  );
  for (const a of sim.engine.approvals.values()) await bob.decideApproval(a.id, { action: 'APPROVE' });
  await until(() =>
    [...sim.engine.executions.values()].every((e) => e.endTs !== undefined) ? true : undefined,
  );
  const lag: number[] = [];
  for (const e of sim.engine.executions.values()) {
    const run = await bot.deps.store.runs.findByExecution(e.id);
    await until(async () =>
      (await bot.deps.store.runs.get(run?.id ?? ''))?.finishedAt !== undefined ? true : undefined,
    );
    lag.push(Math.max(0, ((await bot.deps.store.runs.get(run?.id ?? ''))?.finishedAt ?? 0) - (e.endTs ?? 0)));
  }
  await bot.deps.tracker.stop();
  const minutes = (Date.now() - started) / 60_000;
  const wall = (Date.now() - started) / 1000;
  await stack.stop();
  const socket = await overSocketMode(r.catalogue, RUNS);
  const updates = slack.calls.filter((c) => c.method === 'chat.update');
  const rows: [string, string][] = [
    ['runs', String(RUNS)],
    ['p50 / p95 (ms)', `${'HTTP'.padEnd(12)}   Socket Mode`],
    ['slash command ack (Slack allows 3000)', both(http.commandAck, socket.commandAck)],
    ['modal open after command (trigger_id lives 3000)', both(http.modalOpen, socket.modalOpen)],
    ['submit ack (Slack allows 3000)', both(http.submitAck, socket.submitAck)],
    ['submit → card in channel', both(http.cardPosted, socket.cardPosted)],
    ['modals that did not open', `${String(http.noModal).padEnd(12)}   ${String(socket.noModal)}`],
    ['Harness end → card end p50 / p95 (ms)', `${String(pct(lag, 50))} / ${String(pct(lag, 95))}`],
    ['Harness requests per minute (budget 600, Harness limit 1000)', (sim.requests / minutes).toFixed(0)],
    ['chat.update per minute (Slack tier 3: ~50)', (updates.length / minutes).toFixed(0)],
    ['Slack 429 answers', String(slack.calls.filter((c) => c.status === 429).length)],
    ['wall time of the HTTP run (s)', wall.toFixed(1)],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(66)} ${v}\n`);
}

await main();
