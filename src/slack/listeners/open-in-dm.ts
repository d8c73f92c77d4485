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
  from: Pick<OpenRequest, 'userId' | 'triggerId' | 'botUserId' | 'respond'>,
  workflowId: string,
  binding: Binding,
  text: string,
): Promise<void> {
  return openWorkflow(
    deps,
    {
      ...from,
      channelId: from.userId,
      command: binding.command ?? `/idp run ${workflowId}`,
    },
    workflowId,
    text,
  );
}
