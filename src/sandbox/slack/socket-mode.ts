import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { z } from 'zod';

/**
 * Slack's Socket Mode, server side: `apps.connections.open` hands out a one-time WebSocket URL,
 * the socket says `hello`, payloads travel as envelopes the app acknowledges by `envelope_id`.
 * Sources: https://api.slack.com/apis/socket-mode, https://api.slack.com/apis/connections/socket-implement,
 * https://api.slack.com/methods/apps.connections.open, and the SDK that must talk to it
 * (slackapi/node-slack-sdk packages/socket-mode/src/SocketModeClient.ts).
 */

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What Slack makes of one envelope: the app's ack payload, or the error the person is shown. */
export type Delivered =
  | { ok: true; payload: Record<string, unknown>; retryAttempt: number }
  | { ok: false; error: 'dispatch_failed' | 'operation_timeout' };

export interface SocketModeOptions {
  appToken: string | undefined;
  appId: string;
  /** Slack's 3-second acknowledgement deadline, the same as over HTTP. */
  ackDeadlineMs: number;
  /** Waits before each Events API retry (Slack: at once, after 1 minute, after 5 minutes). */
  eventRetryDelaysMs: readonly number[];
  /** How long after a `warning` disconnect message Slack closes the socket itself. */
  closeAfterWarningMs: number;
}

export interface DeliveryRecord {
  envelopeId: string;
  type: EnvelopeType;
  connection: number;
  retryAttempt: number;
  acked: boolean;
}

/** Slack allows an app at most 10 open Socket Mode connections (https://api.slack.com/apis/socket-mode). */
export const MAX_CONNECTIONS = 10;

