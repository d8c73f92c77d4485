import { createInterface } from 'node:readline/promises';
import { isRecord } from '../is-record.js';
import { renderBlocks } from './render.js';
import type { SlackEmulator } from './slack/emulator.js';
import type { Answer } from './slack/form-state.js';

/** The terminal driver of the local sandbox: what a person types, as the emulator's person actions. */
export interface TerminalOptions {
  input: NodeJS.ReadableStream;
  out: (text: string) => void;
}

export const HELP = `Type what you would type in Slack, as the person and in the channel shown in the prompt:
  /scale payments-api      a slash command (then answer the form's questions; Enter keeps a default)
  wait 2                   let a few seconds pass (runs move on their own)
  /idp                     list workflows;  /idp help
  as bob                   act as alice (developer), bob or carol (SRE on-call), dave (security), eve (outsider)
  in #dev                  switch channel (#ops, #dev, #sre-private)
  approve                  press Approve on the newest approval card, as the current person
  reject                   press Reject (you will be asked why)
  abort                    press Abort on the newest run card
  quit                     stop everything`;

const PEOPLE: Record<string, string> = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  dave: 'U0DAVE',
  eve: 'U0EVE',
};

/** Reads the terminal until `quit` (true) or the end of its input (false). */
export async function repl(o: TerminalOptions, slack: SlackEmulator): Promise<boolean> {
  const rl = createInterface({ input: o.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    o.out(prompt);
    const next = await lines.next();
    return next.done === true ? undefined : next.value.trim();
  };
  let user = 'alice';
  let channel = 'ops';
  const shownResponses = new Set<unknown>();
  for (;;) {
    const line = await ask(`${user}@#${channel}>`);
    if (line === undefined) {
      rl.close();
      return false;
    }
    if (line === 'quit' || line === 'exit') break;
    if (line === '') continue;
    const channelId = [...slack.ws.channels.values()].find((c) => c.name === channel)?.id ?? 'C0OPS';
    const userId = PEOPLE[user] ?? 'U0ALICE';
    if (line === 'help') o.out(HELP);
    else if (/^wait( \d+)?$/.test(line))
      await new Promise((r) => setTimeout(r, 1000 * Number(line.slice(5) || '1')));
    else if (line.startsWith('as ')) {
      const who = line.slice(3).trim().toLowerCase();
      if (PEOPLE[who] === undefined) o.out(`Nobody called ${who}; try ${Object.keys(PEOPLE).join(', ')}.`);
      else user = who;
    } else if (line.startsWith('in ')) {
      const name = line.slice(3).trim().replace(/^#/, '');
      if (![...slack.ws.channels.values()].some((c) => c.name === name)) o.out(`No channel #${name}.`);
      else channel = name;
    } else if (line.startsWith('/')) {
      const [command = '', ...rest] = line.split(/\s+/);
      const before = new Set(slack.openViews(userId).map((v) => v.id));
      const ack = await slack.command({ command, text: rest.join(' '), user: userId, channel: channelId });
      // What Slack shows when the app did not answer in time or was not connected.
      if (ack.error !== undefined) o.out(`${command} failed with the error "${ack.error}"`);
      const view = await waitFor(() => slack.openViews(userId).find((v) => !before.has(v.id)), 2500);
      if (view !== undefined) await fillForm(slack, view.id, userId, ask, o.out);
      // The newest answer to this command (left in place: the page shows it too).
      const response = slack.responses.at(-1);
      if (response !== undefined && response.user === userId && !shownResponses.has(response)) {
        shownResponses.add(response);
        o.out(
          renderBlocks(
            response.body.blocks,
            typeof response.body.text === 'string' ? response.body.text : '',
          ),
        );
      }
    } else if (line.startsWith('approve') || line.startsWith('reject')) {
      const approve = line.startsWith('approve');
      const card = [...slack.channel(channelId).messages]
        .reverse()
        .find((m) => JSON.stringify(m.blocks).includes('idp_approval_approve'));
      if (card === undefined) o.out('No approval card with buttons in this channel.');
      else {
        const before = new Set(slack.openViews(userId).map((v) => v.id));
        await slack.clickMessageButton(
          channelId,
          card.ts,
          userId,
          approve ? 'idp_approval_approve' : 'idp_approval_reject',
        );
        // A form opens at once and may first say it is checking the click.
        const modal = await waitFor(
          () =>
            slack
              .openViews(userId)
              .find((v) => !before.has(v.id) && !JSON.stringify(v.view.blocks).includes('Checking that')),
          10_000,
        );
        if (modal?.view.submit !== undefined) await fillForm(slack, modal.id, userId, ask, o.out);
        else if (modal !== undefined) {
          o.out(renderBlocks(Array.isArray(modal.view.blocks) ? modal.view.blocks : []));
          modal.closed = true;
        }
      }
    } else if (line === 'abort') {
      const card = [...slack.messages(channelId)]
        .reverse()
        .find((m) => JSON.stringify(m.blocks).includes('idp_run_abort'));
      if (card === undefined) o.out('No running card with an Abort button in this channel.');
      else await slack.clickMessageButton(channelId, card.ts, userId, 'idp_run_abort');
    } else o.out(`Not understood: ${line}. Type help.`);
    await new Promise((r) => setTimeout(r, 300));
  }
  rl.close();
  return true;
}

async function fillForm(
  slack: SlackEmulator,
  viewId: string,
  userId: string,
  ask: (p: string) => Promise<string | undefined>,
  out: (t: string) => void,
): Promise<void> {
  for (;;) {
    const view = slack.view(viewId);
    if (view.closed) return;
    out(`── ${(view.view.title as { text?: string } | undefined)?.text ?? 'Form'} ──`);
    const asked = new Set<string>();
    for (;;) {
      // Re-read the view after each answer: a field another depends on updates the form.
      const blocks = Array.isArray(slack.view(viewId).view.blocks)
        ? (slack.view(viewId).view.blocks as Record<string, unknown>[])
        : [];
      const b = blocks.find((x) => !asked.has(String(x.block_id)));
      if (b === undefined) break;
      const id = String(b.block_id);
      asked.add(id);
      if (b.type !== 'input') {
        const text = renderBlocks([b]);
        if (text !== '' && id !== 'pipeline') out(text);
        continue;
      }
      const answer = await askField(slack, viewId, userId, b, ask, out);
      if (answer === null) return;
      if (answer !== undefined) await slack.fill(viewId, userId, { [id]: answer });
    }
    const reply = await slack.submitView(viewId, userId);
    const body = isRecord(reply.body) ? reply.body : {};
    if (body.response_action === 'errors' && isRecord(body.errors)) {
      for (const message of Object.values(body.errors)) out(`  ✘ ${String(message)}`);
      continue;
    }
    if (body.response_action !== 'update') return;
  }
}

/** One question per field; `null` cancels the form, `undefined` keeps what Slack would send. */
async function askField(
  slack: SlackEmulator,
  viewId: string,
  userId: string,
  b: Record<string, unknown>,
  ask: (p: string) => Promise<string | undefined>,
  out: (t: string) => void,
): Promise<Answer | undefined | null> {
  const el = isRecord(b.element) ? b.element : {};
  const label = isRecord(b.label) ? String(b.label.text) : String(b.block_id);
  const hint = isRecord(b.hint) ? ` (${String(b.hint.text)})` : '';
  const optional = b.optional === true ? ', optional' : '';
  const type = String(el.type);
  const entered = slack.view(viewId).input[String(b.block_id)];
  const given = entered === undefined ? undefined : describeEntry(Object.values(entered)[0]);
  const initial =
    given !== undefined
      ? given
      : typeof el.initial_value === 'string'
        ? el.initial_value
        : isRecord(el.initial_option) && isRecord(el.initial_option.text)
          ? String(el.initial_option.text.text)
          : undefined;
  const def = initial === undefined ? '' : ` [${initial}]`;
  let options = Array.isArray(el.options) ? (el.options as Record<string, unknown>[]) : [];
  if (type === 'external_select' || type === 'multi_external_select') {
    const typed = await ask(`${label}${hint}${optional}${def} — type to search:`);
    if (typed === undefined) return null;
    if (typed === '' && initial !== undefined) return undefined;
    const r = await slack.suggest(viewId, userId, String(b.block_id), typed);
    options =
      isRecord(r.body) && Array.isArray(r.body.options) ? (r.body.options as Record<string, unknown>[]) : [];
    if (options.length === 0) {
      out('  no matches; left as it was');
      return undefined;
    }
  }
  if (options.length > 0) {
    options.forEach((opt, i) => {
      out(`  ${String(i + 1)}. ${isRecord(opt.text) ? String(opt.text.text) : ''}`);
    });
    const pick = await ask(
      `${label}${optional}${def} — number${type.includes('multi') || type === 'checkboxes' ? 's, comma-separated' : ''}:`,
    );
    if (pick === undefined) return null;
    if (pick === '') return undefined;
    const chosen = pick
      .split(',')
      .map((p) => options[Number(p.trim()) - 1])
      .filter((x): x is Record<string, unknown> => x !== undefined);
    const values = chosen.map((c) => String(c.value));
    return type.includes('multi') || type === 'checkboxes' ? values : (values[0] ?? pick);
  }
  const value = await ask(`${label}${hint}${optional}${def}:`);
  if (value === undefined) return null;
  return value === '' ? undefined : value;
}

/** What an entered answer shows, for the `[default]` of the next question. */
function describeEntry(state: unknown): string | undefined {
  if (!isRecord(state)) return undefined;
  const label = (o: unknown) => (isRecord(o) && isRecord(o.text) ? String(o.text.text) : '');
  if (typeof state.value === 'string') return state.value;
  if (isRecord(state.selected_option)) return label(state.selected_option);
  if (Array.isArray(state.selected_options)) return state.selected_options.map(label).join(', ');
  const picked = state.selected_date ?? state.selected_time ?? state.selected_date_time;
  return typeof picked === 'string' || typeof picked === 'number' ? String(picked) : undefined;
}

/** Prints new messages, card edits and private notes as they appear. */
export function watch(slack: SlackEmulator, out: (t: string) => void): () => void {
  const seen = new Map<string, number>();
  let ephemerals = 0;
  const timer = setInterval(() => {
    for (const c of slack.ws.channels.values()) {
      for (const m of c.messages) {
        const key = `${c.id}:${m.ts}`;
        const versions = m.history.length;
        if ((seen.get(key) ?? 0) >= versions) continue;
        const first = !seen.has(key);
        seen.set(key, versions);
        const where = m.threadTs === undefined ? `#${c.name}` : `#${c.name} (thread)`;
        out(`${first ? '▶' : '✎'} ${where}\n${indent(renderBlocks(m.blocks, m.text))}`);
      }
    }
    for (const e of slack.ws.ephemerals.slice(ephemerals))
      out(`🔒 only you (${e.user})\n${indent(renderBlocks(e.blocks, e.text))}`);
    ephemerals = slack.ws.ephemerals.length;
  }, 200);
  return () => {
    clearInterval(timer);
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}

async function waitFor<T>(fn: () => T | undefined, ms: number): Promise<T | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}
