import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { enter, preserveInput, stateFor } from '../../src/sandbox/slack/form-state.js';

let emu: SlackEmulator;
let client: WebClient;
beforeAll(async () => {
  emu = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-test', triggerTtlMs: 3000 });
  client = new WebClient('xoxb-test', {
    slackApiUrl: emu.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(async () => {
  await emu.close();
});

const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'T' },
  blocks: [],
  ...extra,
});
/** A trigger_id as Slack hands one out, `ageMs` ago (Slack's last 3 s; a loaded machine can take 50 ms per call). */
function trigger(user = 'U0ALICE', ageMs = 0): string {
  const id = `t-${String(Math.random())}`;
  emu.ws.triggers.set(id, { createdAt: Date.now() - ageMs, used: false, userId: user });
  return id;
}

describe('the Slack emulator answers like Slack', () => {
  it('refuses an unknown token', async () => {
    const bad = new WebClient('xoxb-wrong', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    await expect(bad.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('expires trigger ids and refuses to use one twice', async () => {
    const t = trigger();
    await expect(client.views.open({ trigger_id: t, view: modal() })).resolves.toMatchObject({ ok: true });
    await expect(client.views.open({ trigger_id: t, view: modal() })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    const old = trigger('U0ALICE', 3100);
    await expect(client.views.open({ trigger_id: old, view: modal() })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
  });

  it('counts a slash command’s trigger from when it was typed, not from when the app answered', async () => {
    // An app that answers the command late and only then opens its modal.
    const opened: Promise<unknown>[] = [];
    // Its own emulator with a trigger life shorter than the app's delay: a slower machine only
    // makes the answer later, never the trigger younger.
    const short = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-test', triggerTtlMs: 300 });
    const shortClient = new WebClient('xoxb-test', {
      slackApiUrl: short.apiUrl,
      retryConfig: { retries: 0 },
    });
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const triggerId = new URLSearchParams(body).get('trigger_id') ?? '';
        setTimeout(() => {
          res.end();
          opened.push(
            shortClient.views.open({ trigger_id: triggerId, view: modal() }).catch((e: unknown) => e),
          );
        }, 350);
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    short.botUrl = `http://127.0.0.1:${String((app.address() as AddressInfo).port)}/`;
    try {
      await short.command({ command: '/scale', user: 'U0ALICE', channel: 'C0OPS' });
      await expect(Promise.all(opened)).resolves.toMatchObject([{ data: { error: 'expired_trigger_id' } }]);
    } finally {
      app.close();
      await short.close();
    }
  });

  it('rejects views and messages Slack would reject, saying why', async () => {
    await expect(
      client.views.open({
        trigger_id: trigger(),
        view: modal({ title: { type: 'plain_text', text: 'x'.repeat(30) } }),
      }),
    ).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: {
          messages: [expect.stringMatching(/title: text is 30 characters; the limit is 24/)],
        },
      },
    });
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(client.chat.postMessage({ channel: 'C0OPS', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
  });

  it('checks view hashes and the three-view stack', async () => {
    const opened = await client.views.open({ trigger_id: trigger('U0BOB'), view: modal() });
    const id = opened.view?.id ?? '';
    await expect(client.views.update({ view_id: id, hash: 'stale', view: modal() })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });
    await client.views.push({ trigger_id: trigger('U0BOB'), view: modal() });
    await client.views.push({ trigger_id: trigger('U0BOB'), view: modal() });
    await expect(client.views.push({ trigger_id: trigger('U0BOB'), view: modal() })).rejects.toMatchObject({
      data: { error: 'push_limit_reached' },
    });
  });

  it('threads replies, edits only the bot’s messages, and answers 429 with Retry-After', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0OPS', text: 'parent' });
    await client.chat.postMessage({ channel: 'C0OPS', text: 'reply', thread_ts: parent.ts ?? '' });
    expect(emu.replies('C0OPS', parent.ts ?? '').map((m) => m.text)).toEqual(['reply']);
    await expect(
      client.chat.postMessage({ channel: 'C0OPS', text: 'x', thread_ts: '1.2' }),
    ).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
    emu.failNext('chat.update', 1, { retryAfter: 7 });
    await expect(
      client.chat.update({ channel: 'C0OPS', ts: parent.ts ?? '', text: 'edited' }),
    ).rejects.toMatchObject({ retryAfter: 7 });
    await client.chat.update({ channel: 'C0OPS', ts: parent.ts ?? '', text: 'edited' });
    expect(
      emu
        .messages('C0OPS')
        .find((m) => m.ts === parent.ts)
        ?.history.map((h) => h.text),
    ).toEqual(['parent', 'edited']);
  });

  it('enforces per-method rate tiers when asked to', async () => {
    const strict = await SlackEmulator.start({
      signingSecret: 's',
      botToken: 'xoxb-test',
      enforceRateLimits: true,
    });
    const c = new WebClient('xoxb-test', {
      slackApiUrl: strict.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 25 }, () => c.usergroups.users.list({ usergroup: 'S0SRE' })),
      );
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    } finally {
      await strict.close();
    }
  });

  it('knows people, groups and channels', async () => {
    await expect(client.users.lookupByEmail({ email: 'BOB@example.com' })).resolves.toMatchObject({
      user: { id: 'U0BOB' },
    });
    await expect(client.users.lookupByEmail({ email: 'nobody@example.com' })).rejects.toMatchObject({
      data: { error: 'users_not_found' },
    });
    await expect(client.usergroups.users.list({ usergroup: 'S0SRE' })).resolves.toMatchObject({
      users: ['U0BOB', 'U0CAROL'],
    });
    await expect(client.conversations.info({ channel: 'C0OPS' })).resolves.toMatchObject({
      channel: { name: 'ops' },
    });
  });
});

describe('what a person enters in a modal, as Slack keeps it', () => {
  const view = (blockId: string) => ({
    blocks: [
      {
        type: 'input',
        block_id: 'f:0:environment',
        dispatch_action: true,
        element: { type: 'external_select', action_id: 'pick' },
      },
      { type: 'input', block_id: blockId, element: { type: 'external_select', action_id: 'pick' } },
    ],
  });

  it('only inputs with dispatch_action tell the app before submit', () => {
    expect(enter(view('f:0.aa:infrastructure'), 'environment', 'prod')?.dispatches).toBe(true);
    expect(enter(view('f:0.aa:infrastructure'), 'infrastructure', 'k8s')?.dispatches).toBe(false);
  });

  it('views.update keeps entries whose block and action ids are unchanged, and drops the rest', () => {
    const input: Record<string, Record<string, unknown>> = {};
    for (const [name, answer] of [
      ['environment', 'prod'],
      ['infrastructure', 'k8s_prod'],
    ] as const) {
      const e = enter(view('f:0.aa:infrastructure'), name, answer);
      if (e !== undefined) input[e.blockId] = { [e.actionId]: e.state };
    }
    expect(stateFor(view('f:0.aa:infrastructure'), input)['f:0.aa:infrastructure']).toEqual({
      pick: { type: 'external_select', selected_option: expect.objectContaining({ value: 'k8s_prod' }) },
    });
    const kept = preserveInput(input, view('f:0.bb:infrastructure'));
    expect(Object.keys(kept)).toEqual(['f:0:environment']);
    expect(stateFor(view('f:0.bb:infrastructure'), kept)['f:0.bb:infrastructure']).toEqual({
      pick: { type: 'external_select', selected_option: null },
    });
  });
});
