/** What the emulated workspace holds. */
export interface EmulatedUser {
  id: string;
  name: string;
  realName: string;
  email: string;
  tz: string;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface EmulatedMessage {
  ts: string;
  threadTs: string | undefined;
  /** A thread reply also shown in the channel (`reply_broadcast`). */
  broadcast?: boolean;
  metadata?: MessageMetadata;
  user: string;
  text: string;
  blocks: unknown[];
  /** Every version the message had, oldest first (the last is current). */
  history: { text: string; blocks: unknown[] }[];
}

export interface EmulatedChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  messages: EmulatedMessage[];
}

export interface EmulatedView {
  id: string;
  hash: string;
  userId: string;
  rootViewId: string;
  previousViewId: string | undefined;
  view: Record<string, unknown>;
  closed: boolean;
}

export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  threadTs: string | undefined;
}

export const DEFAULT_USERS: EmulatedUser[] = [
  {
    id: 'U0ALICE',
    name: 'alice',
    realName: 'Alice Developer',
    email: 'alice@example.com',
    tz: 'Europe/Berlin',
  },
  { id: 'U0BOB', name: 'bob', realName: 'Bob SRE', email: 'bob@example.com', tz: 'America/New_York' },
  {
    id: 'U0CAROL',
    name: 'carol',
    realName: 'Carol SRE Lead',
    email: 'carol@example.com',
    tz: 'Europe/London',
  },
  { id: 'U0DAVE', name: 'dave', realName: 'Dave Security', email: 'dave@example.com', tz: 'Asia/Tokyo' },
  { id: 'U0EVE', name: 'eve', realName: 'Eve Outsider', email: 'eve@elsewhere.example', tz: 'UTC' },
];

export const DEFAULT_CHANNELS: { id: string; name: string; isPrivate: boolean }[] = [
  { id: 'C0OPS', name: 'ops', isPrivate: false },
  { id: 'C0DEV', name: 'dev', isPrivate: false },
  { id: 'G0SECRET', name: 'sre-private', isPrivate: true },
];

export const DEFAULT_USER_GROUPS: { id: string; handle: string; users: string[] }[] = [
  { id: 'S0SRE', handle: 'sre', users: ['U0BOB', 'U0CAROL'] },
  { id: 'S0DEVS', handle: 'developers', users: ['U0ALICE', 'U0BOB'] },
];
