import { ErrorCode } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { SlackMessageContent, SlackPort } from '../slack/slack-client.js';
import type { Store } from '../store/store.js';

export interface DeliveryTarget {
  channel: string;
  threadTs?: string;
  broadcast?: boolean;
}

/** What became of a delivery: on Slack (its ts), refused by Slack for good, or someone else's. */
export type DeliveryResult =
  { state: 'sent'; ts: string | undefined } | { state: 'refused' } | { state: 'busy' };

/**
 * Slack's own errors that pass with time (https://api.slack.com/methods/chat.postMessage#errors:
 * internal_error, fatal_error, service_unavailable, request_timeout, ratelimited).
 */
const PASSING = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** Slack answered and said no (channel_not_found, is_archived…): trying again would not help. */
function refusedForGood(err: unknown): boolean {
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e.code === ErrorCode.PlatformError && !PASSING.has(String(e.data?.error));
}

/**
 * Messages the bot posts exactly once per run and key (thread events, approval cards, private
 * notes, team notices). The intention is recorded before Slack is called and the outcome after;
 * an intention whose outcome is missing (the bot died in between) is settled by reading the
 * conversation back: the message carries its key as metadata, so it is found if it landed and
 * posted if it did not. A failure that may pass (network, 5xx) frees the intention and throws,
 * so the caller tries again later.
 */
export class Deliveries {
  /** Keys being posted by this process right now: not leftovers to repair. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly d: { store: Store; slack: SlackPort; logger: Logger; now: () => number }) {}

  /** Whether the delivery is on Slack (or refused for good): nothing left to do. */
  done(runId: string, key: string): boolean {
    return this.d.store.threadEvent(runId, key)?.sent === true;
  }

  async post(
    runId: string,
    key: string,
    target: DeliveryTarget,
    content: () => Promise<SlackMessageContent> | SlackMessageContent,
  ): Promise<DeliveryResult> {
    const id = `${runId}:${key}`;
    if (this.inFlight.has(id)) return { state: 'busy' };
    const prior = this.d.store.threadEvent(runId, key);
    if (prior?.sent === true) return { state: 'sent', ts: prior.ts };
    this.inFlight.add(id);
    try {
      if (prior === undefined) {
        if (!this.d.store.claimThreadEvent(runId, key, this.d.now())) return { state: 'busy' };
      } else {
        // Claimed by an earlier life of the bot that stopped before recording the outcome.
        const found = await this.readBack(target, id, prior.at);
        if (found !== undefined) {
          this.d.store.markThreadEventSent(runId, key, found);
          return { state: 'sent', ts: found };
        }
      }
      let message: SlackMessageContent;
      try {
        message = await content();
      } catch (err) {
        // Nothing was posted: the intention is dropped so the next attempt starts clean.
        this.d.store.releaseThreadEvent(runId, key);
        throw err;
      }
      return await this.send(runId, key, target, { ...message, deliveryKey: id });
    } finally {
      this.inFlight.delete(id);
    }
  }

  /**
   * The ts of the message if it is on Slack. When Slack refuses the reading for good (a scope
   * missing since an upgrade, a channel given by name), the message is posted again: told twice
   * beats a run that can never finish.
   */
  private async readBack(target: DeliveryTarget, id: string, since: number): Promise<string | undefined> {
    try {
      return await this.d.slack.findDelivered(target.channel, id, { threadTs: target.threadTs, since });
    } catch (err) {
      if (!refusedForGood(err)) throw err;
      this.d.logger.warn(
        { key: id, channel: target.channel, err: (err as Error).message },
        'could not read the conversation back (does the app have the history scopes?); posting again',
      );
      return undefined;
    }
  }

  private async send(
    runId: string,
    key: string,
    target: DeliveryTarget,
    content: SlackMessageContent,
  ): Promise<DeliveryResult> {
    try {
      const posted = await this.d.slack.postMessage(
        target.channel,
        content,
        target.threadTs,
        target.broadcast,
      );
      this.d.store.markThreadEventSent(runId, key, posted.ts);
      return { state: 'sent', ts: posted.ts };
    } catch (err) {
      if (refusedForGood(err)) {
        this.d.store.markThreadEventSent(runId, key, undefined);
        this.d.logger.warn(
          { runId, key, channel: target.channel, err: (err as Error).message },
          'Slack refused a message for good; not retrying it',
        );
        return { state: 'refused' };
      }
      this.d.store.releaseThreadEvent(runId, key);
      throw err;
    }
  }
}
