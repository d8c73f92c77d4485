import pThrottle from 'p-throttle';
import type { Logger } from '../logger.js';
import type { SlackMessageContent, SlackPort } from '../slack/slack-client.js';

/**
 * Coalesces edits of Slack messages: for each message only the newest content is sent, one
 * edit at a time, so a card never shows an older state after a newer one and a burst of
 * changes costs one call. All edits share a budget under chat.update's tier (50/min per
 * workspace). A failed edit is retried until it lands: the final state is always delivered.
 */
export class MessageUpdater {
  private readonly latest = new Map<
    string,
    { channel: string; ts: string; content: SlackMessageContent; version: number }
  >();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly throttle: () => Promise<void>;
  private closed = false;

  constructor(
    private readonly slack: SlackPort,
    private readonly logger: Logger,
    opts: { perMinute?: number; retryDelayMs?: number } = {},
  ) {
    const perMinute = opts.perMinute ?? 45;
    this.throttle = pThrottle({ limit: Math.max(1, Math.floor(perMinute / 12)), interval: 5000 })(
      async () => {
        // The turn itself is the point.
      },
    );
    this.retryDelayMs = opts.retryDelayMs ?? 2000;
  }

  private readonly retryDelayMs: number;

  /** Asks for `content` to be shown; returns once it (or something newer) is on Slack. */
  set(channel: string, ts: string, content: SlackMessageContent): Promise<void> {
    const key = `${channel}:${ts}`;
    const previous = this.latest.get(key);
    this.latest.set(key, { channel, ts, content, version: (previous?.version ?? 0) + 1 });
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const flush = this.flush(key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flush);
    return flush;
  }

  /** Resolves when every pending edit has landed (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  close(): void {
    this.closed = true;
  }

  private async flush(key: string): Promise<void> {
    let sent = 0;
    for (let attempt = 0; !this.closed;) {
      const want = this.latest.get(key);
      if (want === undefined || want.version === sent) return;
      await this.throttle();
      try {
        await this.slack.updateMessage(want.channel, want.ts, want.content);
        sent = want.version;
        attempt = 0;
      } catch (err) {
        attempt++;
        this.logger.warn(
          { err: (err as Error).message, channel: want.channel, ts: want.ts, attempt },
          'could not update a message; will retry',
        );
        await new Promise((r) =>
          setTimeout(r, Math.min(60_000, this.retryDelayMs * 2 ** Math.min(attempt, 5))),
        );
      }
    }
  }
}
