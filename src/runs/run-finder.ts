import type { HarnessPort } from '../ports/harness.js';
import type { RunRecord } from '../ports/store.js';
import { errorMessage } from '../errors.js';

/**
 * Every run carries its bot run id in the execution's notes, so a run whose start was not
 * confirmed (an answer lost to a timeout or a dropped connection, or a crash while starting)
 * is found in Harness instead of guessed about, and never started a second time.
 */
export function runMarker(runId: string): string {
  return `idp-chatops run ${runId}`;
}

/** The notes an execution is started with: who asked, and the marker that finds it again. */
export function runNotes(requesterName: string, requesterId: string, runId: string): string {
  return `Requested in Slack by ${requesterName} (${requesterId}) via ${runMarker(runId)}`;
}

function carriesMarker(notes: string, runId: string): boolean {
  const marker = runMarker(runId);
  const at = notes.indexOf(marker);
  // The marker ends the notes, or a non-word character follows it: run `ab12` never matches `ab123`.
  return at >= 0 && !/\w/.test(notes.charAt(at + marker.length));
}

/** The Harness calls the finder makes. */
export type FinderHarness = Pick<HarnessPort, 'recentExecutions' | 'executionNotes'>;

export interface FinderTiming {
  /** How long to keep looking before saying the run did not start. */
  boundMs: number;
  /** Between looks. */
  intervalMs: number;
}

export const DEFAULT_FINDER_TIMING: FinderTiming = { boundMs: 180_000, intervalMs: 5_000 };

/** Harness's clock and ours may differ: executions this much older than the request still count. */
const CLOCK_SKEW_MS = 5 * 60_000;

export type FindResult =
  | { found: string }
  | { absent: true }
  /** The bot is stopping: nothing can be concluded; a restart looks again. */
  | { stopped: true }
  /** Harness could not be asked until the bound passed: nobody can tell yet. */
  | { unknown: string };

/**
 * Looks for the execution carrying `run`'s marker among the pipeline's recent executions, until
 * it appears or `timing.boundMs` passes. `stopped` ends the search early (the bot is stopping).
 */
export async function findStartedRun(
  harness: FinderHarness,
  run: RunRecord,
  timing: FinderTiming,
  stopped: () => boolean,
): Promise<FindResult> {
  const until = Date.now() + timing.boundMs;
  let lastError: string | undefined;
  for (;;) {
    try {
      const found = await lookOnce(harness, run);
      if (found !== undefined) return { found };
      lastError = undefined;
    } catch (err) {
      lastError = errorMessage(err);
    }
    if (stopped()) return { stopped: true };
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, Math.min(timing.intervalMs, Math.max(0, until - Date.now()))));
  }
  return lastError === undefined ? { absent: true } : { unknown: lastError };
}

async function lookOnce(harness: FinderHarness, run: RunRecord): Promise<string | undefined> {
  const candidates = await harness.recentExecutions(
    run.pipelineId,
    { orgId: run.orgId, projectId: run.projectId },
    run.createdAt - CLOCK_SKEW_MS,
  );
  for (const c of candidates) {
    if (!c.hasNotes) continue;
    if (carriesMarker(await harness.executionNotes(c.executionId), run.id)) return c.executionId;
  }
  return undefined;
}
