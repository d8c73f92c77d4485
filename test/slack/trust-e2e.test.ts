import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../helpers/harness.js';
import { eventually, SIGNING_SECRET, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';
import {
  approvalOf as approvalOfIn,
  cardAfter as cardAfterIn,
  cardText,
  openForm as openFormIn,
} from '../helpers/runs.js';

const SCALE = SCALE_ANSWERS;

let s: Stack;
beforeAll(async () => {
  s = await startStack({ webhookSecret: 'hook-secret-test' });
});
afterAll(async () => {
  await s.stop();
});
afterEach(() => {
  s.slack.ws.ephemerals.length = 0;
});

const openForm = (user = 'U0ALICE', command = '/scale', text = '', channel = 'C0OPS') =>
  openFormIn(s, { user, command, text, channel });
const cardAfter = (channel: string, count: number) => cardAfterIn(s, channel, count);
const card = (channel: string, ts: string) => cardText(s, channel, ts);
const approvalOf = (cardTs: string) => approvalOfIn(s, cardTs);

describe('requests Slack did not sign', () => {
  it.each([
    ['a wrong signature', { secret: 'not-the-secret' }],
    ['a timestamp six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    // Correctly signed, but dated ahead: it would stay replayable until long after it was sent.
    ['a timestamp six minutes in the future', { timestamp: Math.floor(Date.now() / 1000) + 360 }],
    ['a timestamp a day in the future', { timestamp: Math.floor(Date.now() / 1000) + 86_400 }],
    ['a forged signature header', { signature: 'v0=deadbeef' }],
  ])('with %s are refused and nothing happens', async (_what, sign) => {
    const calls = s.slack.calls.length;
    const body = new URLSearchParams({
      command: '/scale',
      text: '',
      user_id: 'U0ALICE',
      channel_id: 'C0OPS',
      trigger_id: 'x',
      team_id: 'T0EMU',
      response_url: `${s.slack.url}/response/x`,
    }).toString();
    const reply = await s.slack.send(body, 'application/x-www-form-urlencoded', sign);
    expect(reply.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    // Nothing that acts: no form, no message (Bolt's own auth.test may happen).
    expect(
      s.slack.calls
        .slice(calls)
        .map((c) => c.method)
        .filter((m) => m !== 'auth.test'),
    ).toEqual([]);
    expect(s.slack.openViews('U0ALICE')).toEqual([]);
  });

  it('accepts the same request correctly signed (the check is not refusing everything)', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const body = new URLSearchParams({
      command: '/idp',
      text: 'help',
      user_id: 'U0ALICE',
      channel_id: 'C0OPS',
      trigger_id: 'x',
      team_id: 'T0EMU',
      response_url: `${s.slack.url}/response/x`,
    }).toString();
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET)
      .update(`v0:${String(ts)}:${body}`)
      .digest('hex')}`;
    const reply = await s.slack.send(body, 'application/x-www-form-urlencoded', { timestamp: ts, signature });
    expect(reply.status).toBe(200);
  });
});

describe('submissions', () => {
  it('a double click or a replay starts exactly one run', async () => {
    const before = s.slack.messages('C0OPS').length;
    const viewId = await openForm();
    const view = s.slack.view(viewId);
    const frozen = { ...view, view: { ...view.view } };
    const [a, b] = await Promise.all([
      s.slack.submitView(viewId, 'U0ALICE', SCALE),
      (() => {
        s.slack.ws.views.set(`${viewId}-twin`, { ...frozen, id: viewId });
        return s.slack.submitView(`${viewId}-twin`, 'U0ALICE', SCALE);
      })(),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await cardAfter('C0OPS', before);
    // A replay of the same payload later changes nothing either.
    s.slack.ws.views.set(`${viewId}-replay`, { ...frozen, id: viewId });
    await s.slack.submitView(`${viewId}-replay`, 'U0ALICE', SCALE);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.slack.messages('C0OPS').length).toBe(before + 1);
    expect(s.sim.engine.executions.size).toBeGreaterThan(0);
    const runs = [...s.sim.engine.executions.values()].filter(
      (e) => e.notes?.includes('U0ALICE') === true && e.startTs > Date.now() - 5000,
    );
    expect(runs).toHaveLength(1);
  });

  it('shows a bad value as an inline error, and starts nothing', async () => {
    const before = s.slack.messages('C0OPS').length;
    const viewId = await openForm();
    const reply = await s.slack.submitView(viewId, 'U0ALICE', {
      ...SCALE,
      replicas: 500,
      workload: 'not a workload',
    });
    expect(reply.body).toEqual({
      response_action: 'errors',
      errors: {
        'f:0:replicas': 'Target Replicas must be between 0 and 50',
        'f:0:workload':
          'Namespace is not in the expected format: The workload to scale, as [namespace/]Kind/Name, e.g. payments/Deployment/payments-api',
      },
    });
    expect(s.slack.messages('C0OPS').length).toBe(before);
    expect(s.slack.openViews('U0ALICE').map((v) => v.id)).toContain(viewId);
    await s.slack.submitView(viewId, 'U0ALICE', SCALE);
  });
});

describe('runs that go wrong', () => {
  it('a step that fails shows its reason on the card and in the thread', async () => {
    const before = s.slack.messages('C0OPS').length;
    s.sim.engine.failNextStep('k8s_scale', 'Deployment payments-api not found in namespace payments');
    await s.slack.submitView(await openForm(), 'U0ALICE', SCALE);
    const ts = await cardAfter('C0OPS', before);
    await clientFor(s.sim, 'bob').decideApproval(await approvalOf(ts), { action: 'APPROVE' });
    await eventually(
      () => card('C0OPS', ts),
      (t) => t.includes('· Failed\nRequested'),
    );
    expect(card('C0OPS', ts)).toContain(
      'K8s Scale · Failed · 0s — Deployment payments-api not found in namespace payments',
    );
    const thread = await eventually(
      () => s.slack.replies('C0OPS', ts).map(textOf).join('\n'),
      (t) => t.includes('ended'),
    );
    expect(thread).toContain(
      ':x: Step *K8s Scale* (K8sScale) failed\n>Deployment payments-api not found in namespace payments',
    );
    expect(thread).toContain('*Scale a service* ended: *Failed*');
  });

  it('Slack answering 429 during updates still gets the final state onto the card', async () => {
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(await openForm(), 'U0ALICE', SCALE);
    const ts = await cardAfter('C0OPS', before);
    const approval = await approvalOf(ts);
    s.slack.failNext('chat.update', 2, { retryAfter: 1 });
    await clientFor(s.sim, 'bob').decideApproval(approval, { action: 'APPROVE' });
    await eventually(
      () => card('C0OPS', ts),
      (t) => t.includes('· Succeeded\nRequested'),
      15_000,
    );
    expect(
      s.slack.calls.filter((c) => c.method === 'chat.update' && c.status === 429).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('a restart in the middle of a run picks the card up again, and posts nothing twice', async () => {
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(await openForm(), 'U0ALICE', SCALE);
    const ts = await cardAfter('C0OPS', before);
    const approval = await approvalOf(ts);
    await eventually(
      () => s.slack.replies('C0OPS', ts).length,
      (n) => n === 1,
    );
    await s.restartBot();
    await clientFor(s.sim, 'bob').decideApproval(approval, { action: 'APPROVE' });
    await eventually(
      () => card('C0OPS', ts),
      (t) => t.includes('· Succeeded\nRequested'),
    );
    const thread = await eventually(
      () => s.slack.replies('C0OPS', ts).map(textOf),
      (r) => r.some((t) => t.includes('finished')),
    );
    expect(
      thread.filter(
        (t) => t.includes('Approval needed: Approve scale') || t.includes('Approve scale: Approved'),
      ),
    ).toHaveLength(1);
    expect(thread.filter((t) => t.includes('finished'))).toHaveLength(1);
    expect(s.slack.messages('C0OPS').length).toBe(before + 1);
  });

  it('aborts on the card’s button, only for the requester or an approver', async () => {
    const before = s.slack.messages('C0OPS').length;
    await s.slack.submitView(await openForm(), 'U0ALICE', SCALE);
    const ts = await cardAfter('C0OPS', before);
    await approvalOf(ts);
    await eventually(
      () => card('C0OPS', ts),
      (t) => t.includes('Abort'),
    );
    await s.slack.clickMessageButton('C0OPS', ts, 'U0EVE', 'idp_run_abort');
    const refused = await eventually(
      () => s.slack.ephemeralsFor('U0EVE'),
      (e) => e.length === 1,
    );
    expect(refused[0]?.text).toBe(
      'Only the person who started this run, or one of its approvers, can abort it.',
    );
    await s.slack.clickMessageButton('C0OPS', ts, 'U0ALICE', 'idp_run_abort');
    await eventually(
      () => card('C0OPS', ts),
      (t) => t.includes('· Aborted\nRequested'),
    );
    expect(s.slack.replies('C0OPS', ts).map(textOf).join('\n')).toContain('Abort requested by <@U0ALICE>');
    expect((await s.bot.deps.store.audit.trail()).map((e) => e.action)).toContain('run.aborted');
  });
});

describe('Harness webhooks', () => {
  it('refuses a wrong secret and accepts the right one', async () => {
    const post = (secret: string) =>
      fetch(`${s.bot.url}/harness/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Harness-Webhook-Secret': secret },
        body: JSON.stringify({ eventData: { planExecutionId: 'nope', eventType: 'PipelineSuccess' } }),
      });
    expect((await post('wrong')).status).toBe(401);
    expect((await post('hook-secret-test')).status).toBe(202);
  });

  it('answers the health check', async () => {
    const r = await fetch(`${s.bot.url}/healthz`);
    expect(await r.json()).toEqual({ ok: true });
  });
});
