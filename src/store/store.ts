import type { RunBucket } from '../runs/run-status.js';

/**
 * What the bot remembers, behind an interface so a server database can replace SQLite.
 * Everything that must survive a restart lives here: runs and their cards, submissions
 * already processed, thread events already posted, and the audit trail.
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

/** A Slack user's own Harness token, sealed (encrypted) at rest. */
export interface IdentityLink {
  slackUser: string;
  harnessUuid: string;
  harnessEmail: string | undefined;
  sealedToken: string;
  createdAt: number;
}

export interface Store {
  /** Answers of a multi-page form too long for Slack's private_metadata, kept for its owner. */
  saveDraft(id: string, userId: string, values: Record<string, unknown>, at: number): void;
  getDraft(id: string, userId: string): Record<string, unknown> | undefined;
  saveLink(link: IdentityLink): void;
  getLink(slackUser: string): IdentityLink | undefined;
  deleteLink(slackUser: string): boolean;
  saveApprovalCard(card: ApprovalCardRecord): void;
  getApprovalCard(approvalId: string): ApprovalCardRecord | undefined;
  approvalCards(runId: string): ApprovalCardRecord[];
  /**
   * Claims one person's decision on one approval (the intention, recorded before Harness is
   * called): true the first time. A double tap, a second browser or a replayed payload finds it
   * taken, so each person acts on Harness once.
   */
  claimApprovalClick(approvalId: string, slackUser: string, action: string, at: number): boolean;
  /** The outcome: Harness recorded this person's decision. */
  confirmApprovalClick(approvalId: string, slackUser: string): void;
  /** Frees a claim whose decision Harness did not record. */
  releaseApprovalClick(approvalId: string, slackUser: string): void;
  approvalClick(approvalId: string, slackUser: string): ApprovalClickRecord | undefined;
  /** Claims whose outcome is missing (the bot stopped, or Harness did not answer): to read back. */
  unconfirmedApprovalClicks(): (ApprovalClickRecord & { approvalId: string; slackUser: string })[];
  /**
   * Claims a submission key (a modal's view id). True the first time; false for a double
   * submit or a replay, which must then do nothing.
   */
  claimSubmission(key: string, runId: string, at: number): boolean;
  createRun(run: RunRecord): void;
  updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): RunRecord;
  getRun(id: string): RunRecord | undefined;
  findRunByExecution(executionId: string): RunRecord | undefined;
  /** Runs Harness may still be running: to pick up again after a restart. */
  openRuns(): RunRecord[];
  /** A person's latest runs, newest first. */
  recentRuns(requesterId: string, limit: number): RunRecord[];
  /**
   * Records the intention to post a thread event (or any message sent once per run); false when
   * it was already recorded (nothing is posted twice).
   */
  claimThreadEvent(runId: string, key: string, at: number): boolean;
  /** The outcome: the message is on Slack (its ts, when known). */
  markThreadEventSent(runId: string, key: string, ts: string | undefined): void;
  /** Undefined when never claimed; `sent: false` while the outcome is missing. */
  threadEvent(runId: string, key: string): { sent: boolean; ts: string | undefined; at: number } | undefined;
  /** Undoes a claim whose message could not be posted, so it is tried again. */
  releaseThreadEvent(runId: string, key: string): void;
  audit(event: AuditEvent): void;
  auditTrail(filter?: { runId?: string; limit?: number }): AuditEvent[];
  close(): void;
}
