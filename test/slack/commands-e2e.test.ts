import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({
    access: { rotate_token: { userGroups: ['S0SRE'] }, provision_infrastructure: { channels: ['dev'] } },
  });
});
afterAll(async () => {
  await s.stop();
});

const lastResponse = () => s.slack.responses.at(-1)?.body;

async function openForm(command: string, text = '', user = 'U0ALICE', channel = 'C0OPS') {
  const before = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command, text, user, channel });
  const [view] = await eventually(
    () => s.slack.openViews(user).filter((v) => !before.has(v.id)),
    (v) => v.length === 1,
  );
  if (view === undefined) throw new Error('no view');
  return view;
}

describe('slack-app.yaml and the registered listeners', () => {
  it('every slash command of the manifest is answered by the bot', async () => {
    const manifest = parse(await readFile('slack-app.yaml', 'utf8')) as {
      features: { slash_commands: { command: string }[] };
    };
    for (const { command } of manifest.features.slash_commands) {
      const reply = await s.slack.command({
        command,
        text: command === '/idp' ? 'help' : '',
        user: 'U0CAROL',
        channel: 'C0DEV',
      });
      expect(reply.status, command).toBe(200);
    }
    // Each bound command opened its form (carol may run everything, in #dev).
    await eventually(
      () => s.slack.openViews('U0CAROL').length,
      (n) => n === manifest.features.slash_commands.length - 1,
    );
  });

  it('an unknown command is not answered as if it were ours', async () => {
    const reply = await s.slack.command({ command: '/frobnicate', user: 'U0ALICE', channel: 'C0OPS' });
    expect(reply.status).not.toBe(200);
  });
});

describe('/idp', () => {
  it('lists only the workflows the caller may run here', async () => {
    await s.slack.command({ command: '/idp', user: 'U0ALICE', channel: 'C0OPS' });
    const body = await eventually(lastResponse, (b) => b !== undefined);
    const text = JSON.stringify(body);
    expect(text).toContain('Scale a service');
    expect(text).toContain('`/scale [service] [environment]`');
    expect(text).not.toContain('Rotate a token');
    expect(text).not.toContain('Provision infrastructure');
    expect(text).toContain('2 more workflows are limited to other people or channels');
  });

  it('explains itself, and what it did not understand', async () => {
    const reply = await s.slack.command({
      command: '/idp',
      text: 'deploy everything',
      user: 'U0ALICE',
      channel: 'C0OPS',
    });
    expect(JSON.stringify(reply.body)).toContain('\\"deploy everything\\" is not an idp-chatops command.');
    expect(JSON.stringify(reply.body)).toContain('/idp run <workflow>');
  });

  it('runs any workflow by id, with words filling its fields', async () => {
    const view = await openForm('/idp', 'run toggle_feature_flag new_checkout account-42');
    const blocks = JSON.stringify(view.view.blocks);
    expect(blocks).toContain('"initial_value":"new_checkout"');
    expect(blocks).toContain('"initial_value":"account-42"');
  });

  it('says so when the workflow does not exist', async () => {
    const before = s.slack.responses.length;
    await s.slack.command({ command: '/idp', text: 'run nope', user: 'U0ALICE', channel: 'C0OPS' });
    const body = await eventually(
      () => s.slack.responses.slice(before).at(-1)?.body,
      (b) => b !== undefined,
    );
    expect(JSON.stringify(body)).toContain('There is no workflow \\"nope\\"');
  });
});

describe('access rules', () => {
  it('refuses someone outside the allowed Slack groups before the form opens', async () => {
    await s.slack.command({ command: '/rotate-token', user: 'U0ALICE', channel: 'C0OPS' });
    const [note] = await eventually(
      () => s.slack.ephemeralsFor('U0ALICE').filter((e) => e.text.includes('Rotate a token')),
      (e) => e.length === 1,
    );
    expect(note?.text).toBe(
      "You can't run Rotate a token here: you are not among the people or Slack groups allowed to run it.",
    );
  });

  it('refuses a workflow outside its channels, naming where it may run', async () => {
    await s.slack.command({ command: '/provision', user: 'U0BOB', channel: 'C0OPS' });
    const [note] = await eventually(
      () => s.slack.ephemeralsFor('U0BOB').filter((e) => e.text.includes('Provision')),
      (e) => e.length === 1,
    );
    expect(note?.text).toBe("You can't run Provision infrastructure here: it can only be run from #dev.");
  });

  it('lets a member of the group run it', async () => {
    const view = await openForm('/rotate-token', '', 'U0BOB');
    expect(JSON.stringify(view.view.title)).toContain('Rotate a token');
  });
});

