import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { buildAbortRequested, buildPrivateNote } from '../../../blocks/build-run-messages.js';
import { ABORT_RUN_ACTION_ID, OPEN_IN_HARNESS_ACTION_ID } from '../../../blocks/ids.js';
import { checkApprover } from '../../runs/approvers.js';
import type { BotDeps } from '../deps.js';

/** Buttons on the status card. */
export function registerRunActions(app: App, deps: BotDeps): void {
  // A link button still sends an action; it needs an ack and nothing else.
  app.action(OPEN_IN_HARNESS_ACTION_ID, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(ABORT_RUN_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const run = await deps.store.runs.get(action.value ?? '');
    const channel = body.channel?.id ?? run?.channelId ?? body.user.id;
    const tell = (text: string) =>
      deps.slack
        .postEphemeral(channel, body.user.id, buildPrivateNote(text), run?.cardTs)
        .catch(() => undefined);
    if (run?.executionId === undefined) {
      await tell('This run is not known to the bot any more.');
      return;
    }
    if (run.finishedAt !== undefined) {
      await tell(`This run already ended (${run.status}); there is nothing to abort.`);
      return;
    }
    const scope = { orgId: run.orgId, projectId: run.projectId };
    let allowed = body.user.id === run.requesterId;
    if (!allowed) {
      // Approvers of the run may stop it too.
      const approvals = await deps.harness
        .listExecutionApprovals(run.executionId, scope, 'WAITING')
        .catch(() => []);
      for (const a of approvals) {
        const approval = await deps.harness.getApproval(a.id).catch(() => undefined);
        if (
          approval !== undefined &&
          (await checkApprover(deps.slack, deps.harness, body.user.id, approval, scope)).eligible
        ) {
          allowed = true;
          break;
        }
      }
    }
    if (!allowed) {
      await deps.store.audit.record({
        at: deps.now(),
        actor: body.user.id,
        action: 'run.abort_denied',
        workflowId: run.workflowId,
        runId: run.id,
        details: {},
      });
      await tell('Only the person who started this run, or one of its approvers, can abort it.');
      return;
    }
    try {
      await deps.harness.abortExecution(run.executionId, scope);
      await deps.store.audit.record({
        at: deps.now(),
        actor: body.user.id,
        action: 'run.aborted',
        workflowId: run.workflowId,
        runId: run.id,
        details: {},
      });
      if (run.cardTs !== undefined) {
        await deps.slack.postMessage(run.channelId, buildAbortRequested(body.user.id), run.cardTs);
      }
      await deps.tracker.poke(run.executionId);
    } catch (err) {
      await tell(`Harness did not abort the run: ${(err as Error).message}`);
    }
  });
}
