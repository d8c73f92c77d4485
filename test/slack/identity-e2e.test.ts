import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVault } from '../../src/runs/token-vault.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { linkToken } from '../helpers/submit.js';

const KEY = 'k'.repeat(40);
let s: Stack;
beforeAll(async () => {
  // No approver key: approvals go to Harness with each person's own linked token.
  s = await startStack({ encryptionKey: KEY });
});
afterAll(async () => {
  await s.stop();
});

const link = (user: string, token: string): Promise<string> => linkToken(s, user, token);

describe('/idp link', () => {
  it('refuses a token Harness does not accept, or one of somebody else', async () => {
    expect(await link('U0BOB', 'pat.not-a-real-token')).toContain(
      'Harness did not accept this token: check it is a personal access token that has not expired.',
    );
    expect(await link('U0BOB', 'sim-key-alice')).toContain(
      'This token belongs to alice@example.com, not to your Slack email (bob@example.com). Use a token of your own.',
    );
    expect(await s.bot.deps.store.identities.get('U0BOB')).toBeUndefined();
  });

  it('links a person’s own token, stored encrypted', async () => {
    expect(await link('U0BOB', 'sim-key-bob')).toContain('Your Harness account Bob SRE is linked');
    const row = new Database(s.dbPath, { readonly: true })
      .prepare('SELECT sealed_token FROM identity_links WHERE slack_user = ?')
      .get('U0BOB') as { sealed_token: string };
    expect(row.sealed_token).not.toContain('sim-key-bob');
    expect(new TokenVault(KEY).open(row.sealed_token)).toBe('sim-key-bob');
    expect(new TokenVault('x'.repeat(40)).open(row.sealed_token)).toBeUndefined();
  });

  it('a quorum of two is met by two linked people, each recorded as themselves', async () => {
    await link('U0CAROL', 'sim-key-carol');
    const wf = s.catalogue.workflows.get('scale_service');
    if (wf === undefined) throw new Error('wf');
    const values = JSON.parse(await readFile('test/fixtures/values/scale_service.json', 'utf8')) as Record<
      string,
      unknown
    >;
    await s.slack.command({ command: '/scale', user: 'U0ALICE', channel: 'C0OPS' });
    const [view] = await eventually(
      () => s.slack.openViews('U0ALICE'),
      (v) => v.length === 1,
    );
    await s.slack.submitView(view?.id ?? '', 'U0ALICE', answersFor(wf, 0, values));
    const approval = await eventually(
      () => [...s.sim.engine.approvals.values()].find((a) => a.status === 'WAITING'),
      (a) => a !== undefined,
    );
    if (approval === undefined) throw new Error('no approval');
    approval.minimumCount = 2;
    const card = await eventually(
      () => s.slack.channel('C0OPS').messages.find((m) => textOf(m).includes('Approval needed')),
      (m) => m !== undefined,
    );
    await s.slack.clickMessageButton('C0OPS', card?.ts ?? '', 'U0BOB', 'idp_approval_approve');
    await eventually(
      () => approval.activities.length,
      (n) => n === 1,
    );
    expect(approval.status).toBe('WAITING');
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === card?.ts)),
      (t) => t.includes('1 of 2 approvals'),
    );
    await s.slack.clickMessageButton('C0OPS', card?.ts ?? '', 'U0CAROL', 'idp_approval_approve');
    await eventually(
      () => approval.status,
      (st) => st === 'APPROVED',
    );
    expect(approval.activities.map((a) => a.user.uuid)).toEqual(['u-bob', 'u-carol']);
  });

  it('/idp unlink removes the token', async () => {
    await s.slack.command({ command: '/idp', text: 'unlink', user: 'U0BOB', channel: 'C0OPS' });
    await eventually(
      () => s.slack.responses.map((r) => JSON.stringify(r.body)).join(),
      (t) => t.includes('Your Harness token is removed'),
    );
    expect(await s.bot.deps.store.identities.get('U0BOB')).toBeUndefined();
  });
});
