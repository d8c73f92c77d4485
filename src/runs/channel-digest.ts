import { buildDigestCard } from '../../blocks/build-digest-card.js';
import type { DigestLine } from '../../blocks/build-digest-card.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SlackMessageContent, SlackPort } from '../ports/slack.js';
import type { RunRecord, Store } from '../ports/store.js';
import type { EditOutcome, MessageUpdater } from './message-updater.js';

export type { DigestLine } from '../../blocks/build-digest-card.js';

/** Runs going at once in one channel beyond which they share a digest (SLACK_DIGEST_THRESHOLD). */
export const DEFAULT_DIGEST_THRESHOLD = 5;

export interface ChannelDigestDeps {
  slack: Pick<SlackPort, 'postMessage'>;
  updater: MessageUpdater;
  store: Pick<Store, 'owedCards' | 'runs'>;
  logger: Logger;
  now: () => number;
  /** More runs than this going in one channel get a digest; 0: never. */
  threshold: number;
  /** A finished run's card as the store alone tells it (a restart repays owed cards with it). */
  renderEnd: (run: RunRecord) => SlackMessageContent;
}

/** A run shown in its channel: its line in the digest, its card, and the end its card owes. */
interface Member {
  line: DigestLine;
  cardTs: string;
  /** The card's final content, once the run ended while in the digest. */
  end: SlackMessageContent | undefined;
  /** Bumped at each state asked for: a state that waited for the digest's post and is stale is dropped. */
  seq: number;
  /** In the digest (its card no longer edited until the burst is over). */
  digested: boolean;
}

interface ChannelState {
  runs: Map<string, Member>;
  digestTs: string | undefined;
  posting: Promise<string | undefined> | undefined;
}

/**
 * Per-channel digests. Every card edit is a chat.update, which Slack allows about 50 times a
 * minute per workspace (Tier 3, https://api.slack.com/methods/chat.update), however many runs
 * there are. When more than `threshold` runs are going in one channel, one message there (the
 * digest, posted with chat.postMessage, a budget of its own) lists them all, so one edit shows
 * the changes of many runs. Runs in the digest keep their own card (their thread hangs off it and
 * still tells their story: failed steps, the end with outputs), but the card is not edited while
 * the digest shows its run. When the last run of the digest has ended, the burst is over: the
 * digest says so, and each card catches up with its run's end, after every other edit (`fold`).
 * A run's end shown only on the digest is recorded first (`owedCards`), so a restart before its
 * card caught up still brings the card to its end (`repayOwedCards`).
 */
export class ChannelDigests {
  private readonly channels = new Map<string, ChannelState>();
  /** Cards on their way to their run's end (`repay`), until the edit is done. */
  private readonly repaying = new Set<string>();

  constructor(private readonly d: ChannelDigestDeps) {}

  /**
   * Shows a run's state on its card, or on its channel's digest (posting the digest when this run
   * makes one due). Resolves once that is on Slack: `gave_up` when Slack refuses it for good,
   * `closed` when the bot stopped first.
   */
  async show(
    run: RunRecord & { cardTs: string },
    line: DigestLine,
    card: SlackMessageContent,
    terminal: boolean,
  ): Promise<EditOutcome> {
    const ch = this.channel(run.channelId);
    const member = ch.runs.get(run.id) ?? {
      line,
      cardTs: run.cardTs,
      end: undefined,
      seq: 0,
      digested: false,
    };
    member.line = line;
    const seq = ++member.seq;
    ch.runs.set(run.id, member);
    if (ch.digestTs === undefined && !terminal && this.due(ch)) await this.post(run.channelId, ch);
    // A newer state of this run was asked for while the digest was being posted: that one shows.
    if (member.seq !== seq) return 'shown';
    const digestTs = ch.digestTs;
    if (digestTs !== undefined && !member.digested) member.digested = true;
    if (digestTs === undefined || !member.digested) {
      if (terminal) ch.runs.delete(run.id);
      if (ch.runs.size === 0) this.channels.delete(run.channelId);
      return this.d.updater.set(run.channelId, run.cardTs, card, terminal ? 'final' : 'progress');
    }
    if (!terminal) return this.d.updater.set(run.channelId, digestTs, this.render(ch), 'progress');
    // The run's end goes on the digest; its card owes it until the fold (recorded first).
    member.end = card;
    await this.d.store.owedCards.owe(run.id, this.d.now());
    const outcome = await this.d.updater.set(run.channelId, digestTs, this.render(ch), 'ends');
    if (outcome === 'gave_up') {
      // The digest was deleted (or its channel archived): the cards show their runs again.
      this.d.logger.warn(
        { channel: run.channelId },
        'the channel digest is gone; cards show their runs again',
      );
      ch.digestTs = undefined;
      this.fold(run.channelId, ch);
      return this.d.updater.set(run.channelId, run.cardTs, card, 'final');
    }
    if (outcome === 'shown' && [...ch.runs.values()].every((m) => m.end !== undefined))
      this.fold(run.channelId, ch);
    return outcome;
  }

  /** The digest of a channel, while one is up (tests, logs). */
  digestOf(channel: string): string | undefined {
    return this.channels.get(channel)?.digestTs;
  }

  /**
   * Brings every card that still owes its run's end (the bot stopped before the burst was over)
   * to that end, after every other edit. Returns how many were owed.
   */
  async repayOwedCards(): Promise<number> {
    const owed = await this.d.store.owedCards.list();
    await this.repayRuns(owed);
    return owed.length;
  }

