import { randomUUID } from 'node:crypto';
import {
  buildLookingForRunNote,
  buildNoCardReason,
  buildRestartedWhileStartingReason,
  buildRunNeverAppearedReason,
} from '../../blocks/build-run-messages.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { Workflow } from '../catalogue/workflow.js';
import type { FormValues } from '../forms/json-schema.js';
import type { HarnessPort } from '../ports/harness.js';
import { HarnessRunError } from '../ports/harness-errors.js';
import { moduleOfPipelineUrl } from '../harness-model/execution-link.js';
import type { Logger } from '../logger.js';
import { permanentSlackError } from '../ports/slack-errors.js';
import type { SlackPort } from '../ports/slack.js';
import type { RunRecord, Store } from '../ports/store.js';
import { renderCard, runExecutionLink } from './presenter.js';
import { redactInputs } from './redact.js';
import type { RunEvents } from './run-events.js';
import { DEFAULT_FINDER_TIMING, findStartedRun, runNotes } from './run-finder.js';
import type { FinderHarness, FinderTiming } from './run-finder.js';
import { RUN_STATES } from './run-status.js';
import type { RunLeases } from './run-leases.js';
import type { RunTracker } from './tracker.js';
import { errorMessage } from '../errors.js';

export interface RunServiceDeps {
  store: Store;
  harness: Pick<HarnessPort, 'runPipeline'> & FinderHarness;
  /** Posts the status card: a run whose card cannot be shown is never started. */
  slack: Pick<SlackPort, 'postMessage'>;
  /**
   * Where a run's start goes (`run.requested`, `run.start_unconfirmed`, `run.started`,
   * `run.not_started`): the card, the requester's notes and the audit trail subscribe.
   */
  events: RunEvents;
  tracker: Pick<RunTracker, 'track'>;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
  /** Base of Harness's web UI, for execution links. */
  harnessUiUrl: string;
  accountId: string;
  /** How long and how often to look for a run whose start Harness did not confirm. */
  finder?: FinderTiming;
  /**
   * Several replicas: the replica starting a run holds its lease from before the run is written,
   * so no other replica takes a run being started for one whose starter died.
   */
  leases?: Pick<RunLeases, 'acquire'>;
}

export interface RunRequest {
  workflow: Workflow;
  values: FormValues;
  runtimeInputYaml: string;
  requesterId: string;
  requesterName: string;
  channelId: string;
  /**
   * What makes the request once: the submitted modal's view id (a second submission of it is a
   * replay or a double click), or a Workflow Builder step's function_execution_id (Slack retries).
   */
  submissionKey: string;
  /** A Workflow Builder step started it: the step is completed when the run ends. */
  step?: { functionExecutionId: string; token: string };
}

/**
 * Starts runs: the submission is recorded first (so a replay or a double click does nothing),
 * the card is posted, then Harness is asked once. Whatever Harness answers is emitted, and ends
 * up on the card and, when the run did not start, privately with the requester.
 */
export class RunService {
  private stopped = false;
  private readonly finder: FinderTiming;

  constructor(private readonly d: RunServiceDeps) {
    this.finder = d.finder ?? DEFAULT_FINDER_TIMING;
  }

  /** Undefined when this submission was already taken. */
  async claim(req: RunRequest): Promise<RunRecord | undefined> {
    const now = this.d.now();
    const id = randomUUID().slice(0, 8);
    if (!(await this.d.store.claims.claimSubmission(req.submissionKey, id, now))) return undefined;
    // Refused only while this replica stops: the run is then another replica's to pick up, as
    // after a crash (found by its marker once started), and the person's request is not lost.
    if (this.d.leases !== undefined && !(await this.d.leases.acquire(id)))
      this.d.logger.warn({ runId: id }, 'stopping: the new run is left for another replica to follow');
    const p = req.workflow.pipeline;
    const run: RunRecord = {
      id,
      workflowId: req.workflow.id,
      requesterId: req.requesterId,
      channelId: req.channelId,
      cardTs: undefined,
      executionId: undefined,
      orgId: p.orgId,
      projectId: p.projectId,
      pipelineId: p.pipelineId,
      ...RUN_STATES.starting,
      inputs: redactInputs(req.workflow, req.values),
      executionUrl: undefined,
      error: undefined,
      createdAt: now,
      updatedAt: now,
      finishedAt: undefined,
      ...(req.step === undefined ? {} : { functionExecutionId: req.step.functionExecutionId }),
    };
    await this.d.store.runs.create(run, req.step === undefined ? undefined : { token: req.step.token });
    // Who asked for what is on record before anything is done for it.
    if ((await this.d.events.emit('run.requested', { run, at: now })) !== 'done')
      throw new Error(`run ${id} could not be recorded as requested`);
    return run;
  }

