import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import type { RateGate } from '../ports/rate-gate.js';
import { classifySlackError, SlackClosedError } from '../ports/slack-errors.js';
import { createProcessRateGate } from '../process-rate-gate.js';
import { POST_MESSAGE_PER_CHANNEL, SLACK_METHOD_TIERS } from './rate-tiers.js';

/**
 * Slack counts a channel's posts when they arrive, the bot when it sends them: calls spaced
 * exactly one window apart arrive closer when the first one was slower on the wire, and the
 * last one is refused (429, which holds every post back for its Retry-After). A tenth more
 * room per window keeps that jitter inside it.
 */
const ARRIVAL_MARGIN = 1.1;

export interface SlackSchedulerOptions {
  logger: Logger;
  /** Multiplies every limit (tests against an emulator that does not enforce tiers go faster). */
  scale?: number;
  /**
   * Requests per minute for some methods instead of their tier (`rate-tiers.ts`), e.g. chat.update
   * from SLACK_EDITS_PER_MINUTE when other apps or workers share the workspace's budget.
   */
  perMinute?: Readonly<Record<string, number>>;
  now?: () => number;
  /**
   * Where turns are taken: the store's budgets (shared by every replica on PostgreSQL, so the
   * tiers hold for the deployment); by default this scheduler's own.
   */
  gate?: RateGate;
}

/**
 * The bot's own pacing of background Slack traffic (card edits, thread posts, DMs, lookups), so
 * 429s stay rare: each method under its tier, chat.postMessage also about once a second per
 * channel. When Slack still answers 429, only that method waits its Retry-After; every other
 * method goes on. (WebClient's own handling pauses its whole queue on any 429:
 * slackapi/node-slack-sdk packages/web-api/src/WebClient.ts, `this.requestQueue.pause()` in
 * makeRequest; the background client therefore rejects rate-limited calls and this class waits.)
 */
export class SlackScheduler {
  private readonly pausedUntil = new Map<string, number>();
  private readonly stop = new AbortController();
  private readonly scale: number;
  private readonly now: () => number;
  private readonly rateGate: RateGate;

  constructor(private readonly o: SlackSchedulerOptions) {
    this.scale = o.scale ?? 1;
    this.now = o.now ?? Date.now;
    this.rateGate = o.gate ?? createProcessRateGate();
  }

  /** Runs `send` in `method`'s turn; a 429 waits its Retry-After and tries again until closed. */
  async call<T>(method: string, channel: string | undefined, send: () => Promise<T>): Promise<T> {
    for (;;) {
      await this.turn(method, channel);
      try {
        return await send();
      } catch (err) {
        const f = classifySlackError(err);
        if (f.kind !== 'rate_limited') throw err;
        const until = Math.max(this.pausedUntil.get(method) ?? 0, this.now() + f.retryAfterMs);
        this.pausedUntil.set(method, until);
        this.o.logger.warn({ method, retryAfterMs: f.retryAfterMs }, 'Slack rate-limited a method; it waits');
      }
    }
  }

  /** Ends every wait: pending and later calls fail with SlackClosedError. */
  close(): void {
    this.stop.abort(new SlackClosedError());
  }

  get closed(): boolean {
    return this.stop.signal.aborted;
  }

  private async turn(method: string, channel: string | undefined): Promise<void> {
    for (;;) {
      if (this.closed) throw new SlackClosedError();
      const wait = (this.pausedUntil.get(method) ?? 0) - this.now();
      if (wait <= 0) break;
      await sleep(wait, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
    await this.gate(method, this.o.perMinute?.[method] ?? SLACK_METHOD_TIERS[method], 60_000)?.();
    if (method === 'chat.postMessage' && channel !== undefined)
      await this.gate(
        `${method}:${channel}`,
        POST_MESSAGE_PER_CHANNEL.burst,
        (POST_MESSAGE_PER_CHANNEL.burst * 1000 * ARRIVAL_MARGIN) / POST_MESSAGE_PER_CHANNEL.perSecond,
      )?.();
    // Closed while waiting for the turn: the throttle's abort reason is the SlackClosedError.
    this.stop.signal.throwIfAborted();
  }

  private gate(key: string, limit: number | undefined, interval: number): (() => Promise<void>) | undefined {
    if (limit === undefined) return undefined;
    // strict: never more than `limit` in any `interval`, the sliding window Slack counts in.
    const rule = { limit: Math.max(1, Math.floor(limit * this.scale)), windowMs: interval };
    return () => this.rateGate.turn(`slack:${key}`, rule, this.stop.signal);
  }
}
