import { randomBytes } from 'node:crypto';
import { heldUntilGone } from '../../harness/simulator/hold.js';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { isRecord } from '../../is-record.js';
import { replyFromEnvelope, signedPost } from './delivery.js';
import type { BotReply, Signing } from './delivery.js';
import type { PublishedHome } from './home-tab.js';
import { enter, findInput, stateFor } from './form-state.js';
import type { Answer } from './form-state.js';
import {
  BOT_USER_ID,
  DEFAULT_CHANNELS,
  DEFAULT_SCOPES,
  DEFAULT_USER_GROUPS,
  DEFAULT_USERS,
} from './state.js';
import type { EmulatedChannel, EmulatedMessage, EmulatedUser, EmulatedView, Ephemeral } from './state.js';
import { RateLimits } from './rate-limits.js';
import { SocketModeServer } from './socket-mode.js';
import type { EnvelopeType } from './socket-mode.js';
import { callMethod, removeMessage, replaceView, viewJson } from './web-api.js';
import { FunctionExecutions } from './functions-api.js';
import type { EmulatedExecution } from './functions-api.js';
import type { StepFunction } from '../../catalogue/step-functions.js';
import type { WorkspaceState } from './web-api.js';

export interface SlackEmulatorOptions {
  port?: number;
  signingSecret: string;
  botToken: string;
  /** Where the bot receives events (`http://127.0.0.1:3000/slack/events`); settable later. */
  botUrl?: string;
  users?: EmulatedUser[];
  triggerTtlMs?: number;
  /** How long a step execution's `bot_access_token` lives (default 15 minutes, `functions-api.ts`). */
  functionTokenTtlMs?: number;
  /** The bot token's scopes (default: slack-app.yaml's); drop `chat:write.public` to model an app without it. */
  scopes?: string[];
  /** Enforce Slack's per-method tiers and per-channel pace (`rate-limits.ts`); off in most tests. */
  enforceRateLimits?: boolean;
  /** How payloads reach the bot: signed HTTP POSTs (default) or Socket Mode envelopes. */
  transport?: Transport;
  /** The app-level token (`xapp-…`) that may open Socket Mode connections. */
  appToken?: string;
  /** Slack's acknowledgement deadline (3 s) for both transports. */
  ackDeadlineMs?: number;
  /** Waits before Events API retries over Socket Mode (Slack: at once, 1 minute, 5 minutes). */
  eventRetryDelaysMs?: number[];
  /** How long after a `warning` disconnect message the socket is closed (Slack: about 10 s). */
  closeAfterWarningMs?: number;
  /** The app's custom steps (slack-app.yaml's `functions:`), to check what Workflow Builder sends and takes. */
  functions?: Record<string, StepFunction>;
}

export type Transport = 'http' | 'socket';
export type { BotReply } from './delivery.js';

/** Events API retry schedule: https://api.slack.com/apis/events-api#retries. */
const EVENT_RETRY_DELAYS_MS = [0, 60_000, 300_000];

export interface HoldOptions {
  ms: number;
  when: 'before' | 'after';
  match?: (args: Record<string, unknown>) => boolean;
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  status: number;
  ok: boolean;
  error: string | undefined;
}

/**
 * A loopback Slack: answers the Web API the bot uses and sends the bot correctly signed slash
 * commands and interaction payloads, like a person clicking in Slack would.
 */
export class SlackEmulator {
  readonly calls: ApiCall[] = [];
  /** What the bot sent to response_urls (`respond()`), newest last, with the conversation it shows in. */
  readonly responses: {
    url: string;
    channel: string | undefined;
    /** Who the response_url was given for: its ephemeral messages show to that person only. */
    user: string | undefined;
    body: Record<string, unknown>;
  }[] = [];
  private readonly responseChannels = new Map<string, { channel: string | undefined; user: string }>();
  private readonly changeListeners = new Set<() => void>();
  readonly ws: WorkspaceState;
  private readonly faults = new Map<string, { count: number; retryAfter?: number; error?: string }[]>();
  /** Slack's rate limits, and `limits.limitFor(method, ms, retryAfter)` to force 429s for a while. */
  readonly limits: RateLimits;
  private readonly holds: (HoldOptions & { method: string; arrived: () => void })[] = [];
  private server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  private seq = 0;
  url = '';
  apiUrl = '';
  botUrl: string | undefined;
  transport: Transport;
  readonly socketMode: SocketModeServer;
  private readonly ackDeadlineMs: number;
  /** Workflow Builder's runs of the app's custom steps (`functions-api.ts`). */
  readonly functions: FunctionExecutions;

