import { readFile } from 'node:fs/promises';
import { answersFor, eventually } from './stack.js';
import type { Stack } from './stack.js';

/** Runs a shipped workflow from its slash command with its sample answers; returns the status card's ts. */
export async function submitWorkflow(
  s: Stack,
  workflowId: string,
  user = 'U0ALICE',
  channel = 'C0OPS',
): Promise<string> {
  const wf = s.catalogue.workflows.get(workflowId);
  const command = s.catalogue.bindings.get(workflowId)?.command;
  if (wf === undefined || command === undefined) throw new Error(`no workflow ${workflowId}`);
  const values = JSON.parse(await readFile(`test/fixtures/values/${workflowId}.json`, 'utf8')) as Record<
    string,
    unknown
  >;
  const before = s.slack.messages(channel).length;
  const views = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command, user, channel });
  const [view] = await eventually(
    () => s.slack.openViews(user).filter((v) => !views.has(v.id)),
    (v) => v.length === 1,
  );
  for (const page of wf.pages)
    await s.slack.submitView(view?.id ?? '', user, answersFor(wf, page.index, values));
  const messages = await eventually(
    () => s.slack.messages(channel),
    (m) => m.length > before,
  );
  return messages[before]?.ts ?? '';
}

/** `/idp link` with `token`, as the person would do it; returns the modal's answer. */
export async function linkToken(s: Stack, user: string, token: string): Promise<unknown> {
  await s.slack.command({ command: '/idp', text: 'link', user, channel: 'C0OPS' });
  const [view] = await eventually(
    () => s.slack.openViews(user),
    (v) => v.length === 1,
  );
  const reply = await s.slack.submitView(view?.id ?? '', user, { link_token: token });
  for (const v of s.slack.openViews(user)) v.closed = true;
  return reply.body;
}