  async start(run: RunRecord, req: RunRequest): Promise<RunRecord> {
    const wf = req.workflow;
    let current = run;
    try {
      const card = await this.d.slack.postMessage(
        req.channelId,
        renderCard(run, wf, undefined, undefined, this.d.now()),
      );
      // A user id as the channel (a run followed in a DM) comes back as the DM's own id.
      current = await this.d.store.runs.update(run.id, { cardTs: card.ts, channelId: card.channel });
    } catch (err) {
      // Never start a pipeline whose status card cannot be shown: nobody could follow or approve it.
      return this.notStartedWithoutCard(run, req, err);
    }
    let executionId: string;
    try {
      const started = await this.d.harness.runPipeline({
        scope: { orgId: wf.pipeline.orgId, projectId: wf.pipeline.projectId },
        pipelineId: wf.pipeline.pipelineId,
        runtimeInputYaml: req.runtimeInputYaml,
        // Required by the execute call; `pms` (the pipeline service) when the URL names no module.
        moduleType: moduleOfPipelineUrl(wf.pipeline.url) ?? 'pms',
        ...(wf.pipeline.branch === undefined ? {} : { branch: wf.pipeline.branch }),
        ...(wf.pipeline.repoName === undefined ? {} : { repoName: wf.pipeline.repoName }),
        notes: runNotes(req.requesterName, req.requesterId, run.id),
      });
      executionId = started.executionId;
    } catch (err) {
      if (err instanceof HarnessRunError && err.mayHaveStarted)
        return this.findLost(current, `${err.cause.message}.`, false);
      return this.notStarted(current, errorMessage(err), false);
    }
    return this.attach(current, executionId, false);
  }

  /**
   * Runs the bot was starting when it stopped (no execution id recorded): each is looked for in
   * Harness by its marker, followed when found, and its requester told either way.
   */
  async repairStarting(): Promise<Promise<RunRecord>[]> {
    const repairs: Promise<RunRecord>[] = [];
    for (const run of await this.d.store.runs.open()) {
      if (run.executionId !== undefined) continue;
      // Another replica may be starting it right now: only a run whose lease is free is repaired.
      if (this.d.leases !== undefined && !(await this.d.leases.acquire(run.id))) continue;
      repairs.push(this.repair(run));
    }
    return repairs;
  }

  /** A run whose start was never confirmed, taken over from its starter (a restart, a dead replica). */
  repair(run: RunRecord): Promise<RunRecord> {
    return this.findLost(run, buildRestartedWhileStartingReason(), true);
  }

  /** Stops looking for lost runs (the bot is stopping; a restart looks again). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Harness may have started the run without the bot hearing of it: look for the execution that
   * carries the run's marker, never start a second one.
   */
  private async findLost(run: RunRecord, reason: string, afterRestart: boolean): Promise<RunRecord> {
    this.d.logger.warn({ runId: run.id, err: reason }, 'the run’s start was not confirmed; looking for it');
    const looking = await this.d.store.runs.update(run.id, {
      error: buildLookingForRunNote(),
      updatedAt: this.d.now(),
    });
    await this.d.events.emit('run.start_unconfirmed', {
      run: looking,
      reason,
      afterRestart,
      at: this.d.now(),
    });
    const result = await findStartedRun(this.d.harness, looking, this.finder, () => this.stopped);
    if ('stopped' in result) return looking;
    if ('found' in result) {
      const attached = this.attach(
        await this.d.store.runs.update(run.id, { error: undefined }),
        result.found,
        afterRestart,
      );
      return attached;
    }
    if ('absent' in result)
      return this.notStarted(
        looking,
        buildRunNeverAppearedReason(reason, this.finder.boundMs),
        false,
        afterRestart,
      );
    return this.notStarted(looking, `${reason} ${result.unknown}`, true, afterRestart);
  }

  private async attach(run: RunRecord, executionId: string, afterRestart: boolean): Promise<RunRecord> {
    const wf = this.d.catalogue.workflows.get(run.workflowId);
    const url = runExecutionLink(this.d.harnessUiUrl, this.d.accountId, run, wf, executionId);
    const current = await this.d.store.runs.update(run.id, {
      executionId,
      executionUrl: url,
      ...RUN_STATES.started,
      updatedAt: this.d.now(),
    });
    // Followed whatever its subscribers managed: the tracker edits the card from here on.
    await this.d.events.emit('run.started', { run: current, executionId, afterRestart, at: this.d.now() });
    this.d.tracker.track(run.id);
    return current;
  }

  private async notStarted(
    run: RunRecord,
    reason: string,
    mayHaveStarted: boolean,
    afterRestart = false,
  ): Promise<RunRecord> {
    const current = await this.d.store.runs.update(run.id, {
      ...(mayHaveStarted ? RUN_STATES.mayHaveStarted : RUN_STATES.notStarted),
      error: reason,
      updatedAt: this.d.now(),
      finishedAt: this.d.now(),
    });
    this.d.logger.warn({ runId: run.id, err: reason, mayHaveStarted }, 'the run did not start');
    // The run is already over (finishedAt is set): its notes are said once, never again.
    await this.d.events.emit('run.not_started', {
      run: current,
      reason,
      mayHaveStarted,
      afterRestart,
      cardError: undefined,
      at: this.d.now(),
    });
    return current;
  }

  /** Never started: the status card could not be posted, so nobody could follow or approve the run. */
  private async notStartedWithoutCard(run: RunRecord, req: RunRequest, err: unknown): Promise<RunRecord> {
    const error = permanentSlackError(err) ?? errorMessage(err);
    const reason = buildNoCardReason(req.channelId, error);
    const now = this.d.now();
    const current = await this.d.store.runs.update(run.id, {
      ...RUN_STATES.notStarted,
      error: reason,
      updatedAt: now,
      finishedAt: now,
    });
    this.d.logger.warn({ runId: run.id, err: error }, 'no status card, so the run was not started');
    await this.d.events.emit('run.not_started', {
      run: current,
      reason,
      mayHaveStarted: false,
      afterRestart: false,
      cardError: error,
      at: now,
    });
    return current;
  }
}
