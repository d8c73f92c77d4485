import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHomeView } from '../../blocks/limits.js';
import { clickHomeButton } from '../../src/sandbox/slack/home-tab.js';
import { sampleValues } from '../helpers/catalogue.js';
import { answersFor, eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

/**
 * App Home as its people use it: the requester's runs and "Run again", an approver's "Waiting
 * for you" decided from the Home through the channel's own checks, and a button per workflow the
 * person may run. The scale workflow gets a visible secret field ("Database password") for the
 * test: it is never prefilled when the run is started again.
 */
let s: Stack;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-home-'));
  await cp('manifests', dir, { recursive: true });
  const file = path.join(dir, 'workflows', 'scale-service.yaml');
  const yaml = await readFile(file, 'utf8');
  const at = yaml.indexOf('          default: 2\n') + '          default: 2\n'.length;
  await writeFile(
    file,
    `${yaml.slice(0, at)}        db_password:\n          title: Database password\n          type: string\n${yaml.slice(at)}`,
  );
  s = await startStack({
    manifestsDir: dir,
    approverKey: 'sim-key-carol',
    access: { rotate_token: { users: ['U0DAVE'], userGroups: [], channels: [] } },
  });
});
afterAll(async () => {
  await s.stop();
  await rm(dir, { recursive: true, force: true });
});

const publishes = (user: string) =>
  s.slack.calls.filter((c) => c.method === 'views.publish' && c.args.user_id === user && c.ok).length;
/** The person's DM with the app, where answers to Home clicks go (created by the first post). */
const dm = (user: string) =>
  (s.slack.ws.channels.get(`D${user.slice(1)}`)?.messages ?? []).map((m) => m.text).join('\n');
const homeText = (user: string) => JSON.stringify(s.slack.homes.get(user)?.view ?? {});

