import { statusLabel } from '../blocks/format.js';
import type { EmulatedMessage } from '../src/sandbox/slack/state.js';
import { textsOf } from './slack-clock.js';

/** Harness ids (executions, approvals) are 22 url-safe characters, standing alone in text, URLs and button values. */
const HARNESS_ID = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g;

/** What the watch reads of the Harness simulator (its `SimEngine`): runs by execution id, approvals by id. */
export interface HarnessRecord {
  executions: ReadonlyMap<string, { status: string; endTs: number | undefined }>;
  approvals: ReadonlyMap<string, unknown>;
}

export interface FinalSeen {
  at: number;
  /** The message that shows it (a run's own card, or a card that shows several runs). */
  ts: string;
  /** Shown by an edit (chat.update), or already final when posted. */
  byEdit: boolean;
}

/**
 * Watches what the channel shows, from the emulator's messages as they are posted and edited, and
 * the Harness simulator's record of each run: when each run's final state first shows in a
 * top-level message, and when each approval's card with its approvers' mentions first shows.
 *
 * A run's final state shows when a message naming its execution id says the status Harness ended
 * with (blocks/format.ts `statusLabel`, the words every card uses): in its fallback text when the
 * message names that one run (a run card, whose step lines say "Succeeded" for each step), or on
 * the same line as the id when the message names several runs (a digest of a channel's runs).
 */
export class RunWatch {
  readonly finals = new Map<string, FinalSeen>();
  readonly approvalCards = new Map<string, number>();

  constructor(
    private readonly engine: HarnessRecord,
    /** Slack users who approve (mentioned on an approval card); none of them requests a run here. */
    private readonly approverMentions: string[],
  ) {}

  seen(message: EmulatedMessage, at: number, byEdit: boolean): void {
    const all = textsOf(message);
    const raw = `${all.join('\n')}\n${JSON.stringify(message.blocks)}`;
    const ids = new Set(raw.match(HARNESS_ID) ?? []);
    if (ids.size === 0) return;
    const mentions = this.approverMentions.some((u) => raw.includes(`<@${u}>`));
    for (const id of ids) {
      const approval = this.engine.approvals.get(id);
      if (approval !== undefined && mentions && !this.approvalCards.has(id)) this.approvalCards.set(id, at);
    }
    const topLevel = message.threadTs === undefined || message.broadcast === true;
    if (!topLevel) return;
    const runs = [...ids].filter((id) => this.engine.executions.has(id));
    for (const id of runs) {
      if (this.finals.has(id)) continue;
      const e = this.engine.executions.get(id);
      if (e?.endTs === undefined) continue;
      const label = statusLabel(e.status);
      const shows =
        runs.length === 1
          ? message.text.includes(label)
          : all.some((t) => t.split('\n').some((line) => line.includes(id) && line.includes(label)));
      if (shows) this.finals.set(id, { at, ts: message.ts, byEdit });
    }
  }
}

/**
 * The least lag Slack's edit budget allows each run's final state: edits go out at most one per
 * `60 / editsPerMinute` s. Each message that came to show final states by an edit is one edit
 * needed (a run card: one per run; a card showing several runs: one for all of them, at best),
 * ready once the first of its runs ended. In order of readiness, the k-th edit lands no earlier
 * than its readiness and one gap after the (k-1)-th: v_k = max(ready_k, v_(k-1) + gap). A run's
 * bound is v of its message minus its end (0 for a message posted already final). With every run
 * ending at once, the k-th final state shows no earlier than (k-1) × 60 / editsPerMinute s after.
 */
export function boundLags(
  runs: { id: string; end: number; seen: FinalSeen | undefined }[],
  editsPerMinute: number,
): Map<string, number> {
  const gapMs = 60_000 / editsPerMinute;
  const byMessage = new Map<string, { ready: number; runs: typeof runs }>();
  const out = new Map<string, number>();
  for (const r of runs) {
    if (r.seen?.byEdit !== true) {
      out.set(r.id, 0);
      continue;
    }
    const m = byMessage.get(r.seen.ts) ?? { ready: r.end, runs: [] };
    m.ready = Math.min(m.ready, r.end);
    m.runs.push(r);
    byMessage.set(r.seen.ts, m);
  }
  let last = -Infinity;
  for (const m of [...byMessage.values()].sort((a, b) => a.ready - b.ready)) {
    const v = Math.max(m.ready, last + gapMs);
    last = v;
    for (const r of m.runs) out.set(r.id, Math.max(0, v - r.end));
  }
  return out;
}
