import type { HomeView, ModalView } from '@slack/types';
import type { ChannelInfo, SlackMessageContent, SlackPort } from '../../src/ports/slack.js';
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { ScriptedCalls } from './scripted-calls.js';

export type SlackMethod = keyof SlackPort;

/**
 * Failures as @slack/web-api throws them (`src/ports/slack-errors.ts` classifies them):
 * `platform` is an `ok: false` answer (`code: 'slack_webapi_platform_error'`, `data.error`):
 * permanent (`message_not_found`, `channel_not_found`, `is_archived`…) unless Slack documents it
 * as "try again" (`internal_error`…); `rateLimited` a 429 with Retry-After; `http` a bad HTTP
 * status (5xx: try again); `network` a request that got no answer.
 */
export const slackErrors = {
  platform: (error: string) => new WebAPIPlatformError({ ok: false, error }),
  rateLimited: (retryAfterSeconds = 1) => new WebAPIRateLimitedError(retryAfterSeconds),
  http: (status = 503) => new WebAPIHTTPError(status, 'Service Unavailable', {}, ''),
  network: () => new WebAPIRequestError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
};

/**
 * The arguments of a postMessage call (as `calls` and `fail(…, { when })` see them), named: for
 * scripting a failure of one kind of post.
 */
export function postOf(args: unknown[]): Omit<FakePost, 'error'> {
  // The arguments FakeSlack.postMessage records itself, in its own order.
  const [channel, content, threadTs] = args as [string, SlackMessageContent, string | undefined];
  return { channel, content, threadTs };
}

/** A message as the fake Slack keeps it: what it shows now (after the edits that landed). */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  broadcast: boolean;
  deliveryKey: string | undefined;
  content: SlackMessageContent;
  /** Every content it was edited to, in order (edits that failed are not here). */
  edits: SlackMessageContent[];
}

/** A private note (chat.postEphemeral) Slack took. */
export interface FakeEphemeral {
  channel: string;
  user: string;
  threadTs: string | undefined;
  content: SlackMessageContent;
}

/** One chat.postMessage the code under test tried, and the error it ended with (if any). */
export interface FakePost {
  channel: string;
  content: SlackMessageContent;
  threadTs: string | undefined;
  error: Error | undefined;
}

export interface FakePerson {
  name?: string;
  email?: string;
}

/**
 * A Slack that keeps the messages it was sent. Posts get increasing ts; an edit of a message it
 * does not have fails `message_not_found`, as Slack would. `findDelivered` finds a message by its
 * delivery key (in the thread when one is given). People are added with `person`; user groups
 * are empty and every channel has the bot as a member. Private notes Slack took are in
 * `ephemerals`; `posts()` is every post tried, failed ones included. Scripting (`fail`, `hold`,
 * `calls`, `called`, `each`) is ScriptedCalls's.
 */
export class FakeSlack extends ScriptedCalls<SlackMethod> implements SlackPort {
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  private readonly people = new Map<string, FakePerson>();
  private next = 1;

  person(id: string, p: FakePerson): this {
    this.people.set(id, p);
    return this;
  }

  /** The messages of a channel (thread replies included), oldest first. */
  in(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  /** Every chat.postMessage tried, in order, with the error of those that failed. */
  posts(): FakePost[] {
    return this.calls.flatMap((c) =>
      c.method === 'postMessage' ? [{ ...postOf(c.args), error: c.error }] : [],
    );
  }

  /** Every content the messages were edited to (edits that landed), message by message. */
  edits(): SlackMessageContent[] {
    return this.messages.flatMap((m) => m.edits);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Puts a message in a channel without recording a call (what an earlier life of the bot posted). */
  seed(channel: string, content: SlackMessageContent, threadTs?: string): FakeMessage {
    const m: FakeMessage = {
      channel,
      ts: `${String(1_700_000_000 + this.next++)}.000100`,
      threadTs,
      broadcast: false,
      deliveryKey: content.deliveryKey,
      content,
      edits: [],
    };
    this.messages.push(m);
    return m;
  }

  async postMessage(channel: string, content: SlackMessageContent, threadTs?: string, broadcast?: boolean) {
    await this.step('postMessage', [channel, content, threadTs, broadcast]);
    const m = this.seed(channel, content, threadTs);
    m.broadcast = broadcast ?? false;
    return { ts: m.ts, channel };
  }

  async updateMessage(channel: string, ts: string, content: SlackMessageContent): Promise<void> {
    await this.step('updateMessage', [channel, ts, content]);
    const m = this.message(channel, ts);
    if (m === undefined) throw slackErrors.platform('message_not_found');
    m.content = content;
    m.edits.push(content);
  }

  async postEphemeral(channel: string, user: string, content: SlackMessageContent, threadTs?: string) {
    await this.step('postEphemeral', [channel, user, content, threadTs]);
    this.ephemerals.push({ channel, user, threadTs, content });
  }

  async openView(triggerId: string, view: ModalView) {
    await this.step('openView', [triggerId, view]);
    return { viewId: `V${String(this.next++)}` };
  }

  async updateView(viewId: string, view: ModalView, hash?: string) {
    await this.step('updateView', [viewId, view, hash]);
  }

  async publishHome(userId: string, view: HomeView) {
    await this.step('publishHome', [userId, view]);
  }

  async userEmail(userId: string) {
    await this.step('userEmail', [userId]);
    return this.people.get(userId)?.email;
  }

  async userName(userId: string) {
    await this.step('userName', [userId]);
    return this.people.get(userId)?.name;
  }

  async userIdByEmail(email: string) {
    await this.step('userIdByEmail', [email]);
    return [...this.people].find(([, p]) => p.email?.toLowerCase() === email.toLowerCase())?.[0];
  }

  async userGroupMembers(groupId: string): Promise<string[]> {
    await this.step('userGroupMembers', [groupId]);
    return [];
  }

  async findDelivered(
    channel: string,
    deliveryKey: string,
    where: { threadTs: string | undefined; since: number },
  ) {
    await this.step('findDelivered', [channel, deliveryKey, where]);
    return this.messages.find(
      (m) =>
        m.channel === channel &&
        m.deliveryKey === deliveryKey &&
        (where.threadTs === undefined || m.threadTs === where.threadTs),
    )?.ts;
  }

  async userGroupIdByHandle(handle: string): Promise<string | undefined> {
    await this.step('userGroupIdByHandle', [handle]);
    return undefined;
  }

  /** Steps completed (functions.completeSuccess / completeError), by execution id; a second call finds it done. */
  readonly completedSteps = new Map<
    string,
    { token: string | undefined; outcome: { outputs: Record<string, string> } | { error: string } }
  >();

  async completeStep(
    functionExecutionId: string,
    token: string | undefined,
    outcome: { outputs: Record<string, string> } | { error: string },
  ): Promise<'completed' | 'already_completed'> {
    await this.step('completeStep', [functionExecutionId, token, outcome]);
    if (this.completedSteps.has(functionExecutionId)) return 'already_completed';
    this.completedSteps.set(functionExecutionId, { token, outcome });
    return 'completed';
  }

  async channelInfo(channelId: string): Promise<ChannelInfo | undefined> {
    await this.step('channelInfo', [channelId]);
    const direct = /^[DU]/.test(channelId);
    return {
      name: direct ? undefined : channelId,
      isPrivate: false,
      isDirect: direct,
      isMember: true,
      isArchived: false,
    };
  }
}
