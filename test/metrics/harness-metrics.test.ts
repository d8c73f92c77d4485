import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessClient } from '../../src/harness/client.js';
import { createRequestBudget } from '../../src/harness/request-budget.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { SEED_KEYS } from '../../src/harness/simulator/seed.js';
import { harnessObserver, measuredBudget, operationOf } from '../../src/metrics/harness-observer.js';
import { createBotMetrics } from '../../src/metrics/registry.js';
import { SCOPE, simulator } from '../helpers/harness.js';
import { sample } from '../helpers/metrics-text.js';

let sim: HarnessSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

describe('Harness metrics', () => {
  it('name operations, never ids; picker lists from workflow files are options.list', () => {
    expect(operationOf('GET', '/pipeline/api/pipelines/execution/v2/abc123')).toBe('execution.get');
    expect(operationOf('POST', '/pipeline/api/pipeline/execute/deploy_app')).toBe('pipeline.execute');
    expect(operationOf('PUT', '/pipeline/api/pipeline/execute/interrupt/abc123')).toBe('execution.interrupt');
    expect(operationOf('GET', '/pipeline/api/approvals/ap1')).toBe('approval.get');
    expect(operationOf('POST', '/pipeline/api/approvals/ap1/harness/activity')).toBe('approval.decide');
    expect(operationOf('GET', '/pipeline/api/approvals/ap1/harness/authorization')).toBe(
      'approval.authorization',
    );
    expect(operationOf('GET', '/ng/api/servicesV2')).toBe('options.list');
  });

  it('count requests by operation and outcome, and failed ones by kind', async () => {
    const metrics = createBotMetrics();
    const client = createHarnessClient({
      baseUrl: sim.url,
      apiKey: SEED_KEYS.bob,
      accountId: 'idp_sandbox',
      budget: createRequestBudget(100_000),
      retryBaseMs: 1,
      retryMaxMs: 5,
      observe: harnessObserver(metrics.harness),
    });
    await client.currentUser();
    await client.currentUser();
    await expect(client.getExecution('no-such-execution', SCOPE)).rejects.toThrow();
    const text = await metrics.text();
    expect(
      sample(text, 'idp_chatops_harness_requests_total', { operation: 'user.current', outcome: 'ok' }),
    ).toBe(2);
    expect(
      sample(text, 'idp_chatops_harness_requests_total', { operation: 'execution.get', outcome: 'error' }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_harness_errors_total', { operation: 'execution.get', kind: 'http_4xx' }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_harness_request_duration_seconds_count', { operation: 'user.current' }),
    ).toBe(2);
  });

  it('count turns that waited for the request budget, and how long', async () => {
    const metrics = createBotMetrics();
    let slow = true;
    const budget = measuredBudget(
      {
        acquire: () => (slow ? new Promise((r) => setTimeout(r, 60)) : Promise.resolve()),
        waiting: 0,
      },
      metrics.harness,
    );
    await budget.acquire();
    slow = false;
    await budget.acquire();
    const text = await metrics.text();
    expect(sample(text, 'idp_chatops_harness_budget_waits_total')).toBe(1);
    expect(sample(text, 'idp_chatops_harness_budget_wait_seconds_sum')).toBeGreaterThanOrEqual(0.05);
  });
});
