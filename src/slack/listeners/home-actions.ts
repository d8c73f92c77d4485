import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { buildPrivateNote } from '../../../blocks/build-run-messages.js';
import { buildWorkflowModal } from '../../../blocks/build-workflow-modal.js';
import { homeWorkflowGone, HOME_NOT_YOUR_RUN, HOME_RUN_UNKNOWN } from '../../../blocks/home-text.js';
import { HOME_RUN_AGAIN_ACTION_ID, HOME_START_ACTION_PATTERN } from '../../../blocks/ids.js';
import { cannotRunHere, formDidNotOpen } from '../../../blocks/messages.js';
import { fieldsOfPage } from '../../forms/form-page.js';
import { answersToRunAgain } from '../../runs/run-again.js';
import { errorMessage } from '../../errors.js';
import type { BotDeps } from '../deps.js';
import { openWorkflowInDm } from './open-in-dm.js';
import { rememberAnswers } from './view-answers.js';
import { untilAborted } from '../../until-aborted.js';

/** How long the access check may take before the form opens anyway (as for a command). */
const ACCESS_BUDGET_MS = 1200;

/** A private answer to a Home button: Home has no channel, so it goes to the person's DM with the app. */
async function tell(deps: BotDeps, userId: string, text: string): Promise<void> {
  await deps.slack.postMessage(userId, buildPrivateNote(text)).catch((err: unknown) => {
    deps.logger.warn({ err: errorMessage(err) }, 'could not answer a Home button');
  });
}

/**
 * App Home's own buttons. A workflow's button opens its form as its command does (the same
 * access check), with the person's DM with the app as the run's home. "Run again" opens the
 * form of a run's workflow with that run's answers, secrets left out, for the run's channel, once
 * the person is checked as for a command typed there.
 */
export function registerHomeActions(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(HOME_START_ACTION_PATTERN, async ({ ack, body, action, context }) => {
    await ack();
    const id = action.value ?? '';
    const binding = deps.catalogue.bindings.get(id);
    if (binding === undefined) {
      await tell(deps, body.user.id, homeWorkflowGone(id));
      return;
    }
    await openWorkflowInDm(deps, body, context.botUserId, (m) => tell(deps, body.user.id, m.text), {
      id,
      binding,
      text: '',
    });
  });

  app.action<BlockAction<ButtonAction>>(HOME_RUN_AGAIN_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const user = body.user.id;
    const run = await deps.store.runs.get(action.value ?? '');
    if (run === undefined) {
      await tell(deps, user, HOME_RUN_UNKNOWN);
      return;
    }
    if (run.requesterId !== user) {
      await tell(deps, user, HOME_NOT_YOUR_RUN);
      return;
    }
    const workflow = deps.catalogue.workflows.get(run.workflowId);
    const binding = deps.catalogue.bindings.get(run.workflowId);
    if (workflow === undefined || binding === undefined) {
      await tell(deps, user, homeWorkflowGone(run.workflowId));
      return;
    }
    // The trigger lives about 3 s: the check gets its share, and submit checks again regardless.
    const decision = await untilAborted(
      deps.access.check(binding.access, user, run.channelId),
      AbortSignal.timeout(ACCESS_BUDGET_MS),
      () => undefined,
    );
    if (decision !== undefined && !decision.allowed) {
      await tell(deps, user, cannotRunHere(workflow.title, decision.reason));
      return;
    }
    const values = answersToRunAgain(workflow, run.inputs);
    const view = buildWorkflowModal({
      workflow,
      page: 0,
      values,
      fields: fieldsOfPage(workflow.pages[0], values),
      channelId: run.channelId,
    });
    try {
      const { viewId } = await deps.slack.openView(body.trigger_id, view);
      await rememberAnswers(deps, viewId, user, values);
      deps.logger.info(
        { workflowId: workflow.id, user, runId: run.id },
        'opened a workflow modal to run again',
      );
    } catch (err) {
      deps.logger.warn({ workflowId: workflow.id, err: errorMessage(err) }, 'could not open the modal');
      await tell(
        deps,
        user,
        formDidNotOpen(workflow.title, errorMessage(err), binding.command ?? `/idp run ${workflow.id}`),
      );
    }
  });
}