  constructor(private readonly opts: SlackEmulatorOptions) {
    this.botUrl = opts.botUrl;
    this.transport = opts.transport ?? 'http';
    this.ackDeadlineMs = opts.ackDeadlineMs ?? 3000;
    this.socketMode = new SocketModeServer(
      {
        appToken: opts.appToken,
        appId: 'A0APP',
        ackDeadlineMs: this.ackDeadlineMs,
        eventRetryDelaysMs: opts.eventRetryDelaysMs ?? EVENT_RETRY_DELAYS_MS,
        // Slack warns about 10 seconds before it closes a connection (https://api.slack.com/apis/connections/socket-implement).
        closeAfterWarningMs: opts.closeAfterWarningMs ?? 10_000,
      },
      () => this.url,
    );
    this.socketMode.attach(this.server);
    this.limits = new RateLimits(opts.enforceRateLimits === true);
    this.functions = new FunctionExecutions(opts.functions, opts.botToken, opts.functionTokenTtlMs);
    let tsCounter = 0;
    const base = Math.floor(Date.now() / 1000);
    this.ws = {
      users: opts.users ?? DEFAULT_USERS,
      userGroups: DEFAULT_USER_GROUPS,
      channels: new Map(DEFAULT_CHANNELS.map((c) => [c.id, { ...c, members: [...c.members], messages: [] }])),
      views: new Map(),
      ephemerals: [],
      homeViews: new Map(),
      homes: new Map(),
      triggers: new Map(),
      botUserId: BOT_USER_ID,
      scopes: new Set(opts.scopes ?? DEFAULT_SCOPES),
      triggerTtlMs: opts.triggerTtlMs ?? 3000,
      nextTs: () =>
        `${String(base + Math.floor(++tsCounter / 1000))}.${String(tsCounter % 1000).padStart(6, '0')}`,
      nextId: (prefix) => `${prefix}${String(++this.seq).padStart(8, '0')}`,
    };
  }

  static async start(opts: SlackEmulatorOptions): Promise<SlackEmulator> {
    const e = new SlackEmulator(opts);
    await new Promise<void>((resolve) => e.server.listen(opts.port ?? 0, '127.0.0.1', resolve));
    e.url = `http://127.0.0.1:${String((e.server.address() as AddressInfo).port)}`;
    e.apiUrl = `${e.url}/api/`;
    return e;
  }

