import type { Approval } from '../../src/harness/simulator/engine.js';
import { eventually, textOf } from './stack.js';
import { submitWorkflow } from './submit.js';
import type { Stack } from './stack.js';

/** Runs a shipped workflow from its slash command until its approval card is posted. */
export async function runUntilApproval(
  s: Stack,
  workflowId: string,
  user = 'U0ALICE',
  channel = 'C0OPS',
): Promise<{ cardTs: string; approvalCardTs: string; approval: Approval }> {
  const cardTs = await submitWorkflow(s, workflowId, user, channel);
  const approvalCard = await eventually(
    () => s.slack.replies(channel, cardTs).find((m) => textOf(m).includes('Approval needed')),
    (m) => m !== undefined,
  );
  const record = (await s.bot.deps.store.runs.open()).find((r) => r.cardTs === cardTs);
  const approval = [...s.sim.engine.approvals.values()].find((a) => a.execution.id === record?.executionId);
  if (approvalCard === undefined || approval === undefined) throw new Error('no approval');
  return { cardTs, approvalCardTs: approvalCard.ts, approval };
}