  /**
   * Brings these runs' cards to their ends as the store tells them (owed cards claimed from a
   * replica that died: `RunLeases` finds them).
   */
  async repayRuns(owed: readonly string[]): Promise<void> {
    for (const runId of owed) {
      const run = await this.d.store.runs.get(runId);
      if (run?.cardTs === undefined) {
        await this.d.store.owedCards.paid(runId);
        continue;
      }
      this.repay(run.id, run.channelId, run.cardTs, this.d.renderEnd(run));
    }
  }

  /** The runs whose card this replica owes its end (still in a digest, or catching up now). */
  owing(): string[] {
    const ids = new Set(this.repaying);
    for (const ch of this.channels.values())
      for (const [runId, m] of ch.runs) if (m.end !== undefined) ids.add(runId);
    return [...ids];
  }

  /**
   * This replica no longer follows the run (its lease is another replica's, which shows the run's
   * end on its card): it leaves its channel's digest, and when every run left there has ended,
   * the burst is over here.
   */
  async leave(runId: string): Promise<void> {
    for (const [channel, ch] of this.channels) {
      const member = ch.runs.get(runId);
      if (member === undefined) continue;
      ch.runs.delete(runId);
      // A state of it that waits for the digest's post is not shown.
      member.seq++;
      if (ch.runs.size === 0) {
        this.channels.delete(channel);
        return;
      }
      const digestTs = ch.digestTs;
      if (digestTs === undefined || !member.digested) return;
      const over = [...ch.runs.values()].every((m) => m.end !== undefined);
      const outcome = await this.d.updater.set(
        channel,
        digestTs,
        this.render(ch),
        over ? 'ends' : 'progress',
      );
      if (over && outcome !== 'closed') this.fold(channel, ch);
      return;
    }
  }

  private channel(id: string): ChannelState {
    let ch = this.channels.get(id);
    if (ch === undefined) {
      ch = { runs: new Map(), digestTs: undefined, posting: undefined };
      this.channels.set(id, ch);
    }
    return ch;
  }

  private due(ch: ChannelState): boolean {
    if (this.d.threshold <= 0) return false;
    let going = 0;
    for (const m of ch.runs.values()) if (!m.line.terminal) going++;
    return going > this.d.threshold;
  }

  /** Posts the channel's digest once (concurrent callers share the post); undefined if Slack refused. */
  private post(channel: string, ch: ChannelState): Promise<string | undefined> {
    // Every run going now joins the digest (its card keeps the state it shows until the fold).
    const joining = [...ch.runs.values()].filter((m) => !m.line.terminal);
    const content = buildDigestCard(joining.map((m) => m.line));
    ch.posting ??= this.d.slack
      .postMessage(channel, content)
      .then(
        ({ ts }) => {
          if (this.channels.get(channel) !== ch) {
            // Every run ended (each on its own card) while the digest was on its way: it says so.
            this.d.updater.posted(channel, ts, content);
            this.d.updater
              .set(channel, ts, buildDigestCard(joining.map((m) => m.line)), 'ends')
              .catch((err: unknown) => {
                this.d.logger.warn({ channel, err: errorMessage(err) }, 'could not close the channel digest');
              });
            return undefined;
          }
          ch.digestTs = ts;
          this.d.updater.posted(channel, ts, content);
          for (const m of joining) m.digested = true;
          this.d.logger.info({ channel, runs: ch.runs.size }, 'many runs in one channel: posted a digest');
          return ts;
        },
        (err: unknown) => {
          // The runs go on on their own cards; the next run in the channel tries again.
          this.d.logger.warn({ channel, err: errorMessage(err) }, 'could not post the channel digest');
          return undefined;
        },
      )
      .finally(() => {
        ch.posting = undefined;
      });
    return ch.posting;
  }

  private render(ch: ChannelState): SlackMessageContent {
    return buildDigestCard([...ch.runs.values()].filter((m) => m.digested).map((m) => m.line));
  }

  /** The burst is over: each card catches up with its run's end, after every other edit. */
  private fold(channel: string, ch: ChannelState): void {
    // Folded once (the last end and a run leaving can both find the burst over).
    if (this.channels.get(channel) !== ch) return;
    this.channels.delete(channel);
    for (const [runId, m] of ch.runs) if (m.end !== undefined) this.repay(runId, channel, m.cardTs, m.end);
    // Runs still going (the digest was lost) go on on their own cards from their next change.
    for (const [runId, m] of ch.runs)
      if (m.end === undefined) {
        m.digested = false;
        this.channel(channel).runs.set(runId, m);
      }
  }

  private repay(runId: string, channel: string, cardTs: string, end: SlackMessageContent): void {
    this.repaying.add(runId);
    void this.d.updater
      .set(channel, cardTs, end, 'fold')
      .then(async (outcome) => {
        // Shown, or Slack refuses that card for good (audited by the updater): nothing more is owed.
        if (outcome !== 'closed') await this.d.store.owedCards.paid(runId);
      })
      .catch((err: unknown) => {
        this.d.logger.warn({ runId, err: errorMessage(err) }, 'a card could not catch up with its run’s end');
      })
      .finally(() => {
        this.repaying.delete(runId);
      });
  }
}