  async close(): Promise<void> {
    await this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  /** The next `count` calls to `method` fail: 429 with Retry-After, or `ok:false` with `error`. */
  failNext(
    method: string,
    count: number,
    fault: { retryAfter?: number; error?: string } = { retryAfter: 1 },
  ): void {
    const list = this.faults.get(method) ?? [];
    list.push({ count, ...fault });
    this.faults.set(method, list);
  }

  /** Someone (the author or an admin) deletes a message, as from Slack's message menu. */
  deleteMessage(channelId: string, ts: string): void {
    removeMessage(this.channel(channelId), ts);
  }

  /**
   * Holds the next call of `method` (that `match` accepts) for `ms`, to widen a window in which
   * the bot can die: `before` it is applied (a caller that goes away meanwhile leaves it undone,
   * as a request that never reached Slack), or `after` (applied, only the answer is late, as a
   * response lost on the way back). Resolves when the call arrives.
   */
  holdNext(method: string, opts: HoldOptions): Promise<void> {
    return new Promise((resolve) => {
      this.holds.push({ ...opts, method, arrived: resolve });
    });
  }

  /**
   * Calls `listener` after anything the bot did through the Web API or a response_url, and after
   * a person's entry in a view: the sandbox page's change feed. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  channel(id: string): EmulatedChannel {
    const c = this.ws.channels.get(id);
    if (c === undefined) throw new Error(`no channel ${id}`);
    return c;
  }

  /** Top-level messages of a channel (not thread replies). */
  messages(channelId: string): EmulatedMessage[] {
    return (this.ws.channels.get(channelId)?.messages ?? []).filter((m) => m.threadTs === undefined);
  }

  replies(channelId: string, threadTs: string): EmulatedMessage[] {
    return this.channel(channelId).messages.filter((m) => m.threadTs === threadTs);
  }

  ephemeralsFor(userId: string): Ephemeral[] {
    return this.ws.ephemerals.filter((e) => e.user === userId);
  }

  openViews(userId?: string): EmulatedView[] {
    return [...this.ws.views.values()].filter(
      (v) => !v.closed && (userId === undefined || v.userId === userId),
    );
  }

  view(viewId: string): EmulatedView {
    const v = this.ws.views.get(viewId);
    if (v === undefined) throw new Error(`no view ${viewId}`);
    return v;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const raw = await text(req);
    if (url.pathname.startsWith('/response/')) {
      const given = this.responseChannels.get(url.pathname);
      this.responses.push({
        url: url.pathname,
        channel: given?.channel,
        user: given?.user,
        body: parseArgs(raw, req.headers['content-type']),
      });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      this.changed();
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const auth = req.headers.authorization;
    const args = parseArgs(raw, req.headers['content-type']);
    const token =
      auth?.replace(/^Bearer\s+/i, '') ?? (typeof args.token === 'string' ? args.token : undefined);
    if (method === 'apps.connections.open') {
      this.reply(res, method, {}, 200, this.socketMode.connectionsOpen(token));
      return;
    }
    // An app-level token only opens connections; the Web API wants the bot token.
    if (token !== undefined && token === this.opts.appToken) {
      this.reply(res, method, args, 200, { ok: false, error: 'not_allowed_token_type' });
      return;
    }
    const executionToken = method.startsWith('functions.') && this.functions.isExecutionToken(token);
    if (token !== this.opts.botToken && !executionToken) {
      this.reply(res, method, args, 200, {
        ok: false,
        error: token === undefined ? 'not_authed' : 'invalid_auth',
      });
      return;
    }
    const fault: { retryAfter?: number; error?: string } | undefined =
      this.takeFault(method) ?? this.rateLimit(method, args);
    if (fault?.retryAfter !== undefined) {
      this.calls.push({ method, args, status: 429, ok: false, error: 'ratelimited' });
      res.writeHead(429, { 'Retry-After': String(fault.retryAfter), 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (fault?.error !== undefined) {
      this.reply(res, method, args, 200, { ok: false, error: fault.error });
      return;
    }
    const hold = this.takeHold(method, args);
    if (hold?.when === 'before' && (await heldUntilGone(res, hold.ms))) return;
    const r = this.functions.call(method, token, args) ?? callMethod(this.ws, method, args);
    this.changed();
    if (r.status === 429) return;
    if (hold?.when === 'after' && (await heldUntilGone(res, hold.ms))) return;
    this.reply(res, method, args, 200, r.body);
  }

  private reply(
    res: ServerResponse,
    method: string,
    args: Record<string, unknown>,
    status: number,
    body: Record<string, unknown>,
  ): void {
    this.calls.push({
      method,
      args,
      status,
      ok: body.ok === true,
      error: typeof body.error === 'string' ? body.error : undefined,
    });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private takeHold(method: string, args: Record<string, unknown>): HoldOptions | undefined {
    const i = this.holds.findIndex((h) => h.method === method && (h.match?.(args) ?? true));
    const hold = this.holds[i];
    if (hold === undefined) return undefined;
    this.holds.splice(i, 1);
    hold.arrived();
    return hold;
  }

  private takeFault(method: string): { retryAfter?: number; error?: string } | undefined {
    const list = this.faults.get(method);
    const first = list?.[0];
    if (first === undefined) return undefined;
    first.count--;
    if (first.count <= 0) list?.shift();
    return first;
  }

  private rateLimit(method: string, args: Record<string, unknown>): { retryAfter: number } | undefined {
    const retryAfter = this.limits.check(method, typeof args.channel === 'string' ? args.channel : undefined);
    return retryAfter === undefined ? undefined : { retryAfter };
  }

  // ---- what a person does in Slack, sent to the bot ----

  /** Types a slash command. The trigger_id it carries expires after 3 seconds, as in Slack. */
  async command(input: {
    command: string;
    text?: string;
    user: string;
    channel: string;
  }): Promise<BotReply & { triggerId: string }> {
    const triggerId = this.newTrigger(input.user);
    const channel = this.ws.channels.get(input.channel);
    const user = this.user(input.user);
    const responsePath = `/response/${randomBytes(6).toString('hex')}`;
    this.responseChannels.set(responsePath, { channel: input.channel, user: input.user });
    const fields = {
      token: 'legacy-verification-token',
      team_id: 'T0EMU',
      team_domain: 'emulated',
      channel_id: input.channel,
      channel_name: channel?.name ?? 'unknown',
      user_id: user.id,
      user_name: user.name,
      command: input.command,
      text: input.text ?? '',
      api_app_id: 'A0APP',
      is_enterprise_install: 'false',
      response_url: `${this.url}${responsePath}`,
      trigger_id: triggerId,
    };
    const reply = await this.deliver('slash_commands', fields, () =>
      this.send(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded'),
    );
    return { ...reply, triggerId };
  }

  /**
   * A person fills in a modal: each answer goes into its input block and stays in Slack; an
   * input with `dispatch_action` sends block_actions with the whole view state at once, and the
   * person goes on once the app has answered it with views.update (as they would, seeing the
   * form change). Answers for fields that only appear after such an update are entered then.
   */
  async fill(viewId: string, user: string, answers: Record<string, Answer>): Promise<void> {
    const pending = new Map(Object.entries(answers));
    for (let progress = true; progress && pending.size > 0;) {
      progress = false;
      for (const [name, answer] of pending) {
        const v = this.view(viewId);
        const entry = enter(v.view, name, answer);
        if (entry === undefined) continue;
        pending.delete(name);
        progress = true;
        v.input[entry.blockId] = { [entry.actionId]: entry.state };
        this.changed();
        if (entry.dispatches) {
          await this.dispatch(viewId, user, entry);
          break; // the view may have changed: match the rest against the new one
        }
      }
    }
  }

  private async dispatch(
    viewId: string,
    user: string,
    entry: { blockId: string; actionId: string; state: Record<string, unknown> },
  ): Promise<void> {
    const updates = () =>
      this.calls.filter((c) => c.method === 'views.update' && c.args.view_id === viewId).length;
    const before = updates();
    await this.viewBlockAction(viewId, user, {
      ...entry.state,
      action_id: entry.actionId,
      block_id: entry.blockId,
    });
    const until = Date.now() + 2000;
    while (updates() === before && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }

  /** Fills in (see `fill`) and submits a modal; applies the bot's `response_action` as Slack would. */
  async submitView(viewId: string, user: string, answers: Record<string, Answer> = {}): Promise<BotReply> {
    await this.fill(viewId, user, answers);
    const v = this.view(viewId);
    const payload = {
      type: 'view_submission',
      team: { id: 'T0EMU', domain: 'emulated' },
      user: { id: user, username: this.user(user).name, name: this.user(user).name, team_id: 'T0EMU' },
      api_app_id: 'A0APP',
      token: 'legacy-verification-token',
      trigger_id: this.newTrigger(user),
      view: viewJson(v, stateFor(v.view, v.input)),
      response_urls: [],
      is_enterprise_install: false,
    };
    const reply = await this.sendPayload(payload);
    const body = isRecord(reply.body) ? reply.body : {};
    if (reply.status !== 200) return reply;
    if (body.response_action === 'errors') return reply;
    if (body.response_action === 'update' && isRecord(body.view)) {
      replaceView(this.ws, v, body.view);
    } else if (body.response_action === 'clear') {
      for (const x of this.ws.views.values()) if (x.rootViewId === v.rootViewId) x.closed = true;
    } else {
      v.closed = true;
    }
    this.changed();
    return reply;
  }

  /**
   * The person closes a modal (its close button or ×): the whole stack goes. Slack tells the app
   * with view_closed only when the view set `notify_on_close`
   * (https://api.slack.com/reference/interaction-payloads/views#view_closed).
   */
  async closeView(viewId: string, user: string): Promise<BotReply | undefined> {
    const v = this.view(viewId);
    for (const x of this.ws.views.values()) if (x.rootViewId === v.rootViewId) x.closed = true;
    this.changed();
    if (v.view.notify_on_close !== true) return undefined;
    return this.sendPayload({
      type: 'view_closed',
      team: { id: 'T0EMU', domain: 'emulated' },
      user: { id: user, username: this.user(user).name, team_id: 'T0EMU' },
      api_app_id: 'A0APP',
      view: viewJson(v, stateFor(v.view, v.input)),
      is_cleared: true,
    });
  }

  /** Clicks a button in a modal (e.g. Back). */
  async viewButton(viewId: string, user: string, actionId: string): Promise<BotReply> {
    const v = this.view(viewId);
    const button = findElement(v.view.blocks, actionId);
    if (button === undefined) throw new Error(`no button ${actionId} in view ${viewId}`);
    return this.viewBlockAction(viewId, user, {
      type: 'button',
      action_id: actionId,
      block_id: button.blockId,
      value: button.element.value,
    });
  }

  /** block_actions from a modal carry its whole state (Slack changelog, 2020-09: full view state). */
  private viewBlockAction(viewId: string, user: string, action: Record<string, unknown>): Promise<BotReply> {
    const v = this.view(viewId);
    return this.sendPayload({
      type: 'block_actions',
      team: { id: 'T0EMU', domain: 'emulated' },
      user: { id: user, username: this.user(user).name, team_id: 'T0EMU' },
      api_app_id: 'A0APP',
      container: { type: 'view', view_id: viewId },
      trigger_id: this.newTrigger(user),
      view: viewJson(v, stateFor(v.view, v.input)),
      actions: [{ ...action, action_ts: this.ws.nextTs() }],
    });
  }

  /**
   * Types into an external select (by block_id or field key): what options does the bot offer? Slack sends the view as of
   * its last views.open/views.update, and `state.values` holds nothing the person entered since
   * (slackapi/bolt-js#1146, slackapi/java-slack-sdk#1292; the full-state change of 2020 covered
   * block_actions and view_submission only: https://api.slack.com/reference/interaction-payloads/block-suggestion).
   */
  async suggest(viewId: string, user: string, field: string, typed: string): Promise<BotReply> {
    const v = this.view(viewId);
    const block = findInput(v.view, field);
    if (block === undefined) throw new Error(`no select ${field} in view ${viewId}`);
    return this.sendPayload({
      type: 'block_suggestion',
      user: { id: user, username: this.user(user).name, team_id: 'T0EMU' },
      container: { type: 'view', view_id: viewId },
      api_app_id: 'A0APP',
      token: 'legacy-verification-token',
      action_id: String(block.element.action_id),
      block_id: block.block_id,
      value: typed,
      team: { id: 'T0EMU', domain: 'emulated' },
      view: viewJson(v, {}),
    });
  }

  /** Clicks a button on a message (after any confirm dialog was accepted). */
  async clickMessageButton(channelId: string, ts: string, user: string, actionId: string): Promise<BotReply> {
    const message = this.channel(channelId).messages.find((m) => m.ts === ts);
    if (message === undefined) throw new Error(`no message ${ts}`);
    const button = findElement(message.blocks, actionId);
    if (button === undefined) throw new Error(`no button ${actionId} on message ${ts}`);
    const responsePath = `/response/${randomBytes(6).toString('hex')}`;
    this.responseChannels.set(responsePath, { channel: channelId, user });
    return this.sendPayload({
      type: 'block_actions',
      team: { id: 'T0EMU', domain: 'emulated' },
      user: { id: user, username: this.user(user).name, team_id: 'T0EMU' },
      api_app_id: 'A0APP',
      container: { type: 'message', message_ts: ts, channel_id: channelId, is_ephemeral: false },
      trigger_id: this.newTrigger(user),
      channel: { id: channelId, name: this.channel(channelId).name },
      message: {
        type: 'message',
        ts,
        text: message.text,
        blocks: message.blocks,
        user: message.user,
        ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
      },
      response_url: `${this.url}${responsePath}`,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: button.blockId,
          value: button.element.value,
          action_ts: this.ws.nextTs(),
        },
      ],
    });
  }

  /** Clicks a button on an ephemeral message the bot sent through a response_url. */
  async clickResponseButton(response: number, user: string, actionId: string): Promise<BotReply> {
    const r = this.responses[response];
    if (r === undefined) throw new Error(`no response ${String(response)}`);
    const button = findElement(r.body.blocks, actionId);
    if (button === undefined) throw new Error(`no button ${actionId} in response ${String(response)}`);
    const ts = this.ws.nextTs();
    return this.sendPayload({
      type: 'block_actions',
      team: { id: 'T0EMU', domain: 'emulated' },
      user: { id: user, username: this.user(user).name, team_id: 'T0EMU' },
      api_app_id: 'A0APP',
      container: { type: 'message', message_ts: ts, channel_id: r.channel, is_ephemeral: true },
      trigger_id: this.newTrigger(user),
      channel: { id: r.channel, name: this.ws.channels.get(r.channel ?? '')?.name ?? 'unknown' },
      response_url: `${this.url}${r.url}`,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: button.blockId,
          value: button.element.value,
          action_ts: ts,
        },
      ],
    });
  }

  /** Delivers an Events API event (e.g. `app_home_opened`) as Slack would. */
  async event(event: Record<string, unknown>): Promise<BotReply> {
    const body = {
      token: 'legacy-verification-token',
      team_id: 'T0EMU',
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: `Ev${String(++this.seq)}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    };
    return this.deliver('events_api', body, () => this.send(JSON.stringify(body), 'application/json'));
  }

  /**
   * Workflow Builder runs the app's step `callbackId` with these inputs: a `function_executed`
   * event goes to the bot. `event(functions.event(execution))` delivers it once more, as Slack's
   * retry of an event does.
   */
  async executeFunction(
    callbackId: string,
    inputs: Record<string, unknown>,
  ): Promise<{ execution: EmulatedExecution; reply: BotReply }> {
    const execution = this.functions.start(callbackId, inputs);
    return { execution, reply: await this.event(this.functions.event(execution)) };
  }

  async sendPayload(payload: Record<string, unknown>): Promise<BotReply> {
    return this.deliver('interactive', payload, () =>
      this.send(
        new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        'application/x-www-form-urlencoded',
      ),
    );
  }

  /** Every payload reaches the bot here, over the transport the app is set up for. */
  private async deliver(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    overHttp: () => Promise<BotReply>,
  ): Promise<BotReply> {
    if (this.transport === 'http') return overHttp();
    return replyFromEnvelope(await this.socketMode.deliver(type, payload));
  }

  /** Sends a body to the bot over HTTP, signed as Slack signs it; `sign` can forge or age the signature. */
  async send(body: string, contentType: string, sign: Signing = {}): Promise<BotReply> {
    if (this.botUrl === undefined)
      throw new Error('the emulator does not know where the bot listens (botUrl)');
    return signedPost(this.botUrl, body, contentType, this.opts.signingSecret, this.ackDeadlineMs, sign);
  }

  /** Each person's published Home (views.publish), with its view id and hash. */
  get homes(): ReadonlyMap<string, PublishedHome> {
    return this.ws.homes;
  }

  /** A trigger_id as Slack issues one with a click (Home buttons, `home-tab.ts`). */
  issueTrigger(userId: string): string {
    return this.newTrigger(userId);
  }

  private newTrigger(userId: string): string {
    const id = `${String(Date.now())}.${randomBytes(8).toString('hex')}`;
    this.ws.triggers.set(id, { createdAt: Date.now(), used: false, userId });
    return id;
  }

  private user(id: string): EmulatedUser {
    const u = this.ws.users.find((x) => x.id === id);
    if (u === undefined) throw new Error(`no user ${id}`);
    return u;
  }
}

function findElement(
  blocks: unknown,
  actionId: string,
): { blockId: string; element: Record<string, unknown> } | undefined {
  for (const b of Array.isArray(blocks) ? blocks : []) {
    if (!isRecord(b)) continue;
    const elements = Array.isArray(b.elements) ? b.elements : isRecord(b.accessory) ? [b.accessory] : [];
    for (const e of elements) {
      if (isRecord(e) && e.action_id === actionId)
        return { blockId: typeof b.block_id === 'string' ? b.block_id : '', element: e };
    }
  }
  return undefined;
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json') === true) {
    const v: unknown = raw === '' ? {} : JSON.parse(raw);
    return isRecord(v) ? v : {};
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
