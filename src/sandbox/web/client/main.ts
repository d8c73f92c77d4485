/**
 * The sandbox page: a small Slack workspace (channels, DMs, the app's Home and Messages tabs,
 * threads, modals) for the person chosen in the switcher, redrawn from the emulator's state each
 * time the change feed says the bot did something, with the simulated Harness beside it.
 */
import { loadState, act, onChanges } from './api.js';
import { renderBlocks } from './blocks.js';
import { el } from './dom.js';
import { channelView, composer, threadView } from './conversation.js';
import type { ConversationContext } from './conversation.js';
import { harnessPanel } from './harness-panel.js';
import { ModalLayer } from './modal.js';
import { escapeHtml } from './mrkdwn.js';
import type { Names } from './mrkdwn.js';
import type { PageChannel, PageState } from './page-state.js';

/** Who each sandbox person is in the story (src/sandbox/slack/state.ts, the simulator's seed). */
const ROLES: Record<string, string> = {
  U0ALICE: 'requester',
  U0BOB: 'approver',
  U0CAROL: 'approver',
  U0DAVE: 'security',
  U0EVE: 'outsider',
};

const params = new URLSearchParams(location.search);
const ui = {
  user: params.get('user') ?? 'U0ALICE',
  channel: params.get('channel') ?? 'C0OPS',
  /** `home` shows the app's Home tab instead of a conversation. */
  tab: 'conversation' as 'conversation' | 'home',
  thread: undefined as string | undefined,
  notes: new Map<string, string[]>(),
  state: undefined as PageState | undefined,
};

const app = document.getElementById('app') ?? document.body;
let names: Names = { user: (id) => id, channel: (id) => id };
const modals = new ModalLayer(() => names);

function namesOf(s: PageState): Names {
  return {
    user: (id) => (id === s.botUserId ? 'idp-chatops' : (s.people.find((p) => p.id === id)?.name ?? id)),
    channel: (id) => s.channels.find((c) => c.id === id)?.name ?? id,
  };
}

function draw(): void {
  const s = ui.state;
  if (s === undefined) return;
  names = namesOf(s);
  const appDm = `D${s.me.slice(1)}`;
  const shell = el('div', 'shell');
  // Top bar: workspace, mode, person switcher.
  const top = el(
    'header',
    'topbar',
    `<b>Emulated</b> <span class="muted">sandbox · ${escapeHtml(s.mode)}</span>`,
  );
  const who = el('select', 'person');
  who.setAttribute('aria-label', 'Act as');
  for (const p of s.people)
    who.append(new Option(`${p.realName} (${ROLES[p.id] ?? 'member'})`, p.id, false, p.id === s.me));
  who.addEventListener('change', () => {
    ui.user = who.value;
    ui.thread = undefined;
    void refresh();
  });
  top.append(el('span', 'muted', 'Acting as'), who);
  // Sidebar.
  const side = el('nav', 'sidebar');
  const section = (title: string, items: { id: string; html: string; active: boolean; go: () => void }[]) => {
    side.append(el('div', 'side-title', title));
    for (const i of items) {
      const a = el('button', `side-item${i.active ? ' active' : ''}`, i.html);
      a.type = 'button';
      a.dataset.channel = i.id;
      a.addEventListener('click', i.go);
      side.append(a);
    }
  };
  const go = (id: string) => () => {
    ui.channel = id;
    ui.tab = 'conversation';
    ui.thread = undefined;
    draw();
  };
  const conversation = ui.tab === 'conversation';
  section(
    'Channels',
    s.channels
      .filter((c) => c.kind === 'public' || c.kind === 'private')
      .map((c) => ({
        id: c.id,
        html: labelOf(c),
        active: conversation && ui.channel === c.id,
        go: go(c.id),
      })),
  );
  section(
    'Direct messages',
    s.channels
      .filter((c) => (c.kind === 'im' || c.kind === 'mpim') && c.id !== appDm)
      .map((c) => ({
        id: c.id,
        html: labelOf(c),
        active: conversation && ui.channel === c.id,
        go: go(c.id),
      })),
  );
  section('Apps', [
    {
      id: 'home',
      html: '⚙ idp-chatops · Home',
      active: !conversation,
      go: () => {
        ui.tab = 'home';
        draw();
        void act('/api/home', { user: s.me });
      },
    },
    {
      id: appDm,
      html: '⚙ idp-chatops · Messages',
      active: conversation && ui.channel === appDm,
      go: go(appDm),
    },
  ]);
  // Main pane.
  const main = el('main', 'pane');
  if (ui.tab === 'home') {
    main.append(el('div', 'pane-head', '<b>idp-chatops</b> · Home'));
    main.append(
      s.home === undefined
        ? el('div', 'empty', 'The app has not published a Home tab for you yet.')
        : renderBlocks(s.home.blocks, {
            names,
            // A Home button reaches the bot as Slack sends it (block_actions from the view).
            click: (b) =>
              void act('/api/home/click', { user: s.me, actionId: b.action_id, value: b.value ?? '' }),
          }),
    );
  } else {
    const channel: PageChannel = s.channels.find((c) => c.id === ui.channel) ?? {
      id: ui.channel,
      name: ui.channel === appDm ? 'idp-chatops' : ui.channel,
      kind: 'im',
      botIn: true,
      messages: [],
    };
    const ctx: ConversationContext = {
      state: s,
      names,
      openThread: (ts) => {
        ui.thread = ts;
        draw();
      },
      note: (text) => {
        ui.notes.set(channel.id, [...(ui.notes.get(channel.id) ?? []), text]);
        draw();
      },
    };
    const members = channel.botIn ? '' : ' <span class="muted">· idp-chatops is not in this channel</span>';
    main.append(el('div', 'pane-head', `<b>${labelOf(channel)}</b>${members}`));
    const list = channelView(channel, ctx, ui.notes.get(channel.id) ?? []);
    main.append(list);
    main.append(composer(channel, ctx));
    requestAnimationFrame(() => {
      list.scrollTop = list.scrollHeight;
    });
    if (ui.thread !== undefined)
      shell.append(
        threadView(channel, ui.thread, ctx, () => {
          ui.thread = undefined;
          draw();
        }),
      );
  }
  shell.prepend(side, main);
  shell.append(harnessPanel(s.harness));
  // Keep what the person is typing in the message box across redraws.
  const typing = app.querySelector<HTMLTextAreaElement>('.composer-box');
  const focused = document.activeElement === typing;
  app.replaceChildren(top, shell);
  const box = app.querySelector<HTMLTextAreaElement>('.composer-box');
  if (typing !== null && box !== null) {
    box.value = typing.value;
    if (focused) box.focus();
  }
  modals.update(s.views.at(-1), s.me);
}

function labelOf(c: PageChannel): string {
  if (c.kind === 'im') return escapeHtml(c.botIn ? 'idp-chatops' : c.name);
  if (c.kind === 'mpim') return `👥 ${escapeHtml(c.name)}`;
  return `${c.kind === 'private' ? '🔒' : '#'} ${escapeHtml(c.name)}`;
}

let refreshing: Promise<void> | undefined;
const queued = { again: false };
/** Another change arrived while the state was loading (read through a call: it changes meanwhile). */
const moreQueued = (): boolean => queued.again;
async function refresh(): Promise<void> {
  if (refreshing !== undefined) {
    queued.again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      queued.again = false;
      ui.state = await loadState(ui.user);
      draw();
    } while (moreQueued());
  })();
  try {
    await refreshing;
  } finally {
    refreshing = undefined;
  }
}

onChanges(() => void refresh());
void refresh();
