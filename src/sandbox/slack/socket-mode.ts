import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SocketConnections } from './socket-connections.js';
import type { ConnectionOptions } from './socket-connections.js';

export { MAX_CONNECTIONS } from './socket-connections.js';

/**
 * Slack's Socket Mode, server side: payloads travel as envelopes on the app's connections
 * (socket-connections.ts) and the app acknowledges each by `envelope_id`.
 * Sources: https://api.slack.com/apis/socket-mode, https://api.slack.com/apis/connections/socket-implement,
 * https://api.slack.com/methods/apps.connections.open, and the SDK that must talk to it
 * (slackapi/node-slack-sdk packages/socket-mode/src/SocketModeClient.ts).
 */

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What Slack makes of one envelope: the app's ack payload, or the error the person is shown. */
export type Delivered =
  | { ok: true; payload: Record<string, unknown>; retryAttempt: number }
  | { ok: false; error: 'dispatch_failed' | 'operation_timeout' };

export interface SocketModeOptions extends ConnectionOptions {
  /** Slack's 3-second acknowledgement deadline, the same as over HTTP. */
  ackDeadlineMs: number;
  /** Waits before each Events API retry (Slack: at once, after 1 minute, after 5 minutes). */
  eventRetryDelaysMs: readonly number[];
}

export interface DeliveryRecord {
  envelopeId: string;
  type: EnvelopeType;
  connection: number;
  retryAttempt: number;
  acked: boolean;
}

const ackSchema = z.object({
  envelope_id: z.string(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

interface Pending {
  resolve: (payload: Record<string, unknown> | undefined) => void;
  record: DeliveryRecord;
}

export class SocketModeServer extends SocketConnections {
  /** Every envelope sent, in order (a retry is a new record with the same envelope id). */
  readonly deliveries: DeliveryRecord[] = [];
  private readonly pending = new Map<string, Pending>();
  private turn = 0;

  constructor(
    private readonly opts: SocketModeOptions,
    baseUrl: () => string,
  ) {
    super(opts, baseUrl);
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

  private attempt(
    envelopeId: string,
    type: EnvelopeType,
    payload: Record<string, unknown>,
    attempt: number,
  ): Promise<Delivered> {
    // Each envelope goes to one of the open connections (what replicas rely on); never to one
    // whose close has begun.
    const ready = this.ready();
    const target = ready[this.turn++ % Math.max(1, ready.length)];
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
          this.cancel(timer);
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

  protected onClose(): void {
    for (const p of this.pending.values()) p.resolve(undefined);
  }

  protected onMessage(text: string): void {
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
