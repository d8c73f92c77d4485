import type { Logger } from '../logger.js';
import type { SlackMessageContent, SlackPort } from '../ports/slack.js';
import { classifySlackError, permanentSlackError } from '../ports/slack-errors.js';
import type { Store } from '../ports/store.js';
import { errorMessage } from '../errors.js';

export interface DeliveryTarget {
  channel: string;
  threadTs?: string;
  broadcast?: boolean;
  /**
   * Where the message goes instead when the thread is gone (its parent was deleted: Slack answers
   * `thread_not_found` or `message_not_found`); read back there too after a crash.
   */
  orElse?: DeliveryTarget;
}

/**
 * What became of a delivery: on Slack (its ts), refused by Slack for good (a permanent error,
 * audited as `slack.gave_up`; `error` is unknown when an earlier life of the bot recorded it), or
 * someone else's.
 */
export type DeliveryResult =
  { state: 'sent'; ts: string } | { state: 'refused'; error: string | undefined } | { state: 'busy' };

const THREAD_GONE = new Set(['thread_not_found', 'message_not_found']);

/**
 * Messages the bot posts exactly once per run and key (thread events, approval cards, private
 * notes, team notices). The intention is recorded before Slack is called and the outcome after;
 * an intention whose outcome is missing (the bot died in between) is settled by reading the
 * conversation back: the message carries its key as metadata, so it is found if it landed and
 * posted if it did not. Posts and read-backs go through the background client and its scheduler
 * (`SlackPort`), so a 429 waits there. A permanent Slack error (`slack-errors.ts`: the channel is
 * archived, the bot was removed) is an outcome: recorded, audited, never retried. A failure that
 * may pass (network, 5xx) or a stop while waiting frees the intention and throws, so the caller
 * tries again later (or the next life of the bot does).
 */
export class Deliveries {
  /** Keys being posted by this process right now: not leftovers to repair. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly d: { store: Store; slack: SlackPort; logger: Logger; now: () => number }) {}

  /** Whether the delivery is on Slack (or refused for good): nothing left to do. */
  async done(runId: string, key: string): Promise<boolean> {
    return (await this.d.store.claims.threadEvent(runId, key))?.sent === true;
  }

  async post(
    runId: string,
    key: string,
    target: DeliveryTarget,
    content: () => Promise<SlackMessageContent> | SlackMessageContent,
  ): Promise<DeliveryResult> {
    const id = `${runId}:${key}`;
    if (this.inFlight.has(id)) return { state: 'busy' };
    // Taken before the first await: a second call meanwhile must not read the same leftover claim.
    this.inFlight.add(id);
    try {
      const prior = await this.d.store.claims.threadEvent(runId, key);
      if (prior?.sent === true)
        return prior.ts === undefined
          ? { state: 'refused', error: undefined }
          : { state: 'sent', ts: prior.ts };
      if (prior === undefined) {
        if (!(await this.d.store.claims.claimThreadEvent(runId, key, this.d.now()))) return { state: 'busy' };
      } else {
        // Claimed by an earlier life of the bot that stopped before recording the outcome.
        const found =
          (await this.readBack(target, id, prior.at)) ??
          (target.orElse === undefined ? undefined : await this.readBack(target.orElse, id, prior.at));
        if (found !== undefined) {
          await this.d.store.claims.markThreadEventSent(runId, key, found);
          return { state: 'sent', ts: found };
        }
      }
      let message: SlackMessageContent;
      try {
        message = await content();
      } catch (err) {
        // Nothing was posted: the intention is dropped so the next attempt starts clean.
        await this.d.store.claims.releaseThreadEvent(runId, key);
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
      if (permanentSlackError(err) === undefined) throw err;
      this.d.logger.warn(
        { key: id, channel: target.channel, err: errorMessage(err) },
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
      const posted = await this.postTo(target, content);
      await this.d.store.claims.markThreadEventSent(runId, key, posted.ts);
      return { state: 'sent', ts: posted.ts };
    } catch (err) {
      const failure = classifySlackError(err);
      if (failure.kind === 'permanent') {
        await this.d.store.claims.markThreadEventSent(runId, key, undefined);
        await this.d.store.audit.record({
          at: this.d.now(),
          actor: 'slack',
          action: 'slack.gave_up',
          workflowId: undefined,
          runId,
          details: { method: 'chat.postMessage', event: key, channel: target.channel, error: failure.error },
        });
        this.d.logger.warn(
          { runId, key, channel: target.channel, error: failure.error },
          'Slack refused a message for good; not retrying it',
        );
        return { state: 'refused', error: failure.error };
      }
      await this.d.store.claims.releaseThreadEvent(runId, key);
      throw err;
    }
  }

  /** Posts at `target`, or at its `orElse` when the thread it replies in is gone. */
  private async postTo(target: DeliveryTarget, content: SlackMessageContent): Promise<{ ts: string }> {
    try {
      return await this.d.slack.postMessage(target.channel, content, target.threadTs, target.broadcast);
    } catch (err) {
      const error = permanentSlackError(err);
      if (target.orElse === undefined || error === undefined || !THREAD_GONE.has(error)) throw err;
      this.d.logger.warn({ channel: target.channel, error }, 'the thread is gone; posting beside it');
      return this.postTo(target.orElse, content);
    }
  }
}
