import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ViewOutput } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { buildSuggestionOptions } from '../../../blocks/field-input.js';
import { buildNoticeModal } from '../../../blocks/build-idp-help.js';
import { buildWorkflowModal } from '../../../blocks/build-workflow-modal.js';
import { fieldsOfPage } from '../../forms/form-page.js';
import {
  FIELD_DISPATCH_ACTION_PATTERN,
  FIELD_OPTIONS_ACTION_PATTERN,
  PAGE_BACK_ACTION_ID,
  parseFieldBlockId,
  WORKFLOW_MODAL_CALLBACK_ID,
} from '../../../blocks/ids.js';
import { decodeModalMetadata } from '../../../blocks/modal-metadata.js';
import type { Workflow } from '../../catalogue/workflow.js';
import { SlackLimitError } from '../../../blocks/slack-limit-error.js';
import { errorMessage } from '../../errors.js';
import type { FormValues } from '../../forms/json-schema.js';
import { resolvePickerParams } from '../../forms/option-source.js';
import type { PickerOption } from '../../ports/option-source.js';
import { searchChoices } from '../../forms/search-choices.js';
import { handleSubmission, withPickersChecked } from '../submission.js';
import type { BotDeps } from '../deps.js';
import { inBackground } from '../deps.js';
import { untilAborted } from '../../until-aborted.js';
import { currentValues, recallAnswers, rememberAnswers } from './view-answers.js';
import {
  cannotRunHere,
  chooseFirst,
  FORM_EXPIRED,
  FORM_EXPIRED_TITLE,
  NOT_ALLOWED_TITLE,
  OPTIONS_LATE,
  OPTIONS_UNREACHABLE,
} from '../../../blocks/messages.js';

/** Slack waits 3 s for options; leave room for the answer to travel. */
const OPTIONS_BUDGET_MS = 2500;
/** Slack waits 3 s for a submission's answer too; picker answers are looked up within it. */
const PICKER_CHECK_BUDGET_MS = 2000;

interface ModalContext {
  workflow: Workflow;
  page: number;
  channelId: string | undefined;
  values: FormValues;
  userId: string;
  draftId: string | undefined;
}

async function contextOf(
  deps: BotDeps,
  view: { private_metadata: string },
  userId: string,
): Promise<ModalContext | undefined> {
  const meta = decodeModalMetadata(view.private_metadata);
  const workflow = meta === undefined ? undefined : deps.catalogue.workflows.get(meta.workflowId);
  if (meta === undefined || workflow === undefined) return undefined;
  const values =
    meta.draftId === undefined
      ? meta.values
      : (((await deps.store.drafts.get(meta.draftId, userId)) ?? {}) as FormValues);
  return { workflow, page: meta.page, channelId: meta.channelId, values, userId, draftId: meta.draftId };
}

/**
 * The modal for a page. Answers travel in private_metadata while they fit its 3,000
 * characters; beyond that they are kept server-side as a draft, so nothing typed is lost.
 */
async function modalFor(
  deps: BotDeps,
  ctx: ModalContext,
  input: { page: number; values: FormValues; errors?: Record<string, string> },
): Promise<ModalView> {
  const fields = fieldsOfPage(ctx.workflow.pages[input.page], input.values);
  const base = { workflow: ctx.workflow, ...input, fields, ...channel(ctx) };
  if (ctx.draftId === undefined) {
    try {
      return buildWorkflowModal(base);
    } catch (err) {
      if (!(err instanceof SlackLimitError)) throw err;
    }
  }
  const draftId = ctx.draftId ?? randomUUID();
  await deps.store.drafts.save(draftId, ctx.userId, input.values, deps.now());
  return buildWorkflowModal({ ...base, draftId });
}

