import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { HarnessPort } from '../ports/harness.js';
import { HarnessApiError } from '../ports/harness-errors.js';
import type { ExecutionView } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../errors.js';
import type { RunRecord, Store } from '../ports/store.js';
import type { ChannelDigests } from './channel-digest.js';
import type { RunEvents } from './run-events.js';
import type { RunLeases } from './run-leases.js';
import { runExecutionLink } from './presenter.js';
import { isMoving, isTerminal } from './run-status.js';

export interface TrackerTiming {
  /** Poll interval while the run moves. */
  fastMs: number;
  /** Cap while nothing changes or a person must act. */
  slowMs: number;
  /** Growth per unchanged poll (Harness's own client uses 1.5). */
  backoff: number;
  /**
   * Looks a minute across every run followed (a share of HARNESS_REQUESTS_PER_MINUTE): with many
   * runs each is looked at less often, so the polls never queue behind the request budget (which
   * would delay every look, a run's end included). Unset: no cap. A webhook's look is never held.
   */
  pollsPerMinute?: number;
}

export const DEFAULT_TIMING: TrackerTiming = { fastMs: 2000, slowMs: 10_000, backoff: 1.5 };

export interface TrackerDeps {
  store: Store;
  harness: Pick<HarnessPort, 'getExecution'>;
  /**
   * Where what the tracker reads goes (`run.observed`, `run.step_changed`, `run.unreachable`,
   * `run.finished`): the card, the thread, approvals, notifications and the audit trail subscribe.
   */
  events: RunEvents;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
  timing?: TrackerTiming;
  /** Harness's UI and the account, to correct execution links once the execution is read. */
  links?: { uiBase: string; accountId: string };
  /**
   * Several replicas: a run is followed only while this replica holds its lease (taken before
   * the first poll, released when the run is over). Without it, every open run is followed here.
   */
  leases?: Pick<RunLeases, 'acquire' | 'release'>;
  /**
   * Cards that still owe their run's end (it was shown on a digest) catch up at resume; a run
   * whose lease was lost leaves its channel's digest (its new follower shows it on its card).
   */
  digests?: Pick<ChannelDigests, 'repayOwedCards' | 'leave'>;
}

interface Tracked {
  runId: string;
  timer: NodeJS.Timeout | undefined;
  polling: Promise<void> | undefined;
  again: boolean;
  delay: number;
  signature: string;
  failures: number;
}

/**
 * Follows every open run until Harness says it is over: polls through the shared Harness budget
 * (faster while things change, slower while a step waits on a person, at once on a webhook) and
 * emits what it reads; its subscribers keep the card up to date and post each thread event once.
 */
export class RunTracker {
  private readonly runs = new Map<string, Tracked>();
  private readonly timing: TrackerTiming;
  private stopped = false;

  constructor(private readonly d: TrackerDeps) {
    this.timing = d.timing ?? DEFAULT_TIMING;
  }

  get tracking(): number {
    return this.runs.size;
  }

  /** Follows the run (once its lease is this replica's, when leases are kept). */
  track(runId: string): void {
    void this.follow(runId);
  }

  /** Stops following a run whose lease this replica lost: another replica follows it now. */
  drop(runId: string): void {
    const t = this.runs.get(runId);
    if (t === undefined) return;
    clearTimeout(t.timer);
    this.runs.delete(runId);
    this.d.logger.info({ runId }, 'the run’s lease was lost: no longer following it here');
    // Its end will never be read here: the digest stops waiting for it.
    void this.d.digests?.leave(runId).catch((err: unknown) => {
      this.d.logger.warn({ runId, err: errorMessage(err) }, 'could not take the run off its channel digest');
    });
  }

  /** True when this replica follows the run from now on. */
  private async follow(runId: string): Promise<boolean> {
    if (this.stopped || this.runs.has(runId)) return false;
    const t: Tracked = {
      runId,
      timer: undefined,
      polling: undefined,
      again: false,
      delay: this.timing.fastMs,
      signature: '',
      failures: 0,
    };
    this.runs.set(runId, t);
    let won = true;
    try {
      won = (await this.d.leases?.acquire(runId)) ?? true;
    } catch (err) {
      this.d.logger.warn(
        { runId, err: errorMessage(err) },
        'could not take the run’s lease: a later scan tries again',
      );
      won = false;
    }
    if (this.runs.get(runId) !== t) return false;
    if (!won) {
      this.runs.delete(runId);
      return false;
    }
    this.schedule(t, 0);
    return true;
  }

  /** The run is over (or not this tracker's to follow): forgotten, its lease given up. */
  private forget(runId: string): void {
    this.runs.delete(runId);
    void this.d.leases?.release(runId).catch((err: unknown) => {
      this.d.logger.warn(
        { runId, err: errorMessage(err) },
        'could not release the run’s lease: it expires instead',
      );
    });
  }

  /** A webhook said the execution changed: look now. */
  async poke(executionId: string): Promise<boolean> {
    const run = await this.d.store.runs.findByExecution(executionId);
    const t = run === undefined ? undefined : this.runs.get(run.id);
    if (t === undefined) return false;
    t.delay = this.timing.fastMs;
    this.schedule(t, 0);
    return true;
  }

