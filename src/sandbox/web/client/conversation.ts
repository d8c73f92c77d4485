/**
 * A conversation as Slack shows it: its messages (with "edited" and reply counts), a thread pane,
 * the messages only this person sees, and the message box where slash commands are typed, with
 * the app's commands suggested as Slack does (name, usage hint, description).
 */
import type { Button } from '@slack/types';
import { act } from './api.js';
import { renderBlocks } from './blocks.js';
import { el } from './dom.js';
import { escapeHtml } from './mrkdwn.js';
import type { Names } from './mrkdwn.js';
import type { PageChannel, PageEphemeral, PageMessage, PageState } from './page-state.js';

export interface ConversationContext {
  state: PageState;
  names: Names;
  openThread(ts: string): void;
  /** A note from Slack itself (not the app), e.g. a command that failed. */
  note(text: string): void;
}

function author(m: { user: string }, ctx: ConversationContext): HTMLElement {
  const bot = m.user === ctx.state.botUserId;
  const who = el('div', 'author');
  who.append(el('span', 'avatar', bot ? '⚙' : escapeHtml(ctx.names.user(m.user).slice(0, 1).toUpperCase())));
  who.append(el('span', 'name', escapeHtml(bot ? 'idp-chatops' : ctx.names.user(m.user))));
  if (bot) who.append(el('span', 'app-badge', 'APP'));
  return who;
}

export function messageNode(
  m: PageMessage,
  channel: PageChannel,
  ctx: ConversationContext,
  inThread: boolean,
): HTMLElement {
  const node = el('div', 'message');
  node.dataset.ts = m.ts;
  node.append(author(m, ctx));
  const me = ctx.state.me;
  const body = m.deleted
    ? el('div', 'deleted', 'This message was deleted.')
    : m.blocks.length > 0
      ? renderBlocks(m.blocks, {
          names: ctx.names,
          click: (b: Button) =>
            void act('/api/message/click', {
              user: me,
              channel: channel.id,
              ts: m.ts,
              actionId: b.action_id,
            }),
        })
      : el('div', 'plain', escapeHtml(m.text).replace(/\n/g, '<br>'));
  node.append(body);
  if (m.edits > 0) node.append(el('span', 'edited', '(edited)'));
  if (!inThread && m.replies > 0) {
    const link = el('button', 'replies', `${String(m.replies)} ${m.replies === 1 ? 'reply' : 'replies'}`);
    link.type = 'button';
    link.addEventListener('click', () => {
      ctx.openThread(m.ts);
    });
    node.append(link);
  }
  return node;
}

export function ephemeralNode(e: PageEphemeral, ctx: ConversationContext): HTMLElement {
  const node = el('div', 'message ephemeral');
  node.append(author({ user: ctx.state.botUserId }, ctx));
  node.append(el('div', 'only-you', '👁 Only visible to you'));
  const response = e.response;
  node.append(
    e.blocks.length > 0
      ? renderBlocks(e.blocks, {
          names: ctx.names,
          click: (b: Button) => {
            if (response !== undefined)
              void act('/api/response/click', { user: ctx.state.me, response, actionId: b.action_id });
          },
        })
      : el('div', 'plain', escapeHtml(e.text).replace(/\n/g, '<br>')),
  );
  return node;
}

export function channelView(channel: PageChannel, ctx: ConversationContext, notes: string[]): HTMLElement {
  const list = el('div', 'messages');
  for (const m of channel.messages)
    if (m.threadTs === undefined) list.append(messageNode(m, channel, ctx, false));
  for (const e of ctx.state.ephemerals)
    if (e.channel === channel.id && e.threadTs === undefined) list.append(ephemeralNode(e, ctx));
  for (const n of notes)
    list.append(
      el('div', 'message slackbot-note', `<b>Slackbot</b> · only visible to you<br>${escapeHtml(n)}`),
    );
  if (list.childElementCount === 0) list.append(el('div', 'empty', 'No messages yet.'));
  return list;
}

export function threadView(
  channel: PageChannel,
  ts: string,
  ctx: ConversationContext,
  close: () => void,
): HTMLElement {
  const pane = el('div', 'thread');
  const head = el('div', 'thread-head', '<b>Thread</b>');
  const x = el('button', 'modal-x', '×');
  x.type = 'button';
  x.addEventListener('click', close);
  head.append(x);
  pane.append(head);
  const parent = channel.messages.find((m) => m.ts === ts);
  if (parent !== undefined) pane.append(messageNode(parent, channel, ctx, true));
  for (const m of channel.messages) if (m.threadTs === ts) pane.append(messageNode(m, channel, ctx, true));
  for (const e of ctx.state.ephemerals)
    if (e.channel === channel.id && e.threadTs === ts) pane.append(ephemeralNode(e, ctx));
  return pane;
}

/** The message box: `/` lists the app's slash commands; Enter sends the command to Slack. */
export function composer(channel: PageChannel, ctx: ConversationContext): HTMLElement {
  const wrap = el('div', 'composer');
  const list = el('div', 'command-menu');
  list.hidden = true;
  const box = el('textarea', 'composer-box');
  box.rows = 1;
  box.placeholder = `Message ${channel.kind === 'im' ? '' : '#'}${channel.name}`;
  box.setAttribute('aria-label', 'Message');
  const suggest = () => {
    const typed = box.value;
    list.innerHTML = '';
    if (!typed.startsWith('/') || typed.includes(' ')) {
      list.hidden = true;
      return;
    }
    const hits = ctx.state.commands.filter((c) => c.command.startsWith(typed));
    for (const c of hits) {
      const item = el(
        'div',
        'command-item',
        `<b>${escapeHtml(c.command)}</b> <span class="usage">${escapeHtml(c.usageHint)}</span><div class="desc">${escapeHtml(c.description)} · idp-chatops</div>`,
      );
      item.addEventListener('mousedown', (ev) => {
        ev.preventDefault();
        box.value = `${c.command} `;
        list.hidden = true;
        box.focus();
      });
      list.append(item);
    }
    list.hidden = hits.length === 0;
  };
  box.addEventListener('input', suggest);
  box.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.shiftKey) return;
    ev.preventDefault();
    const line = box.value.trim();
    if (line === '') return;
    box.value = '';
    list.hidden = true;
    if (!line.startsWith('/')) {
      ctx.note(
        'This sandbox sends slash commands to the app; plain messages are not modelled by the emulator.',
      );
      return;
    }
    const command = line.split(/\s+/)[0] ?? '';
    if (!ctx.state.commands.some((c) => c.command === command)) {
      ctx.note(
        `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`,
      );
      return;
    }
    act<{ status?: number; error?: string }>('/api/command', {
      user: ctx.state.me,
      channel: channel.id,
      text: line,
    })
      .then((r) => {
        // What Slack shows when the app did not acknowledge in time, or failed.
        if (r.error !== undefined) ctx.note(`${command} failed with the error "${r.error}"`);
      })
      .catch((err: unknown) => {
        ctx.note(String(err));
      });
  });
  wrap.append(list, box);
  return wrap;
}
