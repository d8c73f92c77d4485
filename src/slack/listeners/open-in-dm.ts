import type { Binding } from '../../catalogue/bindings.js';
import type { BotDeps } from '../deps.js';
import { openWorkflow } from './commands.js';
import type { OpenRequest } from './commands.js';

/**
 * Opens a workflow's form from a button, as its command does (the same access check), with the
 * person's own DM with the app as the run's home (status card, thread, approvals). What to run
 * again is the workflow's command, or `/idp run <id>` when it has none.
 */
export function openWorkflowInDm(
  deps: BotDeps,
  /** The button's block_actions payload: who clicked, and the trigger for the form. */
  body: { user: { id: string }; trigger_id: string },
  botUserId: string | undefined,
  respond: OpenRequest['respond'],
  workflow: { id: string; binding: Binding; text: string },
): Promise<void> {
  return openWorkflow(
    deps,
    {
      userId: body.user.id,
      channelId: body.user.id,
      triggerId: body.trigger_id,
      command: workflow.binding.command ?? `/idp run ${workflow.id}`,
      botUserId,
      respond,
    },
    workflow.id,
    workflow.text,
  );
}
