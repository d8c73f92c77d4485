import { randomUUID } from 'node:crypto';
import { buildRunNotStartedMessage, buildPrivateNote } from '../../blocks/build-run-messages.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import type { Workflow } from '../catalogue/workflow.js';
import type { FormValues } from '../forms/json-schema.js';
import type { HarnessClient } from '../harness/client.js';
import { HarnessRunError } from '../harness/errors.js';
import type { Logger } from '../logger.js';
import { permanentSlackError } from '../slack/slack-errors.js';
import type { SlackPort } from '../slack/slack-client.js';
import type { RunRecord, Store } from '../store/store.js';
import type { MessageUpdater } from './message-updater.js';
import { executionUrl, renderCard } from './presenter.js';
import { redactInputs } from './redact.js';
import type { RunTracker } from './tracker.js';

export interface RunServiceDeps {
  store: Store;
  harness: HarnessClient;
  slack: SlackPort;
  updater: MessageUpdater;
  tracker: RunTracker;
  catalogue: Catalogue;
  logger: Logger;
  now: () => number;
  /** Base of Harness's web UI, for execution links. */
  harnessUiUrl: string;
  accountId: string;
}

export interface RunRequest {
  workflow: Workflow;
  values: FormValues;
  runtimeInputYaml: string;
  requesterId: string;
  requesterName: string;
  channelId: string;
  /** The submitted modal's view id: a second submission of it is a replay or a double click. */
  submissionKey: string;
}

/**
 * Starts runs: the submission is recorded first (so a replay or a double click does nothing),
 * the card is posted, then Harness is asked once. Whatever Harness answers ends up on the card
 * and, when the run did not start, privately with the requester.
 */
export class RunService {
  constructor(private readonly d: RunServiceDeps) {}

  /** Undefined when this submission was already taken. */
  claim(req: RunRequest): RunRecord | undefined {
    const now = this.d.now();
    const id = randomUUID().slice(0, 8);
    if (!this.d.store.claimSubmission(req.submissionKey, id, now)) return undefined;
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
      status: 'starting',
      bucket: 'starting',
      inputs: redactInputs(req.workflow, req.values),
      executionUrl: undefined,
      error: undefined,
      createdAt: now,
      updatedAt: now,
      finishedAt: undefined,
    };
    this.d.store.createRun(run);
    this.d.store.audit({
      at: now,
      actor: req.requesterId,
      action: 'run.requested',
      workflowId: req.workflow.id,
      runId: id,
      details: { inputs: run.inputs, channel: req.channelId },
    });
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
      current = this.d.store.updateRun(run.id, { cardTs: card.ts, channelId: card.channel });
    } catch (err) {
      // Never start a pipeline whose status card cannot be shown: nobody could follow or approve it.
      return this.notStartedWithoutCard(run, req, err);
    }
    try {
      const started = await this.d.harness.runPipeline({
        scope: { orgId: wf.pipeline.orgId, projectId: wf.pipeline.projectId },
        pipelineId: wf.pipeline.pipelineId,
        runtimeInputYaml: req.runtimeInputYaml,
        moduleType: moduleOf(wf.pipeline.url),
        ...(wf.pipeline.branch === undefined ? {} : { branch: wf.pipeline.branch }),
        ...(wf.pipeline.repoName === undefined ? {} : { repoName: wf.pipeline.repoName }),
        notes: `Requested in Slack by ${req.requesterName} (${req.requesterId}) via idp-chatops run ${run.id}`,
      });
      const url = executionUrl(
        this.d.harnessUiUrl,
        this.d.accountId,
        current,
        moduleOf(wf.pipeline.url),
        started.executionId,
      );
      current = this.d.store.updateRun(run.id, {
        executionId: started.executionId,
        executionUrl: url,
        status: 'Running',
        bucket: 'running',
        updatedAt: this.d.now(),
      });
      this.d.store.audit({
        at: this.d.now(),
        actor: req.requesterId,
        action: 'run.started',
        workflowId: wf.id,
        runId: run.id,
        details: { executionId: started.executionId },
      });
      if (current.cardTs !== undefined)
        await this.d.updater.set(
          current.channelId,
          current.cardTs,
          renderCard(current, wf, undefined, undefined, this.d.now()),
        );
      this.d.tracker.track(run.id);
      return current;
    } catch (err) {
      const mayHaveStarted = err instanceof HarnessRunError && err.mayHaveStarted;
      const reason = err instanceof Error ? err.message : String(err);
      current = this.recordNotStarted(run, req, reason, reason, mayHaveStarted);
      this.d.logger.warn({ runId: run.id, err: reason, mayHaveStarted }, 'the run did not start');
      if (current.cardTs !== undefined)
        await this.d.updater.set(
          current.channelId,
          current.cardTs,
          renderCard(current, wf, undefined, undefined, this.d.now()),
        );
      await this.d.slack
        .postEphemeral(
          current.channelId,
          req.requesterId,
          buildRunNotStartedMessage(wf.title, reason, mayHaveStarted),
        )
        .catch((e: unknown) => {
          this.d.logger.error(
            { runId: run.id, err: (e as Error).message },
            'could not tell the requester that the run did not start',
          );
        });
      return current;
    }
  }

  /** The run ends before it began: on the record, with why (`shown` on the card, `audited` in the trail). */
  private recordNotStarted(
    run: RunRecord,
    req: RunRequest,
    shown: string,
    audited: string,
    mayHaveStarted: boolean,
  ): RunRecord {
    const current = this.d.store.updateRun(run.id, {
      status: mayHaveStarted ? 'Unknown' : 'not_started',
      bucket: mayHaveStarted ? 'unknown' : 'failed',
      error: shown,
      updatedAt: this.d.now(),
      finishedAt: this.d.now(),
    });
    this.d.store.audit({
      at: this.d.now(),
      actor: req.requesterId,
      action: 'run.not_started',
      workflowId: req.workflow.id,
      runId: run.id,
      details: { reason: audited, mayHaveStarted },
    });
    return current;
  }

  private async notStartedWithoutCard(run: RunRecord, req: RunRequest, err: unknown): Promise<RunRecord> {
    const error = permanentSlackError(err) ?? (err instanceof Error ? err.message : String(err));
    const fix =
      error === 'is_archived'
        ? 'the channel is archived; run it from another channel'
        : 'invite the bot there, or run it from a channel where the bot is or from your DM with it';
    const reason = `the bot could not post its status card in <#${req.channelId}> (${error}): ${fix}.`;
    const current = this.recordNotStarted(run, req, reason, `status card: ${error}`, false);
    this.d.logger.warn({ runId: run.id, err: error }, 'no status card, so the run was not started');
    // The app's DM with the requester takes posts wherever the command came from.
    await this.d.slack
      .postMessage(
        req.requesterId,
        buildPrivateNote(`Your run of ${req.workflow.title} was not started: ${reason}`),
      )
      .catch((e: unknown) => {
        this.d.logger.error({ runId: run.id, err: (e as Error).message }, 'could not reach the requester');
      });
    return current;
  }
}

/** The module in a pipeline-studio URL (`/module/idp/`), which Harness's execute call wants. */
export function moduleOf(url: string): string {
  return /\/module\/([a-z]+)\//.exec(url)?.[1] ?? 'pms';
}
