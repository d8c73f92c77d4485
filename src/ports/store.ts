import type { RunBucket } from '../runs/run-status.js';
import type { RateGate } from './rate-gate.js';

/**
 * What the bot remembers, split by concern and asynchronous, so a server database (PostgreSQL)
 * can implement it as well as the embedded SQLite file. Everything that must survive a restart
 * lives here: runs and their cards, claims (submissions, thread events, approval clicks: each
 * done once), the audit trail, identity links and form drafts.
 */
export interface RunRecord {
  id: string;
  workflowId: string;
  requesterId: string;
  channelId: string;
  /** The status card; its ts is also the thread's. */
  cardTs: string | undefined;
  executionId: string | undefined;
  orgId: string;
  projectId: string;
  pipelineId: string;
  /** Last known Harness status and bucket; `starting` before Harness answered (`src/runs/run-status.ts`). */
  status: string;
  bucket: RunBucket;
  /** The answers, secret-like values already redacted. */
  inputs: Record<string, unknown>;
  executionUrl: string | undefined;
  error: string | undefined;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | undefined;
  /** Set when a Workflow Builder step started the run (its function_execution_id); else a slash command did. */
  functionExecutionId?: string | undefined;
  /** When that step was completed (functions.completeSuccess / completeError); undefined while owed. */
  stepCompletedAt?: number | undefined;
}

export interface AuditEvent {
  at: number;
  actor: string;
  action: string;
  workflowId: string | undefined;
  runId: string | undefined;
  details: Record<string, unknown>;
}

/** An approval card posted for a waiting approval instance. */
export interface ApprovalCardRecord {
  approvalId: string;
  runId: string;
  channelId: string;
  ts: string;
  stepName: string;
  /** Last status shown: WAITING until decided, expired or aborted. */
  status: string;
  updatedAt: number;
}

/** One person's decision on one approval; `sent` once Harness is known to have recorded it. */
export interface ApprovalClickRecord {
  action: string;
  at: number;
  sent: boolean;
}

/** A claimed thread event (or any message sent once per run). */
export interface ThreadEventRecord {
  sent: boolean;
  ts: string | undefined;
  at: number;
}

/** A Slack user's own Harness token, sealed (encrypted) at rest. */
export interface IdentityLink {
  slackUser: string;
  harnessUuid: string;
  harnessEmail: string | undefined;
  sealedToken: string;
  createdAt: number;
}

export interface RunStore {
  /** `step.token`: the token of the step's execution, kept until the step is completed. */
  create(run: RunRecord, step?: { token: string }): Promise<void>;
  /** Applies the patch and returns the run as stored; throws when there is no such run. */
  update(id: string, patch: Partial<Omit<RunRecord, 'id'>>): Promise<RunRecord>;
  get(id: string): Promise<RunRecord | undefined>;
  findByExecution(executionId: string): Promise<RunRecord | undefined>;
  /** Runs Harness may still be running: to pick up again after a restart. */
  open(): Promise<RunRecord[]>;
  /** A person's latest runs, newest first. */
  recent(requesterId: string, limit: number): Promise<RunRecord[]>;
  /** The token of the step that started the run, until the step is completed. */
  stepToken(id: string): Promise<string | undefined>;
  /** The step is completed: recorded, and its token forgotten. */
  stepCompleted(id: string, at: number): Promise<void>;
  /** Finished runs whose step is still owed its completion (the bot stopped before it went out). */
  stepsToComplete(): Promise<RunRecord[]>;
}

/**
 * Claims: the intention to do something once, recorded before doing it. The first claim wins
 * (unique keys in the database, never memory), so a double submit, a replayed payload or a second
 * replica finds it taken and does nothing.
 */
export interface ClaimStore {
  /** Claims a submission key (a modal's view id): true the first time. */
  claimSubmission(key: string, runId: string, at: number): Promise<boolean>;
  /** Records the intention to post a thread event; false when it was already recorded. */
  claimThreadEvent(runId: string, key: string, at: number): Promise<boolean>;
  /** The outcome: the message is on Slack (its ts, when known). */
  markThreadEventSent(runId: string, key: string, ts: string | undefined): Promise<void>;
  /** Undefined when never claimed; `sent: false` while the outcome is missing. */
  threadEvent(runId: string, key: string): Promise<ThreadEventRecord | undefined>;
  /** Undoes a claim whose message could not be posted, so it is tried again. */
  releaseThreadEvent(runId: string, key: string): Promise<void>;
  /**
   * Claims one person's decision on one approval (before Harness is called): true the first
   * time, so each person acts on Harness once.
   */
  claimApprovalClick(approvalId: string, slackUser: string, action: string, at: number): Promise<boolean>;
  /** The outcome: Harness recorded this person's decision. */
  confirmApprovalClick(approvalId: string, slackUser: string): Promise<void>;
  /** Frees a claim whose decision Harness did not record. */
  releaseApprovalClick(approvalId: string, slackUser: string): Promise<void>;
  approvalClick(approvalId: string, slackUser: string): Promise<ApprovalClickRecord | undefined>;
  /** Claims whose outcome is missing (the bot stopped, or Harness did not answer): to read back. */
  unconfirmedApprovalClicks(): Promise<(ApprovalClickRecord & { approvalId: string; slackUser: string })[]>;
}

