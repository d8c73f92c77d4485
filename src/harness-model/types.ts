import type { StatusBucket } from './status.js';

/** Org and project of a call; the account comes from the client's configuration. */
export interface Scope {
  orgId: string;
  projectId: string;
}

export interface StageView {
  id: string;
  name: string;
  status: string;
  bucket: StatusBucket;
  startTs: number | undefined;
  endTs: number | undefined;
  failureMessage: string | undefined;
}

export interface StepView {
  id: string;
  name: string;
  type: string;
  stageId: string | undefined;
  status: string;
  bucket: StatusBucket;
  startTs: number | undefined;
  endTs: number | undefined;
  failureMessage: string | undefined;
  /** Output variables and scalar outcomes (repositoryUrl, httpResponseCode, …). */
  outputs: Record<string, string>;
  /** The approval instance a waiting approval step is blocked on. */
  approvalInstanceId: string | undefined;
}

/** What the rest of the bot knows about one execution. */
export interface ExecutionView {
  executionId: string;
  pipelineId: string;
  name: string;
  runSequence: number | undefined;
  status: string;
  bucket: StatusBucket;
  startTs: number | undefined;
  endTs: number | undefined;
  failureMessage: string | undefined;
  stages: StageView[];
  steps: StepView[];
  /** Modules Harness lists for the execution (`["cd", "pms"]`). */
  modules: string[];
  /** Set for Git-stored (REMOTE) pipelines. */
  git: { repoName: string | undefined; branch: string | undefined } | undefined;
}

/** WAITING, APPROVED, REJECTED, FAILED, ABORTED, EXPIRED, or a value newer than the bot. */
export type ApprovalStatus = string;

export interface ApprovalActivity {
  user: { uuid: string | undefined; name: string | undefined; email: string | undefined };
  /** APPROVE or REJECT. */
  action: string;
  comments: string | undefined;
  at: number | undefined;
  approverInputs: { name: string; value: string }[];
}

export interface ApprovalInstance {
  id: string;
  type: string;
  /** The Jira issue or ServiceNow ticket a Jira / ServiceNow approval waits on. */
  ticket: { key: string; url: string | undefined } | undefined;
  status: ApprovalStatus;
  deadline: number | undefined;
  errorMessage: string | undefined;
  approvalMessage: string | undefined;
  userGroups: string[];
  minimumCount: number;
  disallowPipelineExecutor: boolean;
  approverInputs: { name: string; defaultValue: string }[];
  activities: ApprovalActivity[];
}

export interface HarnessUser {
  uuid: string;
  name: string | undefined;
  email: string | undefined;
}

export interface NamedEntity {
  identifier: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  totalItems: number | undefined;
}
