import { errorMessage } from '../errors.js';
import type { ApprovalInstance, ExecutionView } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import type { RunRecord } from '../ports/store.js';
import type { RefusalCode } from './approvers.js';

/**
 * What happens in a run's life, each with what its consumers need. `at` is when the bot saw it
 * (its clock). The run service emits requested / started / not started, the tracker what it
 * reads from Harness, the approval service its cards' beginnings and ends.
 */
export interface RunEventMap {
  /** A submission was claimed and the run recorded; nothing is on Slack or Harness yet. */
  'run.requested': { run: RunRecord; at: number };
  /** Harness's answer to starting the run was lost: it is looked for by its marker, never started again. */
  'run.start_unconfirmed': { run: RunRecord; reason: string; afterRestart: boolean; at: number };
  /** Harness has the run: it answered, or the run was found by its marker after a lost answer. */
  'run.started': { run: RunRecord; executionId: string; afterRestart: boolean; at: number };
  /** The run is over before it began; `run` already says so (status, error, finishedAt). */
  'run.not_started': {
    run: RunRecord;
    reason: string;
    /** Harness could not be asked whether it started. */
    mayHaveStarted: boolean;
    /** The bot restarted while starting it. */
    afterRestart: boolean;
    /** Set when the status card could not be posted (Slack's error), so Harness was never asked. */
    cardError: string | undefined;
    at: number;
  };
  /** Harness was read for the run (every poll, changed or not): approval cards follow it. */
  'run.observed': { run: RunRecord; view: ExecutionView; at: number };
  /** The execution moved (a status or step changed), or is over: the card and thread show it. */
  'run.step_changed': { run: RunRecord; view: ExecutionView; terminal: boolean; at: number };
  /** Harness could not be read several times in a row (`unauthorized`: it refuses the bot's key). */
  'run.unreachable': { run: RunRecord; unauthorized: boolean; failures: number; at: number };
  /** An approval card is out: the run waits on people. */
  'run.approval_waiting': { run: RunRecord; approval: ApprovalInstance; stepName: string; at: number };
  /** The bot refused a person's click on an approval (not an approver, the requester where barred). */
  'run.approval_refused': {
    run: RunRecord;
    approvalId: string;
    slackUser: string;
    code: RefusalCode;
    /** What the person was told (may name their email: never a metric label). */
    reason: string;
    at: number;
  };
  /** An approval reached its end (approved, rejected, expired, aborted), as its card now shows. */
  'run.approval_decided': { run: RunRecord; approval: ApprovalInstance; stepName: string; at: number };
  /** Harness says the run is over; it is marked finished once every subscriber is done. */
  'run.finished': { run: RunRecord; view: ExecutionView; at: number };
}

export type RunEventName = keyof RunEventMap;

/**
 * What a subscriber did with an event: `done` (nothing more is owed for it, including "Slack
 * refuses it for good") or `later` (something could not go out yet: the emitter leaves the run as
 * it is and emits again on its next look). A throw counts as `later`, and is logged.
 */
export type Delivery = 'done' | 'later';

export type RunSubscriber<K extends RunEventName> = (event: RunEventMap[K]) => Promise<Delivery>;
export type RunObserver<K extends RunEventName> = (event: RunEventMap[K]) => void | Promise<void>;

/** One empty list per event name. */
function emptyLists(): { [K in RunEventName]: [] } {
  return {
    'run.requested': [],
    'run.start_unconfirmed': [],
    'run.started': [],
    'run.not_started': [],
    'run.observed': [],
    'run.step_changed': [],
    'run.unreachable': [],
    'run.approval_waiting': [],
    'run.approval_refused': [],
    'run.approval_decided': [],
    'run.finished': [],
  };
}

/**
 * A typed stream of run events, in `app.on('event', handler)` style. Subscribers are what the run
 * waits for (the card, the thread, notes, the audit trail): `emit` runs them one after the other
 * in the order they subscribed, stops at the first that is not done, and resolves to the verdict,
 * so an emitter never moves a run on while something it owes people is still out. Subscribers
 * must be idempotent: the same event comes again until all are done (and after a restart).
 * Observers (metrics) never hold a run up: they see an event once its subscribers are done (so
 * once per delivery, not per attempt), and a failing one is logged and changes no verdict. They
 * are awaited in turn, so keep them quick (counters, not calls).
 */
export class RunEvents {
  private readonly subscribers: { [K in RunEventName]: RunSubscriber<K>[] } = emptyLists();
  private readonly observers: { [K in RunEventName]: RunObserver<K>[] } = emptyLists();

  constructor(private readonly logger: Logger) {}

  on<K extends RunEventName>(name: K, subscriber: RunSubscriber<K>): this {
    this.subscribers[name].push(subscriber);
    return this;
  }

  observe<K extends RunEventName>(name: K, observer: RunObserver<K>): this {
    this.observers[name].push(observer);
    return this;
  }

  /** Never rejects: a subscriber's throw is logged (with the run id) and makes the verdict `later`. */
  async emit<K extends RunEventName>(name: K, event: RunEventMap[K]): Promise<Delivery> {
    for (const subscriber of this.subscribers[name]) {
      let verdict: Delivery;
      try {
        verdict = await subscriber(event);
      } catch (err) {
        this.logger.warn(
          { runId: event.run.id, event: name, err: errorMessage(err) },
          'a subscriber could not handle a run event',
        );
        return 'later';
      }
      if (verdict === 'later') return 'later';
    }
    for (const observer of this.observers[name]) {
      try {
        await observer(event);
      } catch (err) {
        this.logger.error(
          { runId: event.run.id, event: name, err: errorMessage(err) },
          'a run event observer failed',
        );
      }
    }
    return 'done';
  }
}
