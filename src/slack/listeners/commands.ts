import { buildPrivateNote } from '../../../blocks/build-run-messages.js';
import { notACommand } from '../../../blocks/messages.js';
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { buildCannotPostHere, followInDmValue } from '../../../blocks/build-channel-reach.js';
import { buildLinkModal } from '../../../blocks/build-link-modal.js';
import { buildWorkflowModal } from '../../../blocks/build-workflow-modal.js';
import { fieldsOfPage } from '../../forms/form-page.js';
import { buildHelp, buildWorkflowList } from '../../../blocks/build-idp-help.js';
import type { WorkflowListing } from '../../../blocks/build-idp-help.js';
import type { Binding } from '../../catalogue/bindings.js';
import { IDP_COMMAND } from '../../catalogue/bindings.js';
import { prefillFromText } from '../../forms/prefill.js';
import { untilAborted } from '../../until-aborted.js';
import type { BotDeps } from '../deps.js';
import { rememberAnswers } from './view-answers.js';
import { errorMessage } from '../../errors.js';
import {
  cannotRunHere,
  formDidNotOpen,
  LINKING_OFF,
  NO_TOKEN_LINKED,
  noSuchWorkflow,
  TOKEN_REMOVED,
} from '../../../blocks/messages.js';

/** How long the access check may take before the modal opens anyway (trigger_id lives ~3 s). */
const ACCESS_BUDGET_MS = 1200;

/** Every bound slash command opens its workflow; `/idp` lists, runs any workflow and helps. */
export function registerCommands(app: App, deps: BotDeps): void {
  for (const [command, workflowId] of deps.catalogue.commands) {
    app.command(command, async ({ ack, command: cmd, respond, context }) => {
      await ack();
      await openWorkflow(deps, fromCommand(cmd, respond, context.botUserId), workflowId, cmd.text);
    });
  }
  app.command(IDP_COMMAND, async ({ ack, command: cmd, respond, context }) => {
    const [verb = '', target, ...rest] = cmd.text.trim().split(/\s+/);
    if (verb === 'run' && target !== undefined) {
      await ack();
      if (!deps.catalogue.workflows.has(target)) {
        await respond({
          response_type: 'ephemeral',
          ...buildHelp(noSuchWorkflow(target)),
        });
        return;
      }
      await openWorkflow(deps, fromCommand(cmd, respond, context.botUserId), target, rest.join(' '));
      return;
    }
    if (verb === 'link') {
      await ack();
      if (deps.vault === undefined) {
        await respond({
          response_type: 'ephemeral',
          text: LINKING_OFF,
        });
        return;
      }
      await deps.slack.openView(cmd.trigger_id, buildLinkModal());
      return;
    }
    if (verb === 'unlink') {
      await ack();
      const removed = await deps.store.identities.delete(cmd.user_id);
      if (removed)
        await deps.store.audit.record({
          at: deps.now(),
          actor: cmd.user_id,
          action: 'identity.unlinked',
          workflowId: undefined,
          runId: undefined,
          details: {},
        });
      await respond({
        response_type: 'ephemeral',
        text: removed ? TOKEN_REMOVED : NO_TOKEN_LINKED,
      });
      return;
    }
    if (verb === '' || verb === 'list') {
      await ack();
      await respond({ response_type: 'ephemeral', ...(await listFor(deps, cmd.user_id, cmd.channel_id)) });
      return;
    }
    await ack({
      response_type: 'ephemeral',
      ...buildHelp(verb === 'help' ? undefined : notACommand(cmd.text.trim())),
    });
  });
}

async function listFor(
  deps: BotDeps,
  userId: string,
  channelId: string | undefined,
): Promise<ReturnType<typeof buildWorkflowList>> {
  const { items, hidden } = await runnableBy(deps, userId, channelId);
  return buildWorkflowList(items, hidden);
}

