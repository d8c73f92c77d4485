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
  /** Deleted, kept as a tombstone because it has replies. */
  deleted?: boolean;
  /** Every version the message had, oldest first (the last is current). */
  history: { text: string; blocks: unknown[] }[];
}

/** public and private channels, a DM (`im`) and a group DM (`mpim`), as in conversations.info. */
export type ChannelKind = 'public' | 'private' | 'im' | 'mpim';

export interface EmulatedChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  /** Who is in it, the bot included when it was invited. */
  members: string[];
  archived: boolean;
  messages: EmulatedMessage[];
}

export interface EmulatedView {
  id: string;
  hash: string;
  userId: string;
  rootViewId: string;
  previousViewId: string | undefined;
  view: Record<string, unknown>;
  /**
   * What the person has entered in the view's input blocks, by block_id (each `{action_id:
   * element state}`): kept in Slack until submit, sent with block_actions and view_submission.
   */
  input: Record<string, Record<string, unknown>>;
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

export const BOT_USER_ID = 'U0BOT';

/** The bot scopes slack-app.yaml asks for (a test keeps the two in step). */
export const DEFAULT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'users:read.email',
  'usergroups:read',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'im:history',
  'im:write',
];

const EVERYONE = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'];

/**
 * The bot was invited to #ops and #sre-private; #dev is public without it (it posts there through
 * chat:write.public); #incidents is private without it; D1ALICEBOB is a DM between two people and
 * G0TRIO a group DM, neither with the bot. The bot's own DM with a person (`D` + the user id's
 * tail) opens on first use.
 */
export const DEFAULT_CHANNELS: Omit<EmulatedChannel, 'messages'>[] = [
  {
    id: 'C0OPS',
    name: 'ops',
    kind: 'public',
    members: [...EVERYONE, 'U0EVE', BOT_USER_ID],
    archived: false,
  },
  { id: 'C0DEV', name: 'dev', kind: 'public', members: [...EVERYONE, 'U0EVE'], archived: false },
  {
    id: 'G0SECRET',
    name: 'sre-private',
    kind: 'private',
    members: ['U0BOB', 'U0CAROL', BOT_USER_ID],
    archived: false,
  },
  { id: 'G0INCIDENT', name: 'incidents', kind: 'private', members: ['U0ALICE', 'U0BOB'], archived: false },
  { id: 'D1ALICEBOB', name: 'alice-bob', kind: 'im', members: ['U0ALICE', 'U0BOB'], archived: false },
  {
    id: 'G0TRIO',
    name: 'mpdm-alice--bob--carol-1',
    kind: 'mpim',
    members: ['U0ALICE', 'U0BOB', 'U0CAROL'],
    archived: false,
  },
];

export const DEFAULT_USER_GROUPS: { id: string; handle: string; users: string[] }[] = [
  { id: 'S0SRE', handle: 'sre', users: ['U0BOB', 'U0CAROL'] },
  { id: 'S0DEVS', handle: 'developers', users: ['U0ALICE', 'U0BOB'] },
];
