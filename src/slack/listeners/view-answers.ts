import type { Workflow } from '../../catalogue/workflow.js';
import type { FormValues } from '../../forms/json-schema.js';
import { readPageState, staleChoices } from '../read-state.js';
import type { BotDeps } from '../deps.js';

/**
 * The answers on screen now, over the ones carried from other pages. A picker chosen from the
 * list of other answers than those now given (an infrastructure of the previous environment)
 * is cleared: its list changed.
 */
export function currentValues(
  ctx: { workflow: Workflow; page: number; values: FormValues },
  state: unknown,
): FormValues {
  const page = ctx.workflow.pages[ctx.page];
  if (page === undefined) return ctx.values;
  const read = readPageState(page.allFields, ctx.page, state);
  const values = { ...ctx.values, ...read.values };
  for (const f of staleChoices(page.allFields, read, values)) Reflect.deleteProperty(values, f.key);
  return values;
}

/**
 * The answers the bot knows for a view, kept on its side by view id: Slack's options requests
 * carry the view as last opened or updated and none of the person's answers since
 * (slackapi/bolt-js#1146), so pickers learn what they depend on from here. Kept in the store,
 * not in private_metadata, because it is written before the block_actions ack: an options
 * request right after a change already sees it, with no views.update in flight to lose to a
 * hash conflict.
 */
export async function rememberAnswers(
  deps: BotDeps,
  viewId: string,
  userId: string,
  values: FormValues,
): Promise<void> {
  await deps.store.drafts.save(`view:${viewId}`, userId, values, deps.now());
}

export async function recallAnswers(deps: BotDeps, viewId: string, userId: string): Promise<FormValues> {
  return ((await deps.store.drafts.get(`view:${viewId}`, userId)) ?? {}) as FormValues;
}