describe('the form', () => {
  it('prefills only what maps without doubt, and says what it ignored', async () => {
    const view = await openForm('/scale', 'payments-api Moon extra');
    const blocks = JSON.stringify(view.view.blocks);
    expect(blocks).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"payments_api","emoji":true},"value":"payments_api"}',
    );
    expect(blocks).toContain(
      '\\"Moon\\" does not match exactly one Environment Identifier; choose it in the form.',
    );
    expect(blocks).toContain('Ignored \\"extra\\": /scale takes at most 2 (service, environment).');
  });

  it('serves picker options from Harness, and explains a picker that needs another answer first', async () => {
    const view = await openForm('/rollback');
    const services = await s.slack.suggest(view.id, 'U0ALICE', 'f:0:service', 'check');
    expect(services.body).toEqual({
      options: [
        {
          text: { type: 'plain_text', text: 'checkout-web (checkout_web)', emoji: true },
          value: 'checkout_web',
        },
      ],
    });
    const early = await s.slack.suggest(view.id, 'U0ALICE', 'infrastructure', '');
    expect(early.body).toMatchObject({
      options: [{ text: { text: 'Choose Environment Identifier first' } }],
    });
    await s.slack.fill(view.id, 'U0ALICE', { environment: 'staging' });
    const infra = await s.slack.suggest(view.id, 'U0ALICE', 'infrastructure', '');
    expect(infra.body).toMatchObject({ options: [{ value: 'k8s_staging' }] });
  });

  it('shows a clear empty state when Harness cannot list options', async () => {
    const view = await openForm('/rollback');
    s.sim.faults.failNext = 20;
    s.sim.faults.failStatus = 503;
    try {
      const r = await s.slack.suggest(view.id, 'U0ALICE', 'f:0:service', 'pay');
      expect(r.body).toMatchObject({
        options: [
          { text: { text: expect.stringMatching(/^Harness (is unreachable|did not answer in time)/) } },
        ],
      });
    } finally {
      s.sim.faults.failNext = 0;
    }
  });

  it('goes page by page, keeps earlier answers, and goes back with them', async () => {
    const view = await openForm('/rotate-token', '', 'U0BOB');
    const first = await s.slack.submitView(view.id, 'U0BOB', {
      token_identifier: 'ci_token',
      service_account: 'ci_bot',
      api_key: 'ci_key',
    });
    expect(first.body).toMatchObject({ response_action: 'update' });
    expect(
      textOf({
        ts: '',
        threadTs: undefined,
        user: '',
        text: '',
        blocks: s.slack.view(view.id).view.blocks as unknown[],
        history: [],
      }),
    ).toContain('*Step 2 of 2:* Secret to update');
    await s.slack.viewButton(view.id, 'U0BOB', 'idp_page_back');
    const back = await eventually(
      () => JSON.stringify(s.slack.view(view.id).view.blocks),
      (b) => b.includes('Step 1 of 2'),
    );
    expect(back).toContain('"initial_value":"ci_token"');
    expect(back).toContain('"initial_value":"ci_bot"');
  });

  it('keeps answers too long for private_metadata as a draft: nothing typed is lost', async () => {
    const long = 'org-'.repeat(740);
    const view = await openForm('/rotate-token', '', 'U0BOB');
    const first = await s.slack.submitView(view.id, 'U0BOB', {
      token_identifier: 'ci_token',
      rotation_org: long,
      service_account: 'ci_bot',
      api_key: 'ci_key',
    });
    expect(first.body).toMatchObject({ response_action: 'update' });
    const meta = String(s.slack.view(view.id).view.private_metadata);
    expect(meta.length).toBeLessThan(3000);
    expect(meta).toContain('"d":');
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(view.id, 'U0BOB', {
      secret_identifier: 'ci_bot_token',
      secret_name: 'CI bot token',
    });
    await eventually(
      () => s.slack.messages('C0OPS').length,
      (n) => n === before + 1,
    );
    const run = await eventually(
      async () => (await s.bot.deps.store.runs.recent('U0BOB', 1))[0],
      (r) => r?.workflowId === 'rotate_token',
    );
    expect(run?.inputs.rotation_org).toBe(long.trim());
  });
});
