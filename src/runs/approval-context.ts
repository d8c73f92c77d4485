import type { ApprovalInstance } from '../harness-model/types.js';
import type { RunRecord } from '../ports/store.js';
import { errorMessage } from '../errors.js';
import { findingsBefore } from './approval-findings.js';
import type { ApprovalFindings } from './approval-findings.js';
import type { ApprovalServiceDeps } from './approval-service.js';

/** Approvals whose findings are remembered (the oldest are forgotten first, then read again if needed). */
const REMEMBERED = 500;

/**
 * What the run found before each approval, read from the execution once per approval: steps
 * before an approval are over by the time it waits, so their outputs do not change while the
 * card is shown and edited. A failed read shows the card without them and is tried at the next edit.
 */
export class ApprovalContext {
  private readonly known = new Map<string, ApprovalFindings>();

  constructor(private readonly d: Pick<ApprovalServiceDeps, 'harness' | 'logger'>) {}

  async findings(
    run: RunRecord,
    approval: ApprovalInstance,
    stepName: string,
    labels: ReadonlyMap<string, string>,
  ): Promise<ApprovalFindings | undefined> {
    const known = this.known.get(approval.id);
    if (known !== undefined) return known;
    if (run.executionId === undefined) return undefined;
    try {
      const view = await this.d.harness.getExecution(run.executionId, {
        orgId: run.orgId,
        projectId: run.projectId,
      });
      const found = findingsBefore(view, approval.id, stepName, run.inputs, labels);
      if (found === undefined) return undefined;
      this.known.set(approval.id, found);
      if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value ?? '');
      return found;
    } catch (err) {
      this.d.logger.debug(
        { runId: run.id, approvalId: approval.id, err: errorMessage(err) },
        'could not read what the run found before the approval; the card shows it later',
      );
      return undefined;
    }
  }
}
