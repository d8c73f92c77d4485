import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

/**
 * The connection side of Slack's Socket Mode: `apps.connections.open` hands out a one-time
 * WebSocket URL, the socket says `hello`, Slack may ask the app to reconnect or drop it.
 * Sources: https://api.slack.com/apis/socket-mode, https://api.slack.com/apis/connections/socket-implement,
 * https://api.slack.com/methods/apps.connections.open.
 */

export interface ConnectionOptions {
  appToken: string | undefined;
  appId: string;
  /** How long after a `warning` disconnect message Slack closes the socket itself. */
  closeAfterWarningMs: number;
}

/** Slack allows an app at most 10 open Socket Mode connections (https://api.slack.com/apis/socket-mode). */
export const MAX_CONNECTIONS = 10;

export interface Connection {
  id: number;
  socket: WebSocket;
}

export abstract class SocketConnections {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open: Connection[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly changes = new EventEmitter();
  private nextConnection = 0;

  constructor(
    private readonly connectionOpts: ConnectionOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** What the app sent on a connection (acknowledgements). */
  protected abstract onMessage(text: string): void;

  /** Called when the server closes, before the sockets go. */
  protected abstract onClose(): void;

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
    if (this.connectionOpts.appToken === undefined || token !== this.connectionOpts.appToken)
      return { ok: false, error: 'invalid_auth' };
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    const ws = this.baseUrl().replace(/^http/, 'ws');
    return { ok: true, url: `${ws}/link/?ticket=${ticket}&app_id=${this.connectionOpts.appId}` };
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

  /** Sends a `disconnect` message; after `warning` Slack closes the socket itself soon after. */
  sendDisconnect(reason: 'warning' | 'refresh_requested', connection?: number): void {
    for (const c of this.select(connection)) {
      c.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulated' } }));
      if (reason === 'warning')
        this.later(this.connectionOpts.closeAfterWarningMs, () => {
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
    this.onClose();
    for (const c of this.open) c.socket.terminate();
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
  }

  /** Open connections Slack may send on: never one whose close has begun. */
  protected ready(): Connection[] {
    return this.open.filter((c) => c.socket.readyState === c.socket.OPEN);
  }

  private accept(ws: WebSocket): void {
    if (this.open.length >= MAX_CONNECTIONS) {
      // What Slack tells an app over its connection limit (slackapi/node-slack-sdk#1762).
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets' }));
      ws.close(1008);
      return;
    }
    const connection: Connection = { id: ++this.nextConnection, socket: ws };
    this.open.push(connection);
    ws.on('message', (data: Buffer) => {
      this.onMessage(data.toString('utf8'));
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
        connection_info: { app_id: this.connectionOpts.appId },
      }),
    );
    this.changes.emit('change');
  }

  private select(connection: number | undefined): Connection[] {
    return this.open.filter((c) => connection === undefined || c.id === connection);
  }

  protected cancel(t: NodeJS.Timeout): void {
    clearTimeout(t);
    this.timers.delete(t);
  }

  protected later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }
}
