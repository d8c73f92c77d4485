import type { App } from '@slack/bolt';
import { buildHome, HOME_MAX_RUNS, HOME_MAX_WAITING } from '../../../blocks/build-home.js';
import type { HomeContent } from '../../../blocks/build-home.js';
import type { HomeApprovals } from '../../runs/home-approvals.js';
import { summariseRun } from '../../runs/approval-summary.js';
import type { HomeRefresh } from '../../runs/home-refresh.js';
import type { BotDeps } from '../deps.js';
import { inBackground } from '../deps.js';
import { runnableBy } from './commands.js';
import { registerHomeActions } from './home-actions.js';

/**
 * What one person's Home shows now: approvals waiting for them, their latest runs, and the
 * workflows they may start from here. A workflow bound to channels is started where it may run
 * (a run from the Home lives in the person's DM with the app, which would get around the rule).
 */
export async function homeContentFor(
  deps: BotDeps,
  approvals: HomeApprovals,
  slackUser: string,
  fresh: boolean,
): Promise<HomeContent> {
  const [runnable, records, waiting] = await Promise.all([
    runnableBy(deps, slackUser, undefined),
    deps.store.runs.recent(slackUser, HOME_MAX_RUNS),
    approvals.waitingFor(slackUser, HOME_MAX_WAITING, fresh),
  ]);
  const mayRun = new Set(runnable.items.map((w) => w.id));
  const startable = runnable.items.filter(
    (w) => (deps.catalogue.bindings.get(w.id)?.access.channels.length ?? 0) === 0,
  );
  const title = (id: string) => deps.catalogue.workflows.get(id)?.title ?? id;
  return {
    waiting: waiting.map(({ card, run, approval }) => {
      const { inputs, risky } = summariseRun(run, deps.catalogue);
      return {
        approvalId: card.approvalId,
        stepName: card.stepName,
        workflowTitle: title(run.workflowId),
        requesterId: run.requesterId,
        channelId: run.channelId,
        executionUrl: run.executionUrl,
        deadline: approval.deadline,
        opensForm: approval.approverInputs.length > 0,
        risky,
        inputs,
      };
    }),
    runs: records.map((r) => ({
      runId: r.id,
      workflowTitle: title(r.workflowId),
      status: r.status,
      bucket: r.bucket,
      channelId: r.channelId,
      executionUrl: r.executionUrl,
      createdAt: r.createdAt,
      canRunAgain: mayRun.has(r.workflowId),
    })),
    workflows: startable.map((w) => ({ id: w.id, title: w.title, description: w.description })),
    hidden: runnable.hidden + (runnable.items.length - startable.length),
  };
}

/**
 * Builds and publishes one person's Home (views.publish goes through the Slack scheduler);
 * `fresh` when they opened it (nothing remembered of Harness is used), not for a refresh.
 */
export async function publishHome(
  deps: BotDeps,
  approvals: HomeApprovals,
  slackUser: string,
  fresh: boolean,
): Promise<void> {
  await deps.slack.publishHome(slackUser, buildHome(await homeContentFor(deps, approvals, slackUser, fresh)));
}

/**
 * App Home: published when a person opens it, and again when something of theirs changes
 * (`HomeRefresh`, fed by run events); its buttons are handled in `home-actions.ts`, Approve and
 * Reject by the channel card's own listener (`approvals.ts`).
 */
export function registerHome(
  app: App,
  deps: BotDeps,
  home: { refresh: HomeRefresh; approvals: HomeApprovals },
): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    home.refresh.visited(event.user);
    inBackground(deps, publishHome(deps, home.approvals, event.user, true));
    await Promise.resolve();
  });
  registerHomeActions(app, deps);
}