const ackSchema = z.object({
  envelope_id: z.string(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

interface Pending {
  resolve: (payload: Record<string, unknown> | undefined) => void;
  record: DeliveryRecord;
}

export class SocketModeServer {
  /** Every envelope sent, in order (a retry is a new record with the same envelope id). */
  readonly deliveries: DeliveryRecord[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open: { id: number; socket: WebSocket }[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly changes = new EventEmitter();
  private nextConnection = 0;
  private turn = 0;

  constructor(
    private readonly opts: SocketModeOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** Takes WebSocket upgrades for `/link/?ticket=…` on the emulator's HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const ticket = url.searchParams.get('ticket') ?? '';
      // A URL from apps.connections.open serves one connection; reconnecting means asking again.
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.accept(ws);
      });
    });
  }

  /** `apps.connections.open`: only the app-level token opens a connection. */
  connectionsOpen(token: string | undefined): Record<string, unknown> {
    if (token === undefined) return { ok: false, error: 'not_authed' };
    // https://api.slack.com/methods/apps.connections.open#errors: bot and user tokens are the wrong type.
    if (/^xox[bpe]-/.test(token)) return { ok: false, error: 'not_allowed_token_type' };
    if (this.opts.appToken === undefined || token !== this.opts.appToken)
      return { ok: false, error: 'invalid_auth' };
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    const ws = this.baseUrl().replace(/^http/, 'ws');
    return { ok: true, url: `${ws}/link/?ticket=${ticket}&app_id=${this.opts.appId}` };
  }

  get connectionCount(): number {
    return this.open.length;
  }

  /** Resolves once the number of open connections passes `test` (e.g. the bot reconnected). */
  async whenConnections(test: (open: number) => boolean, timeoutMs = 10_000): Promise<void> {
    if (test(this.open.length)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.changes.off('change', check);
        reject(
          new Error(`Socket Mode connections did not change as expected (open: ${String(this.open.length)})`),
        );
      }, timeoutMs);
      const check = (): void => {
        if (!test(this.open.length)) return;
        clearTimeout(timer);
        this.changes.off('change', check);
        resolve();
      };
      this.changes.on('change', check);
    });
  }

  /**
   * Sends one envelope to one open connection and waits for its ack. Events API envelopes that
   * are not acknowledged in time are retried with `retry_attempt`/`retry_reason`; slash commands
   * and interactions are not: the person sees the error instead.
   */
  async deliver(type: EnvelopeType, payload: Record<string, unknown>): Promise<Delivered> {
    const envelopeId = randomUUID();
    const delays = type === 'events_api' ? this.opts.eventRetryDelaysMs : [];
    for (let attempt = 0; ; attempt++) {
      const answer = await this.attempt(envelopeId, type, payload, attempt);
      if (answer.ok) return answer;
      const delay = delays[attempt];
      if (delay === undefined) return answer;
      await this.sleep(delay);
    }
  }

  /** Sends a `disconnect` message; after `warning` Slack closes the socket itself soon after. */
  sendDisconnect(reason: 'warning' | 'refresh_requested', connection?: number): void {
    for (const c of this.select(connection)) {
      c.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulated' } }));
      if (reason === 'warning')
        this.later(this.opts.closeAfterWarningMs, () => {
          c.socket.close(1000);
        });
    }
  }

  /** Drops connections without a close handshake, as a network failure would. */
  drop(connection?: number): void {
    for (const c of this.select(connection)) c.socket.terminate();
  }

  get connectionIds(): number[] {
    return this.open.map((c) => c.id);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const p of this.pending.values()) p.resolve(undefined);
    for (const c of this.open) c.socket.terminate();
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
  }

  private accept(ws: WebSocket): void {
    if (this.open.length >= MAX_CONNECTIONS) {
      // What Slack tells an app over its connection limit (slackapi/node-slack-sdk#1762).
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets' }));
      ws.close(1008);
      return;
    }
    const connection = { id: ++this.nextConnection, socket: ws };
    this.open.push(connection);
    ws.on('message', (data: Buffer) => {
      this.onAck(data.toString('utf8'));
    });
    ws.on('close', () => {
      const i = this.open.indexOf(connection);
      if (i >= 0) this.open.splice(i, 1);
      this.changes.emit('change');
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.length,
        debug_info: { host: 'applink-emulated', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.opts.appId },
      }),
    );
    this.changes.emit('change');
  }

  private attempt(
    envelopeId: string,
    type: EnvelopeType,
    payload: Record<string, unknown>,
    attempt: number,
  ): Promise<Delivered> {
    // Each envelope goes to one of the open connections (what replicas rely on).
    const target = this.open[this.turn++ % Math.max(1, this.open.length)];
    // No connection: Slack cannot dispatch (bolt-js#2216: "dispatch_failed" when the app is not connected).
    if (target === undefined) return Promise.resolve({ ok: false, error: 'dispatch_failed' });
    const record: DeliveryRecord = {
      envelopeId,
      type,
      connection: target.id,
      retryAttempt: attempt,
      acked: false,
    };
    this.deliveries.push(record);
    const accepts = acceptsResponsePayload(type, payload);
    target.socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: accepts,
        ...(type === 'events_api'
          ? { retry_attempt: attempt, retry_reason: attempt === 0 ? '' : 'timeout' }
          : {}),
      }),
    );
    return new Promise((resolve) => {
      const timer = this.later(this.opts.ackDeadlineMs, () => {
        this.pending.delete(envelopeId);
        resolve({ ok: false, error: 'operation_timeout' });
      });
      this.pending.set(envelopeId, {
        record,
        resolve: (ack) => {
          clearTimeout(timer);
          this.timers.delete(timer);
          this.pending.delete(envelopeId);
          resolve(
            ack === undefined
              ? { ok: false, error: 'operation_timeout' }
              : // Slack drops a payload the envelope did not ask for.
                { ok: true, payload: accepts ? ack : {}, retryAttempt: attempt },
          );
        },
      });
    });
  }

  private onAck(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const ack = ackSchema.safeParse(parsed);
    if (!ack.success) return;
    // A late ack (after the deadline) finds nothing pending and is ignored, as Slack ignores it.
    const p = this.pending.get(ack.data.envelope_id);
    if (p === undefined) return;
    p.record.acked = true;
    p.resolve(ack.data.payload ?? {});
  }

  private select(connection: number | undefined): { id: number; socket: WebSocket }[] {
    return this.open.filter((c) => connection === undefined || c.id === connection);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }
}

/**
 * Slash commands, view submissions and option requests take a response in the ack (the message,
 * `response_action`, `options`); block actions and events do not
 * (https://api.slack.com/apis/connections/socket-implement#responding).
 */
function acceptsResponsePayload(type: EnvelopeType, payload: Record<string, unknown>): boolean {
  if (type === 'slash_commands') return true;
  if (type === 'events_api') return false;
  return payload.type === 'view_submission' || payload.type === 'block_suggestion';
}