/** The workflows a person may run (from a channel, or anywhere when none is given). */
export async function runnableBy(
  deps: BotDeps,
  userId: string,
  channelId: string | undefined,
): Promise<{ items: WorkflowListing[]; hidden: number }> {
  const bindings = [...deps.catalogue.bindings.values()];
  const decisions = await Promise.all(
    bindings.map((b) =>
      deps.access.check(
        channelId === undefined ? { ...b.access, channels: [] } : b.access,
        userId,
        channelId,
      ),
    ),
  );
  const allowed = bindings.filter((_, i) => decisions[i]?.allowed === true);
  return {
    items: allowed.map((b) => ({
      id: b.workflowId,
      title: deps.catalogue.workflows.get(b.workflowId)?.title ?? b.workflowId,
      description: b.description,
      command: b.command,
      usageHint: b.usageHint,
    })),
    hidden: bindings.length - allowed.length,
  };
}

/** Who asked for a workflow, where, and how to answer them. */
export interface OpenRequest {
  userId: string;
  /** Where the status card goes: the conversation typed in, or the person's own DM with the app. */
  channelId: string;
  triggerId: string;
  /** The slash command as typed, to say what to run again. */
  command: string;
  botUserId: string | undefined;
  /** Answers privately through the response_url, which works in any conversation. */
  respond: (m: { text: string; blocks?: KnownBlock[] }) => Promise<unknown>;
}

function fromCommand(cmd: SlashCommand, respond: RespondFn, botUserId: string | undefined): OpenRequest {
  return {
    userId: cmd.user_id,
    channelId: cmd.channel_id,
    triggerId: cmd.trigger_id,
    command: cmd.command,
    botUserId,
    respond: (m) => respond({ response_type: 'ephemeral', ...m }),
  };
}

/** Opens a workflow's form, unless the person may not run it, or the bot could not show its card. */
export async function openWorkflow(
  deps: BotDeps,
  req: OpenRequest,
  workflowId: string,
  text: string,
): Promise<void> {
  const workflow = deps.catalogue.workflows.get(workflowId);
  const binding: Binding | undefined = deps.catalogue.bindings.get(workflowId);
  if (workflow === undefined || binding === undefined) return;
  // Slack's Web API client takes no signal: stop waiting, and let the lookup finish on its own.
  const inTime = <T>(p: Promise<T>) =>
    untilAborted(p, AbortSignal.timeout(ACCESS_BUDGET_MS), () => undefined);
  const [decision, reach, prefill] = await Promise.all([
    inTime(deps.access.check(binding.access, req.userId, req.channelId)),
    req.channelId === req.userId ? 'can_post' : inTime(deps.access.reach(req.channelId)),
    prefillFromText(workflow, binding, text, deps.options),
  ]);
  if (reach === 'cannot_post') {
    await req.respond(
      buildCannotPostHere({
        workflowTitle: workflow.title,
        command: req.command,
        botUserId: req.botUserId,
        directMessage: req.channelId.startsWith('D'),
        // Channel rules are about where a run is seen: a DM would get around them.
        followInDmValue: binding.access.channels.length > 0 ? undefined : followInDmValue(workflowId, text),
      }),
    );
    return;
  }
  if (decision !== undefined && !decision.allowed) {
    await deps.slack.postEphemeral(
      req.channelId,
      req.userId,
      buildPrivateNote(cannotRunHere(workflow.title, decision.reason)),
    );
    return;
  }
  const view = buildWorkflowModal({
    workflow,
    page: 0,
    values: prefill.values,
    fields: fieldsOfPage(workflow.pages[0], prefill.values),
    channelId: req.channelId,
    ...(prefill.notes.length > 0 ? { notice: prefill.notes.join(' ') } : {}),
  });
  try {
    const { viewId } = await deps.slack.openView(req.triggerId, view);
    await rememberAnswers(deps, viewId, req.userId, prefill.values);
    deps.logger.info({ workflowId, user: req.userId, channel: req.channelId }, 'opened workflow modal');
  } catch (err) {
    deps.logger.warn({ workflowId, err: errorMessage(err) }, 'could not open the modal');
    await deps.slack
      .postEphemeral(
        req.channelId,
        req.userId,
        buildPrivateNote(formDidNotOpen(workflow.title, errorMessage(err), req.command)),
      )
      .catch(() => undefined);
  }
}
