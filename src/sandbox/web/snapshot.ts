import type { AnyBlock, HomeView, ModalView } from '@slack/types';
import type { HarnessSimulator } from '../../harness/simulator/server.js';
import type { SlackEmulator } from '../slack/emulator.js';
import type { EmulatedMessage } from '../slack/state.js';
import type {
  HarnessPanelState,
  PageChannel,
  PageCommand,
  PageEphemeral,
  PageMessage,
  PageState,
} from './client/page-state.js';

/**
 * What one person's Slack client holds: the conversations they are in (with what the bot posted
 * and edited there), the messages only they see, their open modals and their App Home. Read from
 * the emulator's record of the bot's Web API calls and response_url answers; nothing else.
 */
export interface SnapshotExtras {
  commands: PageCommand[];
  mode: string;
  /** Slash-command acknowledgements that carried a message (Slack shows it to the person only). */
  acks: { user: string; channel: string; body: Record<string, unknown> }[];
  /** The order in which the page's server first saw each private message, by key. */
  orderOf(key: string): number;
}

export function snapshotFor(slack: SlackEmulator, me: string, x: SnapshotExtras): Omit<PageState, 'harness'> {
  const ws = slack.ws;
  const channels: PageChannel[] = [];
  for (const c of ws.channels.values()) {
    if (c.archived || !c.members.includes(me)) continue;
    const live = c.messages.filter((m) => m.deleted !== true || c.messages.some((r) => r.threadTs === m.ts));
    channels.push({
      id: c.id,
      name: c.name,
      kind: c.kind,
      botIn: c.members.includes(ws.botUserId),
      messages: live.map((m) => pageMessage(m, c.messages)),
    });
  }
  const ephemerals: PageEphemeral[] = [];
  ws.ephemerals.forEach((e, i) => {
    const order = x.orderOf(`e${String(i)}`);
    if (e.user !== me) return;
    ephemerals.push({
      channel: e.channel,
      threadTs: e.threadTs,
      text: e.text,
      blocks: e.blocks as AnyBlock[],
      response: undefined,
      order,
    });
  });
  slack.responses.forEach((r, i) => {
    const order = x.orderOf(`r${String(i)}`);
    // An in_channel answer posts to the channel for everyone (https://api.slack.com/interactivity/handling#message_responses).
    if (r.user !== me && r.body.response_type !== 'in_channel') return;
    if (r.body.delete_original === true) return;
    ephemerals.push({
      channel: r.channel,
      threadTs: undefined,
      text: typeof r.body.text === 'string' ? r.body.text : '',
      blocks: parseBlocks(r.body.blocks),
      response: i,
      order,
    });
  });
  x.acks.forEach((a, i) => {
    const order = x.orderOf(`a${String(i)}`);
    if (a.user !== me) return;
    ephemerals.push({
      channel: a.channel,
      threadTs: undefined,
      text: typeof a.body.text === 'string' ? a.body.text : '',
      blocks: parseBlocks(a.body.blocks),
      response: undefined,
      order,
    });
  });
  ephemerals.sort((a, b) => a.order - b.order);
  const views = slack.openViews(me).map((v) => ({
    id: v.id,
    hash: v.hash,
    view: v.view as unknown as ModalView,
    input: v.input,
  }));
  const home = ws.homeViews.get(me) as HomeView | undefined;
  return {
    me,
    people: ws.users.map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
    botUserId: ws.botUserId,
    channels,
    ephemerals,
    views,
    home,
    commands: x.commands,
    mode: x.mode,
  };
}

function pageMessage(m: EmulatedMessage, all: EmulatedMessage[]): PageMessage {
  return {
    ts: m.ts,
    threadTs: m.threadTs,
    user: m.user,
    text: m.text,
    blocks: m.blocks as AnyBlock[],
    edits: Math.max(0, m.history.length - 1),
    deleted: m.deleted === true,
    replies: m.threadTs === undefined ? all.filter((r) => r.threadTs === m.ts).length : 0,
  };
}

function parseBlocks(v: unknown): AnyBlock[] {
  if (Array.isArray(v)) return v as AnyBlock[];
  if (typeof v !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? (parsed as AnyBlock[]) : [];
  } catch {
    return [];
  }
}

/** The simulator's executions and their steps (upcoming ones from the pipeline), newest first. */
export function harnessPanel(sim: HarnessSimulator, armed: Set<string>): HarnessPanelState {
  const executions = [...sim.engine.executions.values()].reverse().slice(0, 10);
  const waiting = [...sim.engine.approvals.values()].filter((a) => a.status === 'WAITING');
  for (const e of executions)
    for (const s of e.steps)
      if (s.status === 'Failed' && armed.has(s.step.identifier)) armed.delete(s.step.identifier);
  return {
    url: sim.url,
    armedFailures: [...armed],
    executions: executions.map((e) => {
      const planned = e.pipeline.stages.flatMap((st) => st.steps);
      return {
        id: e.id,
        pipeline: e.pipeline.name,
        runSequence: e.runSequence,
        status: e.status,
        triggeredBy: e.triggeredBy.email,
        steps: planned.map((step) => {
          const run = [...e.steps].reverse().find((r) => r.step.identifier === step.identifier);
          return {
            id: step.identifier,
            name: step.name,
            type: step.type,
            status: run?.status ?? 'NotStarted',
            failureMessage: run?.failureMessage,
          };
        }),
        waitingApprovals: waiting
          .filter((a) => a.execution.id === e.id)
          .map((a) => ({ id: a.id, message: a.message })),
      };
    }),
  };
}
