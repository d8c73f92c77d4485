/**
 * What the sandbox page is shown for one person: only what the bot sent through Slack's Web API
 * or a response_url, as that person's Slack client would hold it. Shared by the page's server
 * (`../snapshot.ts`) and the page (`main.ts`); types only, no DOM.
 */
import type { AnyBlock, HomeView, ModalView } from '@slack/types';

export interface PagePerson {
  id: string;
  name: string;
  realName: string;
}

export interface PageMessage {
  ts: string;
  threadTs: string | undefined;
  user: string;
  text: string;
  blocks: AnyBlock[];
  /** How many times it was edited (chat.update). */
  edits: number;
  deleted: boolean;
  replies: number;
}

export interface PageChannel {
  id: string;
  name: string;
  kind: 'public' | 'private' | 'im' | 'mpim';
  /** Whether the app is a member (Slack shows it in the channel's member list). */
  botIn: boolean;
  messages: PageMessage[];
}

/** A message only this person sees: chat.postEphemeral, or a response_url answer. */
export interface PageEphemeral {
  channel: string | undefined;
  threadTs: string | undefined;
  text: string;
  blocks: AnyBlock[];
  /** Index into the emulator's response_url answers (buttons on it click through that), if it came that way. */
  response: number | undefined;
  order: number;
}

export interface PageView {
  id: string;
  hash: string;
  view: ModalView;
  /** What the person entered, by block_id then action_id (Slack keeps it until submit). */
  input: Record<string, Record<string, unknown>>;
}

export interface PageCommand {
  command: string;
  description: string;
  usageHint: string;
}

export interface HarnessStepState {
  id: string;
  name: string;
  type: string;
  status: string;
  failureMessage: string | undefined;
}

export interface HarnessExecutionState {
  id: string;
  pipeline: string;
  runSequence: number;
  status: string;
  triggeredBy: string;
  steps: HarnessStepState[];
  /** Approvals still waiting, which a person can let expire. */
  waitingApprovals: { id: string; message: string }[];
}

export interface HarnessPanelState {
  url: string;
  executions: HarnessExecutionState[];
  /** Step ids a person asked to fail the next time they run (the simulator's `/_sim/fail-step`). */
  armedFailures: string[];
}

export interface PageState {
  me: string;
  people: PagePerson[];
  botUserId: string;
  channels: PageChannel[];
  ephemerals: PageEphemeral[];
  /** The open modal stack, newest last. */
  views: PageView[];
  home: HomeView | undefined;
  commands: PageCommand[];
  /** Present when the Harness side is the built-in simulator. */
  harness: HarnessPanelState | undefined;
  mode: string;
}
