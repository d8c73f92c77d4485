import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { clientFor, SCOPE, simulator, waitFor } from '../helpers/harness.js';

type Payload = { eventData: Record<string, unknown>; secret: string | undefined };
const received: Payload[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const secret = req.headers['x-webhook-secret'];
    received.push({
      ...(JSON.parse(body) as { eventData: Record<string, unknown> }),
      secret: typeof secret === 'string' ? secret : undefined,
    });
    res.end('ok');
  });
});
let sim: HarnessSimulator;

beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  sim = await simulator({
    webhookUrl: `http://127.0.0.1:${String(port)}/harness/events`,
    webhookHeaders: { 'X-Webhook-Secret': 'shared-secret-test' },
  });
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.close(r));
});

const FLAG =
  'pipeline:\n  identifier: toggle_feature_flag\n  variables:\n    - {name: flag_name, type: String, value: f}\n    - {name: target_key, type: String, value: t}\n    - {name: action, type: String, value: enable}\n    - {name: environment, type: String, value: Staging}\n';

describe('pipeline notification webhooks', () => {
  it('posts each event in Harness’s payload shape, with the shared secret header', async () => {
    received.length = 0;
    const bot = clientFor(sim);
    const run = await bot.runPipeline({
      scope: SCOPE,
      pipelineId: 'toggle_feature_flag',
      runtimeInputYaml: FLAG,
    });
    await waitFor(bot, run.executionId, () => false);
    await sim.webhooksDelivered();
    const mine = received.filter((p) => p.eventData.planExecutionId === run.executionId);
    expect(mine.map((p) => p.eventData.eventType)).toEqual([
      'PipelineStart',
      'StageStart',
      'StageSuccess',
      'PipelineSuccess',
      'PipelineEnd',
    ]);
    expect(mine.every((p) => p.secret === 'shared-secret-test')).toBe(true);
    const end = mine.find((p) => p.eventData.eventType === 'PipelineSuccess')?.eventData;
    expect(end).toMatchObject({
      accountIdentifier: 'idp_sandbox',
      orgIdentifier: 'default',
      projectIdentifier: 'platform',
      pipelineIdentifier: 'toggle_feature_flag',
      pipelineName: 'Toggle a feature flag',
      nodeStatus: 'completed',
      triggeredBy: { triggerType: 'MANUAL', email: 'idp_chatops_bot@service.harness.io' },
      executionUrl: expect.stringContaining(`/executions/${run.executionId}/pipeline`),
    });
    // Webhook times are epoch seconds, not milliseconds.
    expect(String(end?.startTs)).toMatch(/^\d{10}$/);
    const start = mine[0]?.eventData;
    expect(start).not.toHaveProperty('endTs');
    expect(mine[1]?.eventData).toMatchObject({
      stageIdentifier: 'flag_change',
      stageName: 'Flag change',
      nodeStatus: 'started',
    });
  });

  it('reports a failed step, its stage and the pipeline, with the error message', async () => {
    received.length = 0;
    const port = (receiver.address() as AddressInfo).port;
    const failing = await simulator({ webhookUrl: `http://127.0.0.1:${String(port)}/harness/events` });
    try {
      failing.engine.failNextStep('flag_governance', 'Policy flag_changes denied the change');
      const bot = clientFor(failing);
      const run = await bot.runPipeline({
        scope: SCOPE,
        pipelineId: 'toggle_feature_flag',
        runtimeInputYaml: FLAG,
      });
      await waitFor(bot, run.executionId, () => false);
    } finally {
      await failing.close();
    }
    expect(received.map((p) => p.eventData.eventType)).toEqual([
      'PipelineStart',
      'StageStart',
      'StepFailed',
      'StageFailed',
      'PipelineFailed',
      'PipelineEnd',
    ]);
    expect(received.find((p) => p.eventData.eventType === 'StepFailed')?.eventData).toMatchObject({
      stepIdentifier: 'flag_governance',
      nodeStatus: 'failed',
      errorMessage: 'Policy flag_changes denied the change',
    });
    expect(received.find((p) => p.eventData.eventType === 'PipelineFailed')?.eventData).toMatchObject({
      errorMessage: 'Policy flag_changes denied the change',
    });
  });
});
