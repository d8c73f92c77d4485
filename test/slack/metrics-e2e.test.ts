import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from '../helpers/metrics-text.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { runUntilApproval } from '../helpers/approvals.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

const metricsText = (): Promise<string> => metricsOf(s);

async function metricsOf(stack: Stack): Promise<string> {
  const r = await fetch(`${stack.bot.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toContain('text/plain');
  return r.text();
}

/** Runs the feature-flag workflow (no approval) from its slash command to Succeeded. */
async function runFlagWorkflow(): Promise<void> {
  const wf = s.catalogue.workflows.get('toggle_feature_flag');
  if (wf === undefined) throw new Error('toggle_feature_flag is not in the catalogue');
  const values = JSON.parse(
    await readFile('test/fixtures/values/toggle_feature_flag.json', 'utf8'),
  ) as Record<string, unknown>;
  const before = s.slack.messages('C0OPS').length;
  const opened = new Set(s.slack.openViews('U0ALICE').map((v) => v.id));
  await s.slack.command({
    command: s.catalogue.bindings.get(wf.id)?.command ?? '',
    user: 'U0ALICE',
    channel: 'C0OPS',
  });
  const [view] = await eventually(
    () => s.slack.openViews('U0ALICE').filter((v) => !opened.has(v.id)),
    (v) => v.length === 1,
  );
  for (let page = 0; page < wf.pages.length; page++)
    await s.slack.submitView(view?.id ?? '', 'U0ALICE', answersFor(wf, page, values));
  const cardTs = (
    await eventually(
      () => s.slack.messages('C0OPS'),
      (m) => m.length > before,
    )
  )[before]?.ts;
  await eventually(
    () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === cardTs)),
    (t) => t.includes('· Succeeded\nRequested'),
    30_000,
  );
}

describe('GET /metrics', () => {
  it('after one run: Slack calls by method (both clients), Harness requests by operation, process metrics', async () => {
    await runFlagWorkflow();
    // The emulator records a call before its answer reaches the bot: compare once both agree.
    const okPosts = () => s.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok).length;
    const text = await eventually(metricsText, (t) => {
      const counted = sample(t, 'idp_chatops_slack_calls_total', {
        method: 'chat.postMessage',
        outcome: 'ok',
      });
      return counted !== undefined && counted === okPosts();
    });
    expect(okPosts()).toBeGreaterThan(0);
    expect(
      sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.update', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    // views.open goes through Bolt's (interactive) client.
    expect(sample(text, 'idp_chatops_slack_calls_total', { method: 'views.open', outcome: 'ok' })).toBe(1);
    expect(
      sample(text, 'idp_chatops_harness_requests_total', { operation: 'pipeline.execute', outcome: 'ok' }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_harness_requests_total', { operation: 'execution.get', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'idp_chatops_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'idp_chatops_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // The run-level metrics, fed from the run's events.
    expect(sample(text, 'idp_chatops_runs_started_total', { workflow: 'toggle_feature_flag' })).toBe(1);
    expect(
      sample(text, 'idp_chatops_runs_finished_total', {
        workflow: 'toggle_feature_flag',
        outcome: 'succeeded',
      }),
    ).toBe(1);
    expect(sample(text, 'idp_chatops_card_lag_seconds_count')).toBeGreaterThan(0);
  }, 40_000);

  it('counts each 429 by method when Slack rate-limits card edits', async () => {
    s.slack.limits.limitFor('chat.update', 1500, 1);
    await runFlagWorkflow();
    const refusedEdits = () =>
      s.slack.calls.filter((c) => c.method === 'chat.update' && c.status === 429).length;
    const text = await eventually(
      metricsText,
      (t) => sample(t, 'idp_chatops_slack_rate_limited_total', { method: 'chat.update' }) === refusedEdits(),
    );
    const refused = refusedEdits();
    expect(refused).toBeGreaterThan(0);
    expect(sample(text, 'idp_chatops_slack_rate_limited_total', { method: 'chat.update' })).toBe(refused);
    expect(
      sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.update', outcome: 'rate_limited' }),
    ).toBe(refused);
    expect(
      sample(text, 'idp_chatops_slack_rate_limited_total', { method: 'chat.postMessage' }),
    ).toBeUndefined();
  }, 40_000);
});

describe('GET /metrics with approvals', () => {
  // The bot's key may decide (an approver in the simulator), so the card carries the buttons.
  let a: Stack;
  beforeAll(async () => {
    a = await startStack({ approverKey: 'sim-key-carol' });
  });
  afterAll(async () => {
    await a.stop();
  });

  it('counts approval refusals by code (never the sentence, which names an email) and decisions', async () => {
    const r = await runUntilApproval(a, 'scale_service');
    await a.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0EVE', 'idp_approval_approve');
    await a.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0ALICE', 'idp_approval_approve');
    await eventually(
      () => metricsOf(a),
      (t) =>
        sample(t, 'idp_chatops_approval_refusals_total', {
          workflow: 'scale_service',
          reason: 'not_a_harness_user',
        }) === 1 &&
        sample(t, 'idp_chatops_approval_refusals_total', {
          workflow: 'scale_service',
          reason: 'not_an_approver',
        }) === 1,
    );
    await a.slack.clickMessageButton('C0OPS', r.approvalCardTs, 'U0BOB', 'idp_approval_approve');
    const text = await eventually(
      () => metricsOf(a),
      (t) =>
        sample(t, 'idp_chatops_approval_decisions_total', {
          workflow: 'scale_service',
          decision: 'approve',
        }) === 1,
      20_000,
    );
    expect(text).not.toContain('elsewhere.example');
  }, 40_000);
});
