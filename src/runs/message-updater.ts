import PQueue from 'p-queue';
import type { Logger } from '../logger.js';
import type { SlackMessageContent, SlackPort } from '../slack/slack-client.js';

/**
 * Coalesces edits of Slack messages: for each message only the newest content is sent, one
 * edit at a time, so a card never shows an older state after a newer one and a burst of
 * changes costs one call. All edits share a budget under chat.update's tier (about 50 per
 * minute per workspace); a final state (a run or approval that ended) goes ahead of progress
 * edits. A failed edit is retried until it lands: the final state is always delivered.
 */
export class MessageUpdater {
  private readonly latest = new Map<
    string,
    { channel: string; ts: string; content: SlackMessageContent; version: number; final: boolean }
  >();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly queue: PQueue;
  private readonly retryDelayMs: number;
  private closed = false;

  constructor(
    private readonly slack: SlackPort,
    private readonly logger: Logger,
    opts: { perMinute?: number; retryDelayMs?: number } = {},
  ) {
    const perMinute = opts.perMinute ?? 45;
    this.queue = new PQueue({ intervalCap: Math.max(1, Math.floor(perMinute / 12)), interval: 5000 });
    this.retryDelayMs = opts.retryDelayMs ?? 2000;
  }

  /** Asks for `content` to be shown; returns once it (or something newer) is on Slack. */
  set(channel: string, ts: string, content: SlackMessageContent, final = false): Promise<void> {
    const key = `${channel}:${ts}`;
    const previous = this.latest.get(key);
    this.latest.set(key, { channel, ts, content, version: (previous?.version ?? 0) + 1, final });
    const running = this.inFlight.get(key);
    if (running !== undefined) {
      if (final) this.promote(key);
      return running;
    }
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
    this.queue.clear();
  }

  private promote(key: string): void {
    try {
      this.queue.setPriority(key, 1);
    } catch {
      // Not waiting in the queue (being sent now): the next round picks the final content up.
    }
  }

  private async flush(key: string): Promise<void> {
    let sent = 0;
    for (let attempt = 0; !this.closed;) {
      const want = this.latest.get(key);
      if (want === undefined || want.version === sent) return;
      try {
        await this.queue.add(
          async () => {
            // Whatever is newest when our turn comes is what goes out.
            const now = this.latest.get(key) ?? want;
            await this.slack.updateMessage(now.channel, now.ts, now.content);
            sent = now.version;
          },
          { priority: want.final ? 1 : 0, id: key },
        );
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
