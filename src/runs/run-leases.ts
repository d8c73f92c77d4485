import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunRecord, Store } from '../ports/store.js';
import type { ChannelDigests } from './channel-digest.js';

export interface LeaseTiming {
  /** How long a lease lives unrenewed: a dead replica's runs are taken over within it (+ one scan). */
  ttlMs: number;
  /** How often held leases are renewed (a third of the TTL: two renewals may fail before one is lost). */
  renewMs: number;
  /** How often open runs without a live lease are looked for (jittered ±20%). */
  scanMs: number;
}

export function leaseTiming(ttlMs: number): LeaseTiming {
  const renewMs = Math.max(100, Math.floor(ttlMs / 3));
  return { ttlMs, renewMs, scanMs: Math.min(5000, renewMs) };
}

/** hostname + pid + random: unique per process, readable in logs and in the `run_leases` table. */
export function newReplicaId(): string {
  return `${hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`;
}

export interface RunLeasesDeps {
  store: Store;
  owner: string;
  timing: LeaseTiming;
  now: () => number;
  logger: Logger;
}

/** What a replica does with a run whose lease it just took over (a dead replica's). */
export interface TakeOver {
  /** A run Harness runs: follow it. */
  follow(run: RunRecord): void;
  /** A run whose start was never confirmed (its starter died): look for it by its marker. */
  repair(run: RunRecord): void;
  /** This replica lost a lease (its renewal failed or another took it): stop following the run. */
  lost(runId: string): void;
}

/**
 * The leases this replica holds on open runs: each open run is followed by exactly one replica.
 * Leases are renewed every `renewMs`; the open runs nobody holds a live lease on are scanned for
 * and taken (that is how a dead replica's runs move); a stop releases every lease, so another
 * replica takes the runs at its next scan instead of after the TTL.
 */
export class RunLeases {
  private readonly mine = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private lastRenewed: number;
  private stopped = false;
  private take: TakeOver | undefined;
  private scanning: Promise<void> | undefined;
  private cards: Pick<ChannelDigests, 'owing' | 'repayRuns'> | undefined;

  constructor(private readonly d: RunLeasesDeps) {
    this.lastRenewed = d.now();
  }

  get owner(): string {
    return this.d.owner;
  }

  /** How many leases this replica holds. */
  get held(): number {
    return this.mine.size;
  }

  /** True while this replica holds the run's lease (as of its last acquisition or renewal). */
  holds(runId: string): boolean {
    return !this.stopped && this.mine.has(runId);
  }

  /** True when the run's lease is now this replica's (it was free, expired or ours). */
  async acquire(runId: string): Promise<boolean> {
    if (this.stopped) return false;
    const won = await this.d.store.leases.acquire(runId, this.d.owner, this.d.now(), this.d.timing.ttlMs);
    if (won) this.mine.add(runId);
    return won;
  }

  async release(runId: string): Promise<void> {
    this.mine.delete(runId);
    await this.d.store.leases.release(this.d.owner, [runId]);
  }

  /**
   * Each scan also keeps the cards this replica owes (`owing`: runs shown ended on a digest) marked
   * as looked after, and repays (`repayRuns`) those a dead replica owed: their runs are finished,
   * so no takeover brings their cards to their ends otherwise.
   */
  repayOwedCardsWith(cards: Pick<ChannelDigests, 'owing' | 'repayRuns'>): void {
    this.cards = cards;
  }

  /** Starts renewing and scanning; `take` says what to do with runs taken over. */
  start(take: TakeOver): void {
    this.take = take;
    this.renewTimer = setInterval(() => void this.renew(), this.d.timing.renewMs);
    this.renewTimer.unref();
    this.scheduleScan();
  }

  /** Looks for open runs without a live lease now (also done every `scanMs`). */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  /** Stops renewing and scanning and releases every lease held, for another replica to take now. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renewTimer);
    clearTimeout(this.scanTimer);
    await this.scanning?.catch(() => undefined);
    const ids = [...this.mine];
    this.mine.clear();
    await this.d.store.leases.release(this.d.owner, ids).catch((err: unknown) => {
      this.d.logger.warn({ err: errorMessage(err) }, 'could not release the run leases: they expire instead');
    });
  }

  private scheduleScan(): void {
    if (this.stopped) return;
    const jitter = 0.8 + Math.random() * 0.4;
    this.scanTimer = setTimeout(() => {
      void this.scan().finally(() => {
        this.scheduleScan();
      });
    }, this.d.timing.scanMs * jitter);
    this.scanTimer.unref();
  }

  private async scanOnce(): Promise<void> {
    try {
      for (const id of await this.d.store.leases.unleasedOpenRuns(this.d.now())) {
        if (this.stopped) return;
        if (this.mine.has(id) || !(await this.acquire(id))) continue;
        const run = await this.d.store.runs.get(id);
        if (run === undefined || run.finishedAt !== undefined) {
          await this.release(id);
          continue;
        }
        this.d.logger.info({ runId: id, replica: this.d.owner }, 'took over the run');
        if (run.executionId === undefined) this.take?.repair(run);
        else this.take?.follow(run);
      }
    } catch (err) {
      this.d.logger.warn({ err: errorMessage(err) }, 'could not look for runs without a follower');
    }
    try {
      await this.repayOrphanedCards();
    } catch (err) {
      this.d.logger.warn({ err: errorMessage(err) }, 'could not look for cards a dead replica owed');
    }
  }

  /**
   * Owed cards untouched for a lease's life, on runs nobody holds a live lease on, were owed by a
   * replica that died (ours are touched at every scan, a third of the TTL): claimed in the
   * database, so one replica alone repays each.
   */
  private async repayOrphanedCards(): Promise<void> {
    const cards = this.cards;
    if (cards === undefined || this.stopped) return;
    const now = this.d.now();
    await this.d.store.owedCards.touch(cards.owing(), now);
    const claimed = await this.d.store.owedCards.claimStale(now - this.d.timing.ttlMs, now);
    if (claimed.length === 0) return;
    this.d.logger.info({ runs: claimed, replica: this.d.owner }, 'repaying the cards a dead replica owed');
    await cards.repayRuns(claimed);
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const ids = [...this.mine];
    const now = this.d.now();
    let kept: string[];
    try {
      kept = await this.d.store.leases.renew(this.d.owner, ids, now, this.d.timing.ttlMs);
      this.lastRenewed = now;
    } catch (err) {
      this.d.logger.warn({ err: errorMessage(err) }, 'could not renew the run leases');
      // Unrenewed past the TTL, another replica may have taken the runs: stop following them
      // rather than follow them twice.
      if (now - this.lastRenewed < this.d.timing.ttlMs) return;
      kept = [];
    }
    const lost = ids.filter((id) => !kept.includes(id));
    for (const id of lost) {
      this.mine.delete(id);
      this.take?.lost(id);
    }
    // Leases of runs that finished meanwhile are deleted; those another replica took are not ours.
    if (lost.length > 0) await this.d.store.leases.release(this.d.owner, lost).catch(() => undefined);
  }
}
