import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRunMetrics } from '../../src/metrics/run-metrics.js';
import { sample } from '../helpers/metrics-text.js';

describe('run metrics', () => {
  it('count runs by workflow and outcome, decisions and refusals, and set the gauges', async () => {
    const registry = new Registry();
    const m = createRunMetrics(registry);
    m.runStarted('scale_service');
    m.runStarted('scale_service');
    m.runStarted('rollback_service');
    m.runFinished('scale_service', 'succeeded');
    m.runFinished('scale_service', 'failed');
    m.approvalDecided('scale_service', 'approve');
    m.approvalRefused('scale_service', 'not_an_approver');
    m.approvalRefused('scale_service', 'not_an_approver');
    m.setRunsFollowed(4);
    m.setLeasesHeld(3);
    m.setRunsFollowed(2);
    const text = await registry.metrics();
    expect(sample(text, 'idp_chatops_runs_started_total', { workflow: 'scale_service' })).toBe(2);
    expect(sample(text, 'idp_chatops_runs_started_total', { workflow: 'rollback_service' })).toBe(1);
    expect(
      sample(text, 'idp_chatops_runs_finished_total', { workflow: 'scale_service', outcome: 'succeeded' }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_runs_finished_total', { workflow: 'scale_service', outcome: 'failed' }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_approval_decisions_total', {
        workflow: 'scale_service',
        decision: 'approve',
      }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_approval_refusals_total', {
        workflow: 'scale_service',
        reason: 'not_an_approver',
      }),
    ).toBe(2);
    expect(sample(text, 'idp_chatops_runs_followed')).toBe(2);
    expect(sample(text, 'idp_chatops_leases_held')).toBe(3);
  });

  it('card lag is a histogram in seconds; a negative lag (clock step) counts as zero', async () => {
    const registry = new Registry();
    const m = createRunMetrics(registry);
    m.cardLag(0.3);
    m.cardLag(7);
    m.cardLag(-2);
    const text = await registry.metrics();
    expect(sample(text, 'idp_chatops_card_lag_seconds_count')).toBe(3);
    expect(sample(text, 'idp_chatops_card_lag_seconds_sum')).toBeCloseTo(7.3);
    expect(sample(text, 'idp_chatops_card_lag_seconds_bucket', { le: '0.25' })).toBe(1);
    expect(sample(text, 'idp_chatops_card_lag_seconds_bucket', { le: '0.5' })).toBe(2);
    expect(sample(text, 'idp_chatops_card_lag_seconds_bucket', { le: '5' })).toBe(2);
    expect(sample(text, 'idp_chatops_card_lag_seconds_bucket', { le: '10' })).toBe(3);
  });

  it('two registries in one process count apart', async () => {
    const a = new Registry();
    const b = new Registry();
    createRunMetrics(a).runStarted('scale_service');
    createRunMetrics(b);
    expect(sample(await a.metrics(), 'idp_chatops_runs_started_total', { workflow: 'scale_service' })).toBe(
      1,
    );
    expect(
      sample(await b.metrics(), 'idp_chatops_runs_started_total', { workflow: 'scale_service' }),
    ).toBeUndefined();
  });
});
