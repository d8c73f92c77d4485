import { createHash } from 'node:crypto';

/**
 * Every callback_id, action_id and block_id the bot's views use, in one place: listeners
 * match on these and builders emit them, so the two cannot drift apart.
 */
export const WORKFLOW_MODAL_CALLBACK_ID = 'idp_workflow';
export const PAGE_BACK_ACTION_ID = 'idp_page_back';

/** Field inputs: `idp_field`, with `:options` (external select) and/or `:dispatch` (drives conditions). */
export const FIELD_ACTION_PREFIX = 'idp_field';
export const FIELD_DISPATCH_ACTION_PATTERN = /^idp_field(:options)?:dispatch$/;
export const FIELD_OPTIONS_ACTION_PATTERN = /^idp_field:options(:dispatch)?$/;

export function fieldActionId(opts: { options: boolean; dispatch: boolean }): string {
  return `${FIELD_ACTION_PREFIX}${opts.options ? ':options' : ''}${opts.dispatch ? ':dispatch' : ''}`;
}

/**
 * The page is part of the id so Slack never carries one page's input state into another. A
 * picker whose choices depend on other answers adds a revision of those answers
 * (`f:0.3fa1c2d9:infrastructure`): when they change, the block id changes, so Slack drops the
 * person's earlier choice instead of keeping it across views.update
 * (https://api.slack.com/reference/surfaces/views, "Preserving input entry in views").
 */
/**
 * A short digest of the answers a picker's choices depend on (its `dependsOn` keys), or
 * undefined for a picker that depends on none. A choice made under one revision is stale under
 * another.
 */
export function dependencyRevision(
  dependsOn: readonly string[],
  values: Readonly<Record<string, unknown>>,
): string | undefined {
  if (dependsOn.length === 0) return undefined;
  const used = dependsOn.map((k) => values[k] ?? null);
  return createHash('sha256').update(JSON.stringify(used)).digest('hex').slice(0, 8);
}

export function fieldBlockId(page: number, key: string, revision?: string): string {
  return `f:${page}${revision === undefined ? '' : `.${revision}`}:${key}`;
}

/** The heading of a nested object's group of fields; the key is the object's property path. */
export function groupBlockId(page: number, key: string): string {
  return `g:${page}:${key}`;
}

export function parseFieldBlockId(
  blockId: string,
): { page: number; key: string; revision: string | undefined } | undefined {
  const m = /^f:(\d+)(?:\.([0-9a-f]+))?:(.+)$/.exec(blockId);
  if (m?.[1] === undefined || m[3] === undefined) return undefined;
  return { page: Number(m[1]), key: m[3], revision: m[2] };
}

/** Status card. */
export const ABORT_RUN_ACTION_ID = 'idp_run_abort';
export const OPEN_IN_HARNESS_ACTION_ID = 'idp_run_open';

/** Approval cards. */
export const APPROVE_ACTION_ID = 'idp_approval_approve';
export const REJECT_ACTION_ID = 'idp_approval_reject';

/**
 * An approval button's value: the approval instance id, marked when Approve opens a form
 * (approver inputs), so the bot opens it at once, within the trigger's life, and checks after.
 */
export function approvalButtonValue(approvalId: string, opensForm: boolean): string {
  return opensForm ? `form:${approvalId}` : approvalId;
}

export function parseApprovalButtonValue(value: string): { approvalId: string; opensForm: boolean } {
  return value.startsWith('form:')
    ? { approvalId: value.slice('form:'.length), opensForm: true }
    : { approvalId: value, opensForm: false };
}
export const APPROVAL_MODAL_CALLBACK_ID = 'idp_approval_decision';
export const APPROVAL_REASON_BLOCK_ID = 'approval_reason';
export const APPROVAL_INPUT_BLOCK_PREFIX = 'approver_input:';

/** `/idp link`. */
export const LINK_MODAL_CALLBACK_ID = 'idp_link';
export const LINK_TOKEN_BLOCK_ID = 'link_token';

/** "Follow the run in a DM" on the note about a conversation the bot cannot post in. */
export const FOLLOW_IN_DM_ACTION_ID = 'idp_follow_in_dm';

/** App Home: "Run again" on one of your runs (value: the run id), and a workflow's start button. */
export const HOME_RUN_AGAIN_ACTION_ID = 'idp_home_run_again';
export const HOME_START_ACTION_PREFIX = 'idp_home_start:';
export const HOME_START_ACTION_PATTERN = /^idp_home_start:/;