/** Opens the Home (app_home_opened) and waits for the publish it causes. */
async function openHome(user: string): Promise<string> {
  const before = publishes(user);
  await s.slack.event({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home' });
  await eventually(
    () => publishes(user),
    (n) => n > before,
  );
  return homeText(user);
}

/** Waits for a publish of `user`'s Home that satisfies `ok` (Home refreshes on its own). */
const homeBecomes = (user: string, ok: (text: string) => boolean) =>
  eventually(() => homeText(user), ok, 15_000);

/** /scale with the sample answers and a database password; the status card's ts. */
async function runScale(user: string): Promise<string> {
  const wf = s.catalogue.workflows.get('scale_service');
  if (wf === undefined) throw new Error('no scale workflow');
  const values = { ...(await sampleValues('scale_service')), db_password: 'correct-horse-battery' };
  const before = new Set(s.slack.messages('C0OPS').map((m) => m.ts));
  const views = new Set(s.slack.openViews(user).map((v) => v.id));
  await s.slack.command({ command: '/scale', user, channel: 'C0OPS' });
  const [view] = await eventually(
    () => s.slack.openViews(user).filter((v) => !views.has(v.id)),
    (v) => v.length === 1,
  );
  await s.slack.submitView(view?.id ?? '', user, answersFor(wf, 0, values));
  const card = await eventually(
    () => s.slack.messages('C0OPS').find((m) => !before.has(m.ts) && m.threadTs === undefined),
    (m) => m !== undefined,
  );
  return card?.ts ?? '';
}

describe('App Home', () => {
  let approvalId = '';

  it('offers a button for each workflow the person may run, and only those', async () => {
    const alice = await openHome('U0ALICE');
    expect(checkHomeView(s.slack.homes.get('U0ALICE')?.view)).toEqual([]);
    expect(alice).toContain('Self-service workflows');
    expect(alice).toContain('"action_id":"idp_home_start:scale_service"');
    expect(alice).not.toContain('idp_home_start:rotate_token');
    expect(alice).toContain('None yet.');
    expect(alice).toContain('Nothing waits for your decision.');
    expect(await openHome('U0DAVE')).toContain('idp_home_start:rotate_token');
  });

  it('the requester’s Home follows their run without being opened again', async () => {
    const cardTs = await runScale('U0ALICE');
    expect(cardTs).not.toBe('');
    // No app_home_opened since the first: the run's events refreshed it.
    const home = await homeBecomes(
      'U0ALICE',
      (t) => t.includes('Scale a service') && t.includes('Waiting for approval'),
    );
    expect(home).toContain('idp_home_run_again');
    expect(home).toContain('<#C0OPS>');
  });

  it('an approver sees it waiting for them; someone outside the groups does not', async () => {
    const bob = await openHome('U0BOB');
    expect(bob).toContain('Approve scale');
    expect(bob).toContain('"action_id":"idp_approval_approve"');
    const found = /"value":"([A-Za-z0-9_-]{22})"/.exec(bob);
    approvalId = found?.[1] ?? '';
    expect(s.sim.engine.approvals.get(approvalId)?.status).toBe('WAITING');
    expect(await openHome('U0DAVE')).not.toContain('Approve scale');
  });

  it('a click from a stale Home is checked as in the channel: an outsider is refused, nothing reaches Harness', async () => {
    // Dave was in the on-call group when his Home was drawn, and is not any more.
    const oncall = s.sim.engine.seed.userGroups.find((g) => g.ref === 'account.sre_oncall');
    oncall?.users.push('u-dave');
    expect(await openHome('U0DAVE')).toContain('Approve scale');
    if (oncall !== undefined) oncall.users = oncall.users.filter((u) => u !== 'u-dave');
    await clickHomeButton(s.slack, 'U0DAVE', 'idp_approval_approve', approvalId);
    const note = await eventually(
      () => dm('U0DAVE'),
      (t) => t.includes('Approve scale'),
    );
    expect(note).toContain('account.sre_oncall');
    expect(s.sim.engine.approvals.get(approvalId)?.activities).toEqual([]);
    expect(
      (await s.bot.deps.store.audit.trail()).some(
        (e) => e.action === 'approval.denied' && e.actor === 'U0DAVE',
      ),
    ).toBe(true);
  });

  it('an approver approves from Home: one decision in Harness, and their Home drops it', async () => {
    await clickHomeButton(s.slack, 'U0BOB', 'idp_approval_approve', approvalId);
    await eventually(
      () => s.sim.engine.approvals.get(approvalId)?.status,
      (x) => x === 'APPROVED',
    );
    expect(s.sim.engine.approvals.get(approvalId)?.activities.map((a) => a.comments)).toEqual([
      'Approved in Slack (U0BOB) by Bob SRE <bob@example.com>',
    ]);
    await eventually(
      () => dm('U0BOB'),
      (t) => t.includes('You approved Approve scale.'),
    );
    await homeBecomes('U0BOB', (t) => t.includes('Nothing waits for your decision.'));
    await homeBecomes('U0ALICE', (t) => t.includes('Succeeded'));
  });

  it('"Run again" opens the workflow prefilled with the run’s answers, the secret left empty', async () => {
    const before = new Set(s.slack.openViews('U0ALICE').map((v) => v.id));
    await clickHomeButton(s.slack, 'U0ALICE', 'idp_home_run_again');
    const [view] = await eventually(
      () => s.slack.openViews('U0ALICE').filter((v) => !before.has(v.id)),
      (v) => v.length === 1,
    );
    const modal = JSON.stringify(view?.view);
    expect(modal).toContain('"initial_value":"payments/Deployment/payments-api"');
    expect(modal).toContain('"initial_value":"6"');
    expect(modal).toContain('Database password');
    expect(modal).not.toContain('correct-horse-battery');
    expect(modal).not.toContain('••••••');
    const blocks = (view?.view.blocks ?? []) as { block_id?: string; element?: Record<string, unknown> }[];
    const secret = blocks.find((b) => b.block_id?.endsWith(':db_password'));
    expect(secret?.element?.initial_value).toBeUndefined();
  });
});