export function registerWorkflowModal(app: App, deps: BotDeps): void {
  app.view(WORKFLOW_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const ctx = await contextOf(deps, view, body.user.id);
    if (ctx === undefined) {
      await ack({
        response_action: 'update',
        view: buildNoticeModal(FORM_EXPIRED_TITLE, FORM_EXPIRED),
      });
      return;
    }
    const allowExpressions = new Set(deps.catalogue.bindings.get(ctx.workflow.id)?.allowExpressions);
    const outcome = await withPickersChecked(
      handleSubmission(ctx.workflow, ctx.page, view.state.values, ctx.values, allowExpressions),
      { workflow: ctx.workflow, page: ctx.page, options: deps.options, budgetMs: PICKER_CHECK_BUDGET_MS },
    );
    if (outcome.kind !== 'complete') await rememberAnswers(deps, view.id, body.user.id, outcome.values);
    if (outcome.kind === 'errors') {
      if (outcome.page === ctx.page && outcome.redraw !== true)
        await ack({ response_action: 'errors', errors: outcome.errors });
      else {
        const fieldErrors = Object.fromEntries(
          Object.entries(outcome.errors).map(([id, m]) => [parseFieldBlockId(id)?.key ?? id, m]),
        );
        await ack({
          response_action: 'update',
          view: await modalFor(deps, ctx, {
            page: outcome.page,
            values: outcome.values,
            errors: fieldErrors,
          }),
        });
      }
      return;
    }
    if (outcome.kind === 'next-page') {
      await ack({
        response_action: 'update',
        view: await modalFor(deps, ctx, { page: outcome.page, values: outcome.values }),
      });
      return;
    }
    const binding = deps.catalogue.bindings.get(ctx.workflow.id);
    const decision =
      binding === undefined
        ? { allowed: false as const, reason: 'it is not bound' }
        : await deps.access.check(binding.access, body.user.id, ctx.channelId);
    if (!decision.allowed) {
      await deps.store.audit.record({
        at: deps.now(),
        actor: body.user.id,
        action: 'run.denied',
        workflowId: ctx.workflow.id,
        runId: undefined,
        details: { reason: decision.reason, channel: ctx.channelId },
      });
      await ack({
        response_action: 'update',
        view: buildNoticeModal(NOT_ALLOWED_TITLE, cannotRunHere(ctx.workflow.title, decision.reason)),
      });
      return;
    }
    const request = {
      workflow: ctx.workflow,
      values: outcome.values,
      runtimeInputYaml: outcome.runtimeInputYaml,
      requesterId: body.user.id,
      requesterName: body.user.name,
      channelId: ctx.channelId ?? body.user.id,
      submissionKey: submissionKey(view),
    };
    // Recorded before anything else happens: a replay or double click finds it taken.
    const run = await deps.runs.claim(request);
    await ack();
    if (run === undefined) {
      deps.logger.info({ view: view.id, user: body.user.id }, 'ignored a repeated submission');
      return;
    }
    inBackground(deps, deps.runs.start(run, request));
  });

  // block_actions carry the view's full state (Slack changelog, 2020-09): the one moment the bot
  // learns a changed answer before submit. Kept before the ack, so the next options request sees it.
  app.action<BlockAction>(FIELD_DISPATCH_ACTION_PATTERN, async ({ ack, body }) => {
    const view = body.view;
    const ctx = view === undefined ? undefined : await contextOf(deps, view, body.user.id);
    if (view === undefined || ctx === undefined) {
      await ack();
      return;
    }
    const values = currentValues(ctx, view.state.values);
    await rememberAnswers(deps, view.id, body.user.id, values);
    await ack();
    await updateView(deps, view, await modalFor(deps, ctx, { page: ctx.page, values }));
  });

  app.action<BlockAction>(PAGE_BACK_ACTION_ID, async ({ ack, body }) => {
    await ack();
    const view = body.view;
    if (view === undefined) return;
    const ctx = await contextOf(deps, view, body.user.id);
    if (ctx === undefined || ctx.page === 0) return;
    const values = currentValues(ctx, view.state.values);
    await rememberAnswers(deps, view.id, body.user.id, values);
    await updateView(deps, view, await modalFor(deps, ctx, { page: ctx.page - 1, values }));
  });

  app.options(FIELD_OPTIONS_ACTION_PATTERN, async ({ ack, body }) => {
    const view = 'view' in body ? body.view : undefined;
    const ctx = view === undefined ? undefined : await contextOf(deps, view, body.user.id);
    const key = parseFieldBlockId(body.block_id)?.key;
    const field = ctx?.workflow.pages[ctx.page]?.allFields.find((f) => f.key === key);
    if (ctx === undefined || field === undefined) {
      await ack({ options: [] });
      return;
    }
    let options: PickerOption[];
    if (field.input.type === 'picker') {
      const known = {
        ...currentValues(ctx, view?.state.values),
        ...(view === undefined ? {} : await recallAnswers(deps, view.id, body.user.id)),
      };
      const params = resolvePickerParams(field.input.source, known);
      if (!params.ok) {
        const missing = params.missing.map(
          (k) => ctx.workflow.pages.flatMap((p) => p.allFields).find((f) => f.key === k)?.title ?? k,
        );
        options = [{ value: '!missing', label: chooseFirst(missing) }];
      } else {
        options = await searchWithin(deps, {
          workflowId: ctx.workflow.id,
          field: field.key,
          source: field.input.source,
          params: params.params,
          text: body.value,
        });
      }
    } else {
      options = searchChoices(field, body.value);
    }
    await ack(buildSuggestionOptions(options));
  });
}

async function searchWithin(
  deps: BotDeps,
  query: Parameters<BotDeps['options']['search']>[0],
): Promise<PickerOption[]> {
  const signal = AbortSignal.timeout(OPTIONS_BUDGET_MS);
  try {
    return await untilAborted(deps.options.search(query, signal), signal, (): PickerOption[] => [
      { value: '!unavailable', label: OPTIONS_LATE },
    ]);
  } catch (err) {
    deps.logger.warn({ field: query.field, err: errorMessage(err) }, 'could not list options');
    return [{ value: '!unavailable', label: OPTIONS_UNREACHABLE }];
  }
}

async function updateView(
  deps: BotDeps,
  view: ViewOutput,
  next: ReturnType<typeof buildWorkflowModal>,
): Promise<void> {
  try {
    await deps.slack.updateView(view.id, next, view.hash);
  } catch (err) {
    // hash_conflict: a newer update already replaced this view; nothing to do.
    deps.logger.debug({ err: errorMessage(err) }, 'view update skipped');
  }
}

function channel(ctx: { channelId: string | undefined }): { channelId?: string } {
  return ctx.channelId === undefined ? {} : { channelId: ctx.channelId };
}

/** One run per modal: the view id survives page changes and is the same for every replay. */
function submissionKey(view: ViewOutput): string {
  return `view:${view.root_view_id ?? view.id}`;
}
