import type { ApprovalInstance, ExecutionView, HarnessUser, Scope } from '../harness-model/types.js';

/**
 * What the core (src/runs) and the Slack listeners need from Harness: the methods they call, no
 * more. Implemented by `createHarnessClient` (src/harness/client.ts); fakes of it can drive the
 * core's tests. Failures are the errors of `./harness-errors.ts`.
 */
export interface HarnessPort {
  /**
   * Runs a pipeline with runtime-input YAML, at most once: the error (HarnessRunError) says
   * whether the run may have started.
   */
  runPipeline(req: RunRequest): Promise<{ executionId: string; status: string }>;
  /** Executions of a pipeline started since `sinceTs` (newest first, first 50). */
  recentExecutions(
    pipelineId: string,
    scope: Scope,
    sinceTs: number,
  ): Promise<{ executionId: string; startTs: number | undefined; hasNotes: boolean }[]>;
  /** The notes an execution was started with. */
  executionNotes(executionId: string): Promise<string>;
  getExecution(executionId: string, scope: Scope): Promise<ExecutionView>;
  abortExecution(executionId: string, scope: Scope): Promise<void>;
  getApproval(approvalId: string, apiKey?: string): Promise<ApprovalInstance>;
  listExecutionApprovals(
    executionId: string,
    scope: Scope,
    status?: string,
  ): Promise<{ id: string; type: string; status: string }[]>;
  /** Whether Harness would take a decision from the key's principal, and if not, why. */
  approvalAuthorization(
    approvalId: string,
    apiKey?: string,
  ): Promise<{ authorized: boolean; reason: string }>;
  /** Approve or reject; sent at most once. */
  decideApproval(approvalId: string, decision: ApprovalDecision, apiKey?: string): Promise<ApprovalInstance>;
  /** Membership of a group written as in an approval step (`account.x`, `org.x`, `x`). */
  isUserGroupMember(groupRef: string, userUuid: string, runScope: Scope): Promise<boolean>;
  listGroupMembers(groupRef: string, runScope: Scope): Promise<HarnessUser[]>;
  findUserByEmail(email: string): Promise<HarnessUser | undefined>;
  /** The user a key belongs to (fails for service-account keys). */
  currentUser(apiKey?: string): Promise<HarnessUser>;
}

export interface RunRequest {
  scope: Scope;
  pipelineId: string;
  runtimeInputYaml: string;
  /** The pipeline's module (`idp`, `cd`, …), as in its URL. */
  moduleType?: string;
  branch?: string;
  repoName?: string;
  /** Shown on the execution; names the Slack user who asked. */
  notes?: string;
}

export interface ApprovalDecision {
  action: 'APPROVE' | 'REJECT';
  comments?: string;
  approverInputs?: { name: string; value: string }[];
}
