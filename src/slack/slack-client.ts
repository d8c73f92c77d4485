import type { SlackPort } from '../ports/slack.js';
import { WebClient } from '@slack/web-api';
import { permanentSlackError } from '../ports/slack-errors.js';
import { deliveryMarker, findMarkedMessage } from './slack-readback.js';
import type { SlackScheduler } from './slack-scheduler.js';

/**
 * The bot's only door to Slack's Web API. Messages always carry top-level `text` with their
 * blocks (notifications and screen readers use it).
 *
 * Two clients, so a 429 on one never delays the other: interactive calls, which must land within
 * a trigger's 3 seconds (views, ephemeral replies, the command-time channel check), go through
 * Bolt's client; background traffic (card edits, thread posts, DMs, user lookups) goes through
 * its own client, paced per method by the SlackScheduler, which also waits out each 429's
 * Retry-After for that method alone.
 */
/** The background client: a 429 comes back at once (the scheduler waits), not a paused queue. */
export function createBackgroundClient(
  token: string,
  apiUrl: string | undefined,
  retryConfig: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number } = {
    retries: 3,
    factor: 2,
    minTimeout: 1000,
    maxTimeout: 10_000,
  },
  fetch?: typeof globalThis.fetch,
): WebClient {
  return new WebClient(token, {
    ...(apiUrl === undefined ? {} : { slackApiUrl: apiUrl }),
    ...(fetch === undefined ? {} : { fetch }),
    rejectRateLimitedCalls: true,
    retryConfig,
    timeout: 15_000,
  });
}

export function createSlackPort(
  interactive: WebClient,
  background: WebClient,
  scheduler: SlackScheduler,
): SlackPort {
  const client = background;
  const paced = <T>(method: string, channel: string | undefined, send: () => Promise<T>) =>
    scheduler.call(method, channel, send);
  return {
    async postMessage(channel, content, threadTs, broadcast) {
      const base = {
        channel,
        text: content.text,
        blocks: content.blocks,
        unfurl_links: false,
        ...(content.deliveryKey === undefined ? {} : { metadata: deliveryMarker(content.deliveryKey) }),
      };
      const r = await paced('chat.postMessage', channel, () =>
        threadTs === undefined
          ? client.chat.postMessage(base)
          : broadcast === true
            ? client.chat.postMessage({ ...base, thread_ts: threadTs, reply_broadcast: true })
            : client.chat.postMessage({ ...base, thread_ts: threadTs }),
      );
      if (r.ts === undefined) throw new Error('Slack did not return a message ts');
      // A user id as channel opens the app's DM; edits then need the DM's own id.
      return { ts: r.ts, channel: r.channel ?? channel };
    },
    async updateMessage(channel, ts, content) {
      await paced('chat.update', channel, () =>
        client.chat.update({ channel, ts, text: content.text, blocks: content.blocks }),
      );
    },
    async postEphemeral(channel, user, content, threadTs) {
      await interactive.chat.postEphemeral({
        channel,
        user,
        text: content.text,
        blocks: content.blocks,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      });
    },
    async openView(triggerId, view) {
      const r = await interactive.views.open({ trigger_id: triggerId, view });
      return { viewId: r.view?.id ?? '' };
    },
    async updateView(viewId, view, hash) {
      await interactive.views.update({ view_id: viewId, view, ...(hash === undefined ? {} : { hash }) });
    },
    async publishHome(userId, view) {
      // No trigger to answer within 3 s: a background call, paced under views.publish's tier.
      await paced('views.publish', undefined, () => client.views.publish({ user_id: userId, view }));
    },
    async userEmail(userId) {
      const r = await paced('users.info', undefined, () => client.users.info({ user: userId }));
      return r.user?.profile?.email;
    },
    async userIdByEmail(email) {
      try {
        const r = await paced('users.lookupByEmail', undefined, () => client.users.lookupByEmail({ email }));
        return r.user?.id;
      } catch (err) {
        // users_not_found: not everyone in Harness is in this Slack workspace.
        if (permanentSlackError(err) === 'users_not_found') return undefined;
        throw err;
      }
    },
    async userName(userId) {
      const r = await paced('users.info', undefined, () => client.users.info({ user: userId }));
      return r.user?.real_name ?? r.user?.name;
    },
    findDelivered: (channel, deliveryKey, where) =>
      findMarkedMessage(client, channel, deliveryKey, where, paced),
    async userGroupMembers(groupId) {
      const r = await paced('usergroups.users.list', undefined, () =>
        client.usergroups.users.list({ usergroup: groupId }),
      );
      return r.users ?? [];
    },
    async userGroupIdByHandle(handle) {
      const r = await paced('usergroups.list', undefined, () => client.usergroups.list({}));
      return r.usergroups?.find((g) => g.handle === handle.replace(/^@/, ''))?.id;
    },
    async completeStep(functionExecutionId, token, outcome) {
      try {
        // The execution's own token (function_executed's bot_access_token), per call: Bolt's
        // complete()/fail() use it the same way (a WebClient on context.functionBotAccessToken).
        // Without one, the client's own (the app's bot token).
        const auth = token === undefined ? {} : { token };
        if ('outputs' in outcome)
          await paced('functions.completeSuccess', undefined, () =>
            client.functions.completeSuccess({
              ...auth,
              function_execution_id: functionExecutionId,
              outputs: outcome.outputs,
            }),
          );
        else
          await paced('functions.completeError', undefined, () =>
            client.functions.completeError({
              ...auth,
              function_execution_id: functionExecutionId,
              error: outcome.error,
            }),
          );
        return 'completed';
      } catch (err) {
        // https://api.slack.com/methods/functions.completeSuccess#errors: the execution "is no
        // longer in a state to be completed" or "cannot be found" once it was completed.
        const code = permanentSlackError(err);
        if (code === 'execution_not_in_running_state' || code === 'function_execution_not_found')
          return 'already_completed';
        throw err;
      }
    },
    async channelInfo(channelId) {
      try {
        const r = await interactive.conversations.info({ channel: channelId });
        const c = r.channel;
        return {
          name: c?.name,
          isPrivate: c?.is_private === true,
          isDirect: c?.is_im === true || c?.is_mpim === true,
          isMember: c?.is_member === true,
          isArchived: c?.is_archived === true,
        };
      } catch (err) {
        if (permanentSlackError(err) === 'channel_not_found') return undefined;
        throw err;
      }
    },
  };
}
