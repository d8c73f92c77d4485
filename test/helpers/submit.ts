import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import { isRecord } from '../../src/is-record.js';
import type { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { sampleValues } from './catalogue.js';
import { answersFor, eventually } from './stack.js';
import type { Stack } from './stack.js';

/** Runs a shipped workflow from its slash command with its sample answers; returns the status card's ts. */
export function submitWorkflow(
  s: Stack,
  workflowId: string,
  user = 'U0ALICE',
  channel = 'C0OPS',
): Promise<string> {
  return submitThrough(s.slack, s.catalogue, workflowId, user, channel);
}

/**
 * The same through any emulator (a bot process of its own, several replicas): a person types the
 * command, fills each page with the sample answers and submits; the new status card's ts.
 */
export async function submitThrough(
  slack: SlackEmulator,
  catalogue: Catalogue,
  workflowId: string,
  user = 'U0ALICE',
  channel = 'C0OPS',
): Promise<string> {
  const wf = catalogue.workflows.get(workflowId);
  const command = catalogue.bindings.get(workflowId)?.command;
  if (wf === undefined || command === undefined) throw new Error(`no workflow ${workflowId}`);
  const values = await sampleValues(workflowId);
  const before = new Set(slack.messages(channel).map((m) => m.ts));
  const views = new Set(slack.openViews(user).map((v) => v.id));
  await slack.command({ command, user, channel });
  const [view] = await eventually(
    () => slack.openViews(user).filter((v) => !views.has(v.id)),
    (v) => v.length === 1,
  );
  for (const page of wf.pages)
    await slack.submitView(view?.id ?? '', user, answersFor(wf, page.index, values));
  const card = await eventually(
    () => slack.messages(channel).find((m) => !before.has(m.ts) && m.threadTs === undefined),
    (m) => m !== undefined,
  );
  return card?.ts ?? '';
}

/**
 * `/idp link` with `token`, as the person would do it. The token is checked after the modal
 * answers, so this waits for the bot's private message and returns its text.
 */
export async function linkToken(s: Stack, user: string, token: string): Promise<string> {
  const dms = () => s.slack.ws.channels.get(`D${user.slice(1)}`)?.messages.length ?? 0;
  const before = dms();
  await s.slack.command({ command: '/idp', text: 'link', user, channel: 'C0OPS' });
  const [view] = await eventually(
    () => s.slack.openViews(user),
    (v) => v.length === 1,
  );
  const reply = await s.slack.submitView(view?.id ?? '', user, { link_token: token });
  if (!isRecord(reply.body) || reply.body.response_action !== 'update')
    throw new Error(`the link modal answered ${JSON.stringify(reply.body)}`);
  await eventually(dms, (n) => n > before);
  for (const v of s.slack.openViews(user)) v.closed = true;
  return s.slack.channel(`D${user.slice(1)}`).messages.at(-1)?.text ?? '';
}
