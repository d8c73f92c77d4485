import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { MAX_CONNECTIONS } from '../../src/sandbox/slack/socket-mode.js';

const APP_TOKEN = 'xapp-test-secret';
let emu: SlackEmulator;
beforeAll(async () => {
  emu = await SlackEmulator.start({
    signingSecret: 's',
    botToken: 'xoxb-test',
    appToken: APP_TOKEN,
    transport: 'socket',
    ackDeadlineMs: 300,
    eventRetryDelaysMs: [0, 50],
    closeAfterWarningMs: 100,
  });
});
afterAll(async () => {
  await emu.close();
});
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const w of sockets.splice(0)) w.terminate();
  await emu.socketMode.whenConnections((n) => n === 0);
});

type Message = Record<string, unknown> & {
  type: string;
  envelope_id?: string;
  payload?: Record<string, unknown>;
};

/** A bare Socket Mode client, as Slack's implementation guide describes one. */
class RawClient {
  readonly received: Message[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly socket: WebSocket) {
    socket.on('message', (d: Buffer) => {
      this.received.push(JSON.parse(d.toString('utf8')) as Message);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  async next(type: string): Promise<Message> {
    for (;;) {
      const i = this.received.findIndex((m) => m.type === type);
      if (i >= 0) return this.received.splice(i, 1)[0] as Message;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  ack(envelopeId: string | undefined, payload?: Record<string, unknown>): void {
    this.socket.send(
      JSON.stringify({ envelope_id: envelopeId, ...(payload === undefined ? {} : { payload }) }),
    );
  }
}

async function openUrl(token = APP_TOKEN): Promise<string> {
  const res = await new WebClient(token, {
    slackApiUrl: emu.apiUrl,
    retryConfig: { retries: 0 },
  }).apps.connections.open();
  return res.url ?? '';
}

async function connect(url?: string): Promise<RawClient> {
  const ws = new WebSocket(url ?? (await openUrl()));
  sockets.push(ws);
  const client = new RawClient(ws);
  await client.next('hello');
  return client;
}

const command = () => emu.command({ command: '/idp', text: 'help', user: 'U0ALICE', channel: 'C0OPS' });

describe('apps.connections.open', () => {
  it('takes only the app-level token, refusing bot tokens and unknown tokens as Slack does', async () => {
    await expect(openUrl('xoxb-test')).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
    await expect(openUrl('xapp-test-other')).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    expect(await openUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=\w+&app_id=A0APP$/);
  });

  it('the app-level token cannot call the Web API', async () => {
    const asApp = new WebClient(APP_TOKEN, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    await expect(asApp.chat.postMessage({ channel: 'C0OPS', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
  });

  it('a WebSocket URL serves one connection', async () => {
    const url = await openUrl();
    const first = await connect(url);
    expect(first.received).toEqual([]);
    const second = new WebSocket(url);
    sockets.push(second);
    await expect(
      new Promise((resolve, reject) => {
        second.on('open', resolve);
        second.on('error', reject);
      }),
    ).rejects.toThrow(/401/);
  });
});

describe('envelopes', () => {
  it('says hello, then sends a slash command the app answers in its ack', async () => {
    const url = await openUrl();
    const ws = new WebSocket(url);
    sockets.push(ws);
    const client = new RawClient(ws);
    expect(await client.next('hello')).toMatchObject({
      num_connections: 1,
      connection_info: { app_id: 'A0APP' },
    });
    const reply = command();
    const envelope = await client.next('slash_commands');
    expect(envelope).toMatchObject({
      accepts_response_payload: true,
      payload: { command: '/idp', text: 'help' },
    });
    client.ack(envelope.envelope_id, { text: 'Here is some help' });
    expect(await reply).toMatchObject({ status: 200, body: { text: 'Here is some help' } });
  });

  it('a block action takes no response payload: Slack drops what the ack carries', async () => {
    const client = await connect();
    const reply = emu.sendPayload({ type: 'block_actions', actions: [] });
    const envelope = await client.next('interactive');
    expect(envelope.accepts_response_payload).toBe(false);
    client.ack(envelope.envelope_id, { text: 'ignored' });
    expect(await reply).toEqual({ status: 200, body: '' });
  });

  it('an interaction not acknowledged within the deadline fails for the person and is not sent again', async () => {
    const client = await connect();
    const reply = await emu.sendPayload({ type: 'block_actions', actions: [] });
    expect(reply).toMatchObject({ status: 0, error: 'operation_timeout' });
    expect(client.received.filter((m) => m.type === 'interactive')).toHaveLength(1);
  });

  it('an event not acknowledged in time comes again with retry_attempt and retry_reason', async () => {
    const client = await connect();
    const reply = emu.event({ type: 'app_home_opened', user: 'U0ALICE', tab: 'home' });
    const first = await client.next('events_api');
    expect(first).toMatchObject({ retry_attempt: 0, retry_reason: '', accepts_response_payload: false });
    const retry = await client.next('events_api');
    expect(retry).toMatchObject({
      envelope_id: first.envelope_id,
      retry_attempt: 1,
      retry_reason: 'timeout',
    });
    expect(retry.payload).toEqual(first.payload);
    client.ack(retry.envelope_id);
    expect(await reply).toEqual({ status: 200, body: '' });
  });

  it('with no connection open, a command cannot be dispatched', async () => {
    expect(await command()).toMatchObject({ status: 0, error: 'dispatch_failed' });
  });

  it('several connections share the envelopes: each goes to exactly one of them', async () => {
    const a = await connect();
    const b = await connect();
    const replies = [command(), command(), command(), command()];
    const got: Message[] = [];
    for (const c of [a, b, a, b]) {
      const e = await c.next('slash_commands');
      c.ack(e.envelope_id);
      got.push(e);
    }
    await Promise.all(replies);
    expect(new Set(got.map((e) => e.envelope_id)).size).toBe(4);
    expect([...a.received, ...b.received].filter((m) => m.type === 'slash_commands')).toEqual([]);
  });

  it(`refuses more than ${String(MAX_CONNECTIONS)} connections per app`, async () => {
    for (let i = 0; i < MAX_CONNECTIONS; i++) await connect();
    const ws = new WebSocket(await openUrl());
    sockets.push(ws);
    const extra = new RawClient(ws);
    expect(await extra.next('disconnect')).toMatchObject({ reason: 'too_many_websockets' });
    expect(emu.socketMode.connectionCount).toBe(MAX_CONNECTIONS);
  });

  it('a disconnect warning is followed by Slack closing the socket', async () => {
    const client = await connect();
    emu.socketMode.sendDisconnect('warning');
    expect(await client.next('disconnect')).toMatchObject({ reason: 'warning' });
    await new Promise((r) => client.socket.once('close', r));
    await emu.socketMode.whenConnections((n) => n === 0, 1000);
  });
});
