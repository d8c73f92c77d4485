import { clientFor, SCOPE } from './harness.js';
import { eventually, textOf } from './stack.js';
import type { Stack } from './stack.js';

/** Types a slash command and returns the modal it opened. */
export async function openForm(
  s: Stack,
  { user = 'U0ALICE', command = '/scale', text = '', channel = 'C0OPS' } = {},
): Promise<string> {
  const before = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command, text, user, channel });
  const views = await eventually(
    () => s.slack.openViews(user).filter((v) => !before.has(v.id)),
    (v) => v.length === 1,
  );
  return views[0]?.id ?? '';
}

/** The ts of the first top-level message posted after the channel held `count`. */
export async function cardAfter(
  s: Stack,
  channel: string,
  count: number,
  timeoutMs?: number,
): Promise<string> {
  const msgs = await eventually(
    () => s.slack.messages(channel),
    (m) => m.length > count,
    timeoutMs,
  );
  return msgs[count]?.ts ?? '';
}

export const cardText = (s: Stack, channel: string, ts: string): string =>
  textOf(s.slack.channel(channel).messages.find((m) => m.ts === ts));

/** The approval instance the run behind a card waits on. */
export async function approvalOf(s: Stack, cardTs: string): Promise<string> {
  const run = await eventually(
    async () =>
      (await s.bot.deps.store.runs.open()).find((r) => r.cardTs === cardTs && r.executionId !== undefined),
    (r) => r !== undefined,
  );
  const v = await eventually(
    () => clientFor(s.sim).getExecution(run?.executionId ?? '', SCOPE),
    (x) => x.steps.some((st) => st.approvalInstanceId !== undefined),
  );
  return v.steps.find((st) => st.approvalInstanceId !== undefined)?.approvalInstanceId ?? '';
}
