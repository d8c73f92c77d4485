import type { AuditLog } from '../ports/store.js';
import type { Delivery, RunEventMap } from './run-events.js';

/**
 * The audit trail of a run's life: who asked, what Harness did with it, what approvals waited
 * and how they ended. Each subscriber records one entry; a failure to record throws, so the
 * emitter tries again.
 */
export function auditTrail(audit: AuditLog) {
  return {
    requested: async ({ run, at }: RunEventMap['run.requested']): Promise<Delivery> => {
      await audit.record({
        at,
        actor: run.requesterId,
        action: 'run.requested',
        workflowId: run.workflowId,
        runId: run.id,
        details: { inputs: run.inputs, channel: run.channelId },
      });
      return 'done';
    },
    started: async ({ run, executionId, at }: RunEventMap['run.started']): Promise<Delivery> => {
      await audit.record({
        at,
        actor: run.requesterId,
        action: 'run.started',
        workflowId: run.workflowId,
        runId: run.id,
        details: { executionId },
      });
      return 'done';
    },
    notStarted: async (e: RunEventMap['run.not_started']): Promise<Delivery> => {
      await audit.record({
        at: e.at,
        actor: e.run.requesterId,
        action: 'run.not_started',
        workflowId: e.run.workflowId,
        runId: e.run.id,
        details:
          e.cardError === undefined
            ? { reason: e.reason, mayHaveStarted: e.mayHaveStarted, afterRestart: e.afterRestart }
            : { reason: `status card: ${e.cardError}`, mayHaveStarted: false },
      });
      return 'done';
    },
    approvalWaiting: async ({
      run,
      approval,
      at,
    }: RunEventMap['run.approval_waiting']): Promise<Delivery> => {
      await audit.record({
        at,
        actor: 'harness',
        action: 'approval.requested',
        workflowId: run.workflowId,
        runId: run.id,
        details: {
          approvalId: approval.id,
          groups: approval.userGroups,
          minimumCount: approval.minimumCount,
        },
      });
      return 'done';
    },
    approvalRefused: async ({
      run,
      approvalId,
      slackUser,
      reason,
      at,
    }: RunEventMap['run.approval_refused']): Promise<Delivery> => {
      await audit.record({
        at,
        actor: slackUser,
        action: 'approval.denied',
        workflowId: run.workflowId,
        runId: run.id,
        details: { approvalId, reason },
      });
      return 'done';
    },
    approvalDecided: async ({
      run,
      approval,
      at,
    }: RunEventMap['run.approval_decided']): Promise<Delivery> => {
      await audit.record({
        at,
        actor: 'harness',
        action: 'approval.outcome',
        workflowId: run.workflowId,
        runId: run.id,
        details: {
          approvalId: approval.id,
          status: approval.status,
          activities: approval.activities.map((a) => ({ by: a.user.email ?? a.user.name, action: a.action })),
        },
      });
      return 'done';
    },
    finished: async ({ run, view, at }: RunEventMap['run.finished']): Promise<Delivery> => {
      await audit.record({
        at,
        actor: 'harness',
        action: 'run.finished',
        workflowId: run.workflowId,
        runId: run.id,
        details: { status: view.status },
      });
      return 'done';
    },
  };
}