export interface ApprovalCardStore {
  /** Inserts, or updates status, ts and updatedAt of the card for that approval. */
  save(card: ApprovalCardRecord): Promise<void>;
  get(approvalId: string): Promise<ApprovalCardRecord | undefined>;
  /** A run's approval cards, oldest first. */
  forRun(runId: string): Promise<ApprovalCardRecord[]>;
  /** Cards still waiting for a decision, the most recently posted or changed first (App Home). */
  waiting(limit: number): Promise<ApprovalCardRecord[]>;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /** Oldest first; the latest `limit` (default 100). */
  trail(filter?: { runId?: string; limit?: number }): Promise<AuditEvent[]>;
}

export interface IdentityStore {
  save(link: IdentityLink): Promise<void>;
  get(slackUser: string): Promise<IdentityLink | undefined>;
  /** True when there was a link to delete. */
  delete(slackUser: string): Promise<boolean>;
}

/** Answers of a form kept for its owner (multi-page forms, answers pickers depend on). */
export interface DraftStore {
  /** Saves (or replaces) a draft; drafts older than a day are dropped. */
  save(id: string, userId: string, values: Record<string, unknown>, at: number): Promise<void>;
  get(id: string, userId: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Which replica follows which open run: a lease (owner, expiry) that its owner renews. The
 * database decides every acquisition, so two replicas never both hold one lease; a lease its
 * owner stopped renewing (the replica died) expires and another replica takes it.
 */
export interface LeaseStore {
  /** Takes the run's lease when it is free, expired, or already `owner`'s: true when it is now ours. */
  acquire(runId: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  /**
   * Extends those of `runIds` that `owner` still holds, on runs not finished; returns them (the
   * rest were lost, or their runs are over).
   */
  renew(owner: string, runIds: string[], now: number, ttlMs: number): Promise<string[]>;
  /** Gives the leases up at once (a graceful stop, a finished run), so another replica need not wait. */
  release(owner: string, runIds: string[]): Promise<void>;
  /** Open runs nobody holds a live lease on: a dead or stopped replica's, or never leased. */
  unleasedOpenRuns(now: number): Promise<string[]>;
  /** The run ids `owner` holds a live lease on. */
  held(owner: string, now: number): Promise<string[]>;
}

/**
 * Run cards that still owe their run's end: the run ended while its channel's digest showed it
 * (`src/runs/channel-digest.ts`), so the run is finished but its own card catches up later.
 * Recorded before the digest shows the end, cleared once the card does: a restart finishes them.
 */
export interface OwedCardStore {
  owe(runId: string, at: number): Promise<void>;
  paid(runId: string): Promise<void>;
  /** Runs whose card still owes its end, oldest first. */
  list(): Promise<string[]>;
  /** The replica that owes these cards is alive and repays them itself: their rows are fresh (`at` = now). */
  touch(runIds: string[], now: number): Promise<void>;
  /**
   * Claims the cards not touched since `before` whose run no replica holds a live lease on (the
   * replica that owed them died): each row is claimed (touched) by one caller only, even with
   * two asking at once, and that caller repays the card. Returns the runs claimed.
   */
  claimStale(before: number, now: number): Promise<string[]>;
}

export interface Store {
  runs: RunStore;
  owedCards: OwedCardStore;
  leases: LeaseStore;
  claims: ClaimStore;
  approvalCards: ApprovalCardStore;
  audit: AuditLog;
  identities: IdentityStore;
  drafts: DraftStore;
  /**
   * The Harness and Slack rate budgets (`src/ports/rate-gate.ts`): shared by every replica on a
   * PostgreSQL database; this process's own on SQLite (one process per file).
   */
  budgets: RateGate;
  close(): Promise<void>;
}
