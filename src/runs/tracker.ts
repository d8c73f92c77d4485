import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { HarnessClient } from '../harness/client.js';
import { HarnessApiError } from '../harness/errors.js';
import type { ExecutionView } from '../harness/types.js';
import type { Logger } from '../logger.js';
import type { SlackPort } from '../ports/slack.js';
import type { RunRecord, Store } from '../ports/store.js';
import type { ApprovalService } from './approval-service.js';
import type { Deliveries } from './deliveries.js';
import type { MessageUpdater } from './message-updater.js';
import { renderCard, runExecutionLink, threadEvents } from './presenter.js';
import { isMoving, isTerminal } from './run-status.js';

export interface TrackerTiming {
  /** Poll interval while the run moves. */
  fastMs: number;
  /** Cap while nothing changes or a person must act. */
  slowMs: number;
  /** Growth per unchanged poll (Harness's own client uses 1.5). */
  backoff: number;
}

export const DEFAULT_TIMING: TrackerTiming = { fastMs: 2000, slowMs: 10_000, backoff: 1.5 };

export interface TrackerDeps {
  store: Store;
  harness: HarnessClient;
  slack: SlackPort;
  updater: MessageUpdater;
  deliveries: Deliveries;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
  timing?: TrackerTiming;
  approvals?: ApprovalService;
  /** Harness's UI and the account, to correct execution links once the execution is read. */
  links?: { uiBase: string; accountId: string };
  /**
   * When a run ends: the team's channel and the requester hear about it. False (or a throw)
   * when something is still to deliver: the run stays open and the next poll tries again.
   */
  onFinished?: (run: RunRecord, view: ExecutionView) => Promise<boolean>;
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
 * (faster while things change, slower while a step waits on a person, at once on a webhook),
 * keeps the card up to date and posts each thread event once.
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

  track(runId: string): void {
    if (this.stopped || this.runs.has(runId)) return;
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
    this.schedule(t, 0);
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
   * Picks up every run that was not over when the bot stopped. Runs without an execution id
   * (the bot stopped while starting them) are RunService.repairStarting's: found by their marker.
   */
  async resume(): Promise<number> {
    let n = 0;
    for (const run of await this.d.store.runs.open()) {
      if (run.executionId === undefined) continue;
      this.track(run.id);
      n++;
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

  private schedule(t: Tracked, delay: number): void {
    if (this.stopped) return;
    clearTimeout(t.timer);
    if (t.polling !== undefined) {
      t.again = true;
      return;
    }
    t.timer = setTimeout(() => {
      t.polling = this.poll(t).finally(() => {
        t.polling = undefined;
        if (!this.runs.has(t.runId)) return;
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
      this.runs.delete(t.runId);
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
        { runId: run.id, err: (err as Error).message, failures: t.failures },
        'could not read the execution from Harness',
      );
      if (t.failures === 3 && run.cardTs !== undefined) {
        const note =
          err instanceof HarnessApiError && err.unauthorized
            ? 'Harness refuses the bot’s key; updates paused until it is fixed.'
            : 'Harness is not answering; this card will catch up when it does.';
        void this.d.updater.set(
          run.channelId,
          run.cardTs,
          renderCard(run, this.d.catalogue.workflows.get(run.workflowId), undefined, note, this.d.now()),
        );
      }
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
    if (this.d.approvals !== undefined && run.cardTs !== undefined) {
      for (const step of view.steps)
        if (step.approvalInstanceId !== undefined) await this.d.approvals.ensureCard(run, step);
      await this.d.approvals.refresh(run);
    }
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
    if (run.cardTs !== undefined) {
      const edit = await this.d.updater.set(
        run.channelId,
        run.cardTs,
        renderCard(updated, workflow, view, undefined, now),
        terminal,
      );
      // 'shown', or 'gave_up' (Slack refuses edits of that card for good, audited by the updater):
      // either way nothing more can be done for the card, so the run may finish. 'closed': the bot
      // is stopping before the card shows its end; the run stays open and the next life edits it.
      if (edit === 'closed') return;
      if (!(await this.postThreadEvents(run, run.cardTs, view, workflow?.title ?? run.workflowId, now)))
        return;
    }
    if (terminal) await this.finish(run, view, now);
  }

  /**
   * Each thread event once; false when one could not go out yet (tried again next poll). One
   * Slack refuses for good (the card was deleted, the channel archived) is given up and audited
   * by `Deliveries`: the requester still hears by DM, and the run can finish.
   */
  private async postThreadEvents(
    run: RunRecord,
    cardTs: string,
    view: ExecutionView,
    title: string,
    now: number,
  ): Promise<boolean> {
    for (const e of threadEvents(view, title, run.executionUrl, now)) {
      try {
        const r = await this.d.deliveries.post(
          run.id,
          e.key,
          { channel: run.channelId, threadTs: cardTs },
          () => e.message,
        );
        if (r.state === 'busy') return false;
      } catch (err) {
        this.d.logger.warn(
          { runId: run.id, event: e.key, err: (err as Error).message },
          'could not post a thread reply; will retry',
        );
        return false;
      }
    }
    return true;
  }

  private async finish(run: RunRecord, view: ExecutionView, now: number): Promise<void> {
    try {
      if (this.d.onFinished !== undefined && !(await this.d.onFinished(run, view))) return;
    } catch (err) {
      this.d.logger.warn(
        { runId: run.id, err: (err as Error).message },
        'could not tell people the run ended; will retry',
      );
      return;
    }
    await this.d.store.runs.update(run.id, { finishedAt: now });
    await this.d.store.audit.record({
      at: now,
      actor: 'harness',
      action: 'run.finished',
      workflowId: run.workflowId,
      runId: run.id,
      details: { status: view.status },
    });
    this.runs.delete(run.id);
  }
}
