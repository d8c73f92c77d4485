import type { Logger } from '../logger.js';
import { errorMessage } from '../errors.js';
import type { RunEventMap, RunEvents } from './run-events.js';

export interface HomeRefreshOptions {
  /** Builds and publishes one person's Home (views.publish, paced by the Slack scheduler). */
  publish: (slackUser: string) => Promise<void>;
  logger: Logger;
  /**
   * Least time between two publishes of one person's Home: changes meanwhile are gathered into
   * the next one. views.publish is Tier 4 (100+ per minute per workspace,
   * https://api.slack.com/methods/views.publish), shared by everyone's Home.
   */
  perUserGapMs?: number;
  /** People whose Home is refreshed when any approval changes (the latest visitors). */
  maxVisitors?: number;
  now?: () => number;
}

interface Pending {
  /** A publish is under way. */
  running: boolean;
  /** Something changed since the publish under way began: publish once more after it. */
  again: boolean;
  /** When the last publish began. */
  last: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Keeps App Home current: a run's changes refresh its requester's Home, an approval's beginning
 * and end the Home of the people who look at theirs (an approver among them sees it appear or
 * go). Refreshes of one person are coalesced: at most one publish at a time and one per gap,
 * however many changes came in between; it follows run events as an observer, so it never
 * holds a run up.
 */
export class HomeRefresh {
  private readonly pending = new Map<string, Pending>();
  /** Latest Home visitors, oldest first (insertion order). */
  private readonly visitors = new Set<string>();
  private readonly gap: number;
  private readonly maxVisitors: number;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly o: HomeRefreshOptions) {
    this.gap = o.perUserGapMs ?? 3000;
    this.maxVisitors = o.maxVisitors ?? 200;
    this.now = o.now ?? Date.now;
  }

  /** Follows the run events that change what a Home shows. */
  watch(events: RunEvents): this {
    const requester = ({ run }: { run: { requesterId: string } }) => {
      this.request(run.requesterId);
    };
    const changes = [
      'run.requested',
      'run.started',
      'run.not_started',
      'run.start_unconfirmed',
      'run.step_changed',
      'run.finished',
    ] as const;
    for (const name of changes) events.observe(name, requester);
    const approval = (e: RunEventMap['run.approval_waiting']) => {
      this.request(e.run.requesterId);
      for (const user of this.visitors) this.request(user);
    };
    events.observe('run.approval_waiting', approval);
    events.observe('run.approval_decided', approval);
    return this;
  }

  /** Someone opened their Home: they are refreshed when approvals change. */
  visited(slackUser: string): void {
    this.visitors.delete(slackUser);
    this.visitors.add(slackUser);
    if (this.visitors.size > this.maxVisitors) {
      const oldest = this.visitors.values().next().value;
      if (oldest !== undefined) this.visitors.delete(oldest);
    }
  }

  /** Asks for a refresh of one person's Home; several asks before it goes out make one publish. */
  request(slackUser: string): void {
    if (this.closed) return;
    const p = this.pending.get(slackUser) ?? { running: false, again: false, last: 0, timer: undefined };
    this.pending.set(slackUser, p);
    if (p.running) {
      p.again = true;
      return;
    }
    if (p.timer !== undefined) return;
    const wait = Math.max(0, p.last + this.gap - this.now());
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void this.run(slackUser, p);
    }, wait);
  }

  /** Stops every refresh not yet begun (on shutdown). */
  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    this.pending.clear();
  }

  private async run(slackUser: string, p: Pending): Promise<void> {
    if (this.closed) return;
    p.running = true;
    p.again = false;
    p.last = this.now();
    try {
      await this.o.publish(slackUser);
    } catch (err) {
      this.o.logger.warn({ slackUser, err: errorMessage(err) }, 'could not refresh App Home');
    } finally {
      p.running = false;
    }
    // The entry stays (one small record per person who has a Home): its `last` paces the next.
    if (this.pending.get(slackUser)?.again === true) this.request(slackUser);
  }
}
