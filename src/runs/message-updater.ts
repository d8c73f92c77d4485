import PQueue from 'p-queue';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../logger.js';
import { classifySlackError } from '../ports/slack-errors.js';
import type { SlackMessageContent, SlackPort } from '../ports/slack.js';

/** What became of an edit: on Slack, given up (the message is gone or cannot be edited), or the bot stopped. */
export type EditOutcome = 'shown' | 'gave_up' | 'closed';

/**
 * How soon an edit must go out, first to last: `ends` (a channel digest showing runs' ends: one
 * edit tells many people, `./channel-digest.ts`), `final` (a run or approval that ended: what
 * people wait for), `progress` (a step moved on), `fold` (a card catching up with an end its
 * channel's digest already shows). `final` and `fold` are a message's last content.
 */
export type EditUrgency = 'ends' | 'final' | 'progress' | 'fold';

const PRIORITY: Record<EditUrgency, number> = { ends: 3, final: 2, progress: 1, fold: 0 };

export interface MessageUpdaterOptions {
  retryDelayMs?: number;
  /** A permanent Slack error ended the edits of one message (for the audit trail). */
  onGiveUp?: (channel: string, ts: string, error: string) => Promise<void>;
}

/** The newest content asked for one message. */
interface Wanted {
  channel: string;
  ts: string;
  content: SlackMessageContent;
  version: number;
  urgency: EditUrgency;
}

/**
 * Coalesces edits of Slack messages: for each message only the newest content is sent, one
 * edit at a time, so a card never shows an older state after a newer one and a burst of
 * changes costs one call. Edits go one by one, a final state (a run or approval that ended)
 * ahead of progress edits, and those ahead of fold-backs (`EditUrgency`); within one urgency,
 * first asked, first sent, so every card waiting gets its turn before any card gets a second
 * one. chat.update's pace is the SlackScheduler's. A transient failure is
 * retried until it lands; a permanent one (the card was deleted, the channel archived) ends that
 * message's edits with a warning instead of retrying forever.
 */
export class MessageUpdater {
  private readonly latest = new Map<string, Wanted>();
  private readonly inFlight = new Map<string, Promise<EditOutcome>>();
  private readonly lost = new Map<string, string>();
  /** What each message shows now (until its final state): asking for it again costs no call. */
  private readonly shown = new Map<string, string>();
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly stop = new AbortController();
  private readonly retryDelayMs: number;

  constructor(
    private readonly slack: SlackPort,
    private readonly logger: Logger,
    private readonly opts: MessageUpdaterOptions = {},
  ) {
    this.retryDelayMs = opts.retryDelayMs ?? 2000;
  }

  /**
   * Asks for `content` to be shown (`true`: a final state); settles once it (or something newer)
   * is on Slack, or was given up.
   */
  set(
    channel: string,
    ts: string,
    content: SlackMessageContent,
    urgency: EditUrgency | boolean = 'progress',
  ): Promise<EditOutcome> {
    const want = urgency === true ? 'final' : urgency === false ? 'progress' : urgency;
    const final = want === 'final' || want === 'fold';
    const key = `${channel}:${ts}`;
    if (this.lost.has(key)) return Promise.resolve('gave_up');
    const running = this.inFlight.get(key);
    if (running === undefined && this.shown.get(key) === JSON.stringify(content)) {
      if (final) this.shown.delete(key);
      return Promise.resolve('shown');
    }
    const previous = this.latest.get(key);
    // A message's urgency never drops while it waits: a final state asked for earlier stays first.
    const kept =
      running !== undefined && previous !== undefined && PRIORITY[previous.urgency] > PRIORITY[want]
        ? previous.urgency
        : want;
    this.latest.set(key, { channel, ts, content, version: (previous?.version ?? 0) + 1, urgency: kept });
    if (running !== undefined) {
      this.promote(key, kept);
      return running;
    }
    const flush = this.flush(key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flush);
    return flush;
  }

  /** `content` was just posted as this message: asking for it again costs no call. */
  posted(channel: string, ts: string, content: SlackMessageContent): void {
    this.shown.set(`${channel}:${ts}`, JSON.stringify(content));
  }

  /** The Slack error that ended this message's edits, if they were given up. */
  lostBecause(channel: string, ts: string): string | undefined {
    return this.lost.get(`${channel}:${ts}`);
  }

  /** Resolves when every pending edit has landed or was given up (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Stops at once: edits not sent yet are dropped, waiting callers settle with 'closed'. */
  close(): void {
    this.stop.abort();
    this.queue.clear();
  }

  /** A method, not a property read, so the check is made anew after each await. */
  private stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private promote(key: string, urgency: EditUrgency): void {
    try {
      this.queue.setPriority(key, PRIORITY[urgency]);
    } catch {
      // Not waiting in the queue (being sent now): the next round picks the final content up.
    }
  }

  private async flush(key: string): Promise<EditOutcome> {
    let sent = 0;
    while (!this.stopped()) {
      const want = this.latest.get(key);
      if (want === undefined || want.version === sent) return 'shown';
      try {
        // Retried until it lands, the delay doubling from 2× retryDelayMs up to 32× (at most a minute).
        sent = await pRetry(() => this.send(key, want), {
          retries: Infinity,
          factor: 2,
          minTimeout: 2 * this.retryDelayMs,
          maxTimeout: Math.min(60_000, 32 * this.retryDelayMs),
          signal: this.stop.signal,
          onFailedAttempt: ({ error, attemptNumber }) => {
            this.logger.warn(
              { err: error.message, channel: want.channel, ts: want.ts, attempt: attemptNumber },
              'could not update a message; will retry',
            );
          },
        });
      } catch (err) {
        const failure = classifySlackError(err);
        if (failure.kind === 'closed' || this.stopped()) return 'closed';
        if (failure.kind === 'permanent') return this.giveUp(key, want, failure.error);
        throw err;
      }
    }
    return 'closed';
  }

  /**
   * One try at showing the newest content; resolves with the version shown. A permanent Slack
   * error or a stop ends the retries at once (AbortError); every other failure is tried again.
   */
  private async send(key: string, want: Wanted): Promise<number> {
    let version = want.version;
    try {
      await this.queue.add(
        async () => {
          // Whatever is newest when our turn comes is what goes out.
          const now = this.latest.get(key) ?? want;
          await this.slack.updateMessage(now.channel, now.ts, now.content);
          version = now.version;
          if (now.urgency === 'final' || now.urgency === 'fold') this.shown.delete(key);
          else this.shown.set(key, JSON.stringify(now.content));
        },
        { priority: PRIORITY[(this.latest.get(key) ?? want).urgency], id: key, signal: this.stop.signal },
      );
      return version;
    } catch (err) {
      const kind = classifySlackError(err).kind;
      const error = err instanceof Error ? err : new Error(String(err));
      if (kind === 'permanent' || kind === 'closed' || this.stopped()) throw new AbortError(error);
      // p-retry never retries a TypeError; slack-errors.ts calls any unknown failure transient.
      throw error instanceof TypeError ? new Error(error.message, { cause: error }) : error;
    }
  }

  private async giveUp(
    key: string,
    want: { channel: string; ts: string },
    error: string,
  ): Promise<EditOutcome> {
    this.lost.set(key, error);
    this.latest.delete(key);
    this.logger.warn(
      { channel: want.channel, ts: want.ts, error },
      'Slack refuses edits of this message for good; giving up on it',
    );
    await this.opts.onGiveUp?.(want.channel, want.ts, error);
    return 'gave_up';
  }
}
