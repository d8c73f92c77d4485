import type { Approval } from '../../src/harness/simulator/engine.js';
import { sampleValues } from './catalogue.js';
import { answersFor, eventually, textOf } from './stack.js';
import type { Stack } from './stack.js';

/** Runs a shipped workflow from its slash command until its approval card is posted. */
export async function runUntilApproval(
  s: Stack,
  workflowId: string,
  user = 'U0ALICE',
  channel = 'C0OPS',
): Promise<{ cardTs: string; approvalCardTs: string; approval: Approval }> {
  const wf = s.catalogue.workflows.get(workflowId);
  const command = s.catalogue.bindings.get(workflowId)?.command;
  if (wf === undefined || command === undefined) throw new Error(workflowId);
  const values = await sampleValues(workflowId);
  const before = s.slack.messages(channel).length;
  const views = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command, user, channel });
  const [view] = await eventually(
    () => s.slack.openViews(user).filter((v) => !views.has(v.id)),
    (v) => v.length === 1,
  );
  for (const page of wf.pages)
    await s.slack.submitView(view?.id ?? '', user, answersFor(wf, page.index, values));
  const cardTs =
    (
      await eventually(
        () => s.slack.messages(channel),
        (m) => m.length > before,
      )
    )[before]?.ts ?? '';
  const approvalCard = await eventually(
    () => s.slack.replies(channel, cardTs).find((m) => textOf(m).includes('Approval needed')),
    (m) => m !== undefined,
  );
  const record = s.bot.deps.store.openRuns().find((r) => r.cardTs === cardTs);
  const approval = [...s.sim.engine.approvals.values()].find((a) => a.execution.id === record?.executionId);
  if (approvalCard === undefined || approval === undefined) throw new Error('no approval');
  return { cardTs, approvalCardTs: approvalCard.ts, approval };
}