  /**
   * Picks up every run that was not over when the bot stopped (with leases: those no other
   * replica follows). Runs without an execution id (the bot stopped while starting them) are
   * RunService.repairStarting's: found by their marker. Cards that still owe a finished run's
   * end (shown on a channel digest before the bot stopped) catch up too.
   */
  async resume(): Promise<number> {
    try {
      await this.d.digests?.repayOwedCards();
    } catch (err) {
      this.d.logger.warn({ err: errorMessage(err) }, 'could not read the cards that owe their run’s end');
    }
    let n = 0;
    for (const run of await this.d.store.runs.open()) {
      if (run.executionId === undefined) continue;
      if (await this.follow(run.id)) n++;
    }
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.runs.values()) clearTimeout(t.timer);
    await Promise.allSettled(
      [...this.runs.values()].flatMap((t) => (t.polling === undefined ? [] : [t.polling])),
    );
    this.runs.clear();
  }

  private schedule(t: Tracked, wanted: number): void {
    if (this.stopped) return;
    const perMinute = this.timing.pollsPerMinute;
    const delay =
      wanted === 0 || perMinute === undefined
        ? wanted
        : Math.max(wanted, (this.runs.size * 60_000) / perMinute);
    clearTimeout(t.timer);
    if (t.polling !== undefined) {
      t.again = true;
      return;
    }
    t.timer = setTimeout(() => {
      t.polling = this.poll(t).finally(() => {
        t.polling = undefined;
        // Forgotten, or dropped (and perhaps followed again since, by a new entry): stop here.
        if (this.runs.get(t.runId) !== t) return;
        if (t.again) {
          t.again = false;
          this.schedule(t, 0);
        } else {
          this.schedule(t, t.delay);
        }
      });
    }, delay);
  }

  private async poll(t: Tracked): Promise<void> {
    const run = await this.d.store.runs.get(t.runId);
    if (run?.executionId === undefined || run.finishedAt !== undefined) {
      this.forget(t.runId);
      return;
    }
    let view: ExecutionView;
    try {
      view = await this.d.harness.getExecution(run.executionId, {
        orgId: run.orgId,
        projectId: run.projectId,
      });
      t.failures = 0;
    } catch (err) {
      t.failures++;
      t.delay = Math.min(this.timing.slowMs, t.delay * 2);
      this.d.logger.warn(
        { runId: run.id, err: errorMessage(err), failures: t.failures },
        'could not read the execution from Harness',
      );
      // Not awaited: the card's edit may wait on Slack, and the polls go on meanwhile.
      if (t.failures === 3)
        void this.d.events.emit('run.unreachable', {
          run,
          unauthorized: err instanceof HarnessApiError && err.unauthorized,
          failures: t.failures,
          at: this.d.now(),
        });
      return;
    }
    await this.apply(run, view, t);
  }

  private async apply(run: RunRecord, view: ExecutionView, t: Tracked): Promise<void> {
    const workflow = this.d.catalogue.workflows.get(run.workflowId);
    const now = this.d.now();
    const terminal = isTerminal(view.bucket);
    const signature = JSON.stringify([view.status, view.steps.map((s) => [s.id, s.status, s.endTs])]);
    const changed = signature !== t.signature;
    t.signature = signature;
    // Moving fast while things change; backing off while nothing does or a person must act.
    t.delay =
      changed && isMoving(view.bucket)
        ? this.timing.fastMs
        : Math.min(this.timing.slowMs, Math.max(this.timing.fastMs, t.delay * this.timing.backoff));
    // Approval cards follow every look, changed or not (reminders, decisions made in Harness).
    await this.d.events.emit('run.observed', { run, view, at: now });
    const link =
      this.d.links === undefined
        ? run.executionUrl
        : runExecutionLink(
            this.d.links.uiBase,
            this.d.links.accountId,
            run,
            workflow,
            view.executionId,
            view,
          );
    if (link !== run.executionUrl) run = await this.d.store.runs.update(run.id, { executionUrl: link });
    if (!changed && !terminal) return;
    // A terminal status is recorded here, but the run is marked finished only once everything
    // its end owes people is out: a crash in between leaves it open, and the restart delivers.
    const updated = await this.d.store.runs.update(run.id, {
      status: view.status,
      bucket: view.bucket,
      updatedAt: now,
    });
    // The card, then the thread: anything not out yet (the bot stopping before the card shows the
    // change, a reply Slack did not take) leaves the run as it is, and the next poll emits again.
    if ((await this.d.events.emit('run.step_changed', { run: updated, view, terminal, at: now })) !== 'done')
      return;
    if (terminal) await this.finish(updated, view, now);
  }

  /**
   * Marked finished only once every subscriber of `run.finished` is done (the requester and the
   * team told, the audit trail written): until then the run stays open and the next poll (or the
   * next life of the bot) emits it again.
   */
  private async finish(run: RunRecord, view: ExecutionView, now: number): Promise<void> {
    if ((await this.d.events.emit('run.finished', { run, view, at: now })) !== 'done') return;
    await this.d.store.runs.update(run.id, { finishedAt: now });
    this.forget(run.id);
  }
}
