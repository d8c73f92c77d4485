import { POST_MESSAGE_PER_CHANNEL, SLACK_METHOD_TIERS } from '../../slack/rate-tiers.js';

/**
 * Slack's rate limits as the emulator applies them: each method's tier over a sliding minute, and
 * chat.postMessage's per-channel pace (https://api.slack.com/docs/rate-limits). Over a limit Slack
 * answers HTTP 429 with `Retry-After` in seconds. `limitFor` makes every call of one method answer
 * 429 for a while, as Slack does when an app has spent its budget elsewhere (other workers, other
 * installs of the same token).
 */
export class RateLimits {
  private readonly hits = new Map<string, number[]>();
  private readonly forced = new Map<string, { until: number; retryAfter: number }>();

  constructor(
    private readonly enforceTiers: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every call to `method` answers 429 with `Retry-After: retryAfter` for the next `forMs`. */
  limitFor(method: string, forMs: number, retryAfter: number): void {
    this.forced.set(method, { until: this.now() + forMs, retryAfter });
  }

  /** Seconds to wait when this call is over a limit; undefined when it may go. */
  check(method: string, channel: string | undefined): number | undefined {
    const now = this.now();
    const forced = this.forced.get(method);
    if (forced !== undefined && now < forced.until) return forced.retryAfter;
    if (!this.enforceTiers) return undefined;
    const perMinute = SLACK_METHOD_TIERS[method];
    const waits = [
      perMinute === undefined ? undefined : this.window(method, perMinute, 60_000, now),
      method === 'chat.postMessage' && channel !== undefined
        ? this.window(
            `${method}:${channel}`,
            POST_MESSAGE_PER_CHANNEL.burst,
            (POST_MESSAGE_PER_CHANNEL.burst * 1000) / POST_MESSAGE_PER_CHANNEL.perSecond,
            now,
          )
        : undefined,
    ].filter((w): w is number => w !== undefined);
    if (waits.length > 0) return Math.max(...waits);
    this.record(method, now);
    if (method === 'chat.postMessage' && channel !== undefined) this.record(`${method}:${channel}`, now);
    return undefined;
  }

  private window(key: string, limit: number, spanMs: number, now: number): number | undefined {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < spanMs);
    this.hits.set(key, recent);
    if (recent.length < limit) return undefined;
    return Math.max(1, Math.ceil((spanMs - (now - (recent[0] ?? now))) / 1000));
  }

  private record(key: string, now: number): void {
    this.hits.set(key, [...(this.hits.get(key) ?? []), now]);
  }
}
