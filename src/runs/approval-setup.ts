import path from 'node:path';
import { startupApprovalText } from '../../blocks/approval-setup-text.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { PIPELINES_DIR } from '../catalogue/load-catalogue.js';
import { isRecord } from '../is-record.js';
import type { HarnessPort } from '../ports/harness.js';
import { HarnessApiError } from '../ports/harness-errors.js';
import { loadPipelines } from '../catalogue/pipeline-model.js';
import type { HarnessUser, Scope } from '../harness-model/types.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../errors.js';

export interface ApprovalSetupDeps {
  catalogue: Catalogue;
  harness: HarnessPort;
  approverApiKey: string | undefined;
  /** `/idp link` is on (an encryption key is configured). */
  linking: boolean;
  manifestsDir: string;
  logger: Logger;
}

/** A principal a key belongs to: a user (checked per group) or a service account (no current user). */
type Principal = { user: HarnessUser } | { serviceAccount: true } | { error: string };

async function principalOf(harness: HarnessPort, key?: string): Promise<Principal> {
  try {
    return { user: await harness.currentUser(key) };
  } catch (err) {
    // ng-manager answers 400 for a service-account key: "Current user can be accessed only by 'USER' principal type".
    if (err instanceof HarnessApiError && err.status === 400) return { serviceAccount: true };
    return { error: errorMessage(err) };
  }
}

async function inAnyGroup(
  harness: HarnessPort,
  user: HarnessUser,
  groups: string[],
  scope: Scope,
): Promise<boolean> {
  for (const g of groups) if (await harness.isUserGroupMember(g, user.uuid, scope)) return true;
  return false;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * At start, for every workflow whose pipeline (in `manifests/pipelines/`) has HarnessApproval
 * steps: which keys Harness would take approvals from, and what to configure when none.
 */
export async function reportApprovalSetup(d: ApprovalSetupDeps): Promise<void> {
  const pipelines = await loadPipelines(path.join(d.manifestsDir, PIPELINES_DIR));
  const bot = await principalOf(d.harness);
  const approver =
    d.approverApiKey === undefined ? undefined : await principalOf(d.harness, d.approverApiKey);
  for (const wf of d.catalogue.workflows.values()) {
    const pipeline = pipelines.get(wf.pipeline.pipelineId);
    const steps = pipeline?.stages.flatMap((s) => s.steps).filter((s) => s.type === 'HarnessApproval') ?? [];
    for (const step of steps) {
      const approvers = isRecord(step.spec.approvers) ? step.spec.approvers : {};
      const groups = strings(approvers.userGroups);
      const serviceAccounts = strings(approvers.serviceAccounts);
      const scope = { orgId: wf.pipeline.orgId, projectId: wf.pipeline.projectId };
      const senders: string[] = [];
      const judge = async (p: Principal | undefined, name: string): Promise<void> => {
        if (p === undefined || 'error' in p) return;
        if ('user' in p && (await inAnyGroup(d.harness, p.user, groups, scope).catch(() => false)))
          senders.push(`${name} (${p.user.email ?? p.user.uuid})`);
        if ('serviceAccount' in p && serviceAccounts.length > 0)
          senders.push(`${name}, if its service account is one of ${serviceAccounts.join(', ')}`);
      };
      await judge(approver, 'HARNESS_APPROVER_API_KEY');
      await judge(bot, "the bot's key");
      const line = startupApprovalText(wf.id, step.name, senders, groups, d.linking);
      if (line.ok) d.logger.info({ workflow: wf.id, step: step.identifier }, line.text);
      else d.logger.warn({ workflow: wf.id, step: step.identifier }, line.text);
    }
  }
  if (approver !== undefined && 'error' in approver)
    d.logger.warn({ err: approver.error }, 'HARNESS_APPROVER_API_KEY could not be checked');
}
