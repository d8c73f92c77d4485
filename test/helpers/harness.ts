import { createHarnessClient } from '../../src/harness/client.js';
import type { HarnessClient } from '../../src/harness/client.js';
import { createRequestBudget } from '../../src/harness/request-budget.js';
import type { ExecutionView, Scope } from '../../src/harness-model/types.js';
import { isTerminal } from '../../src/harness-model/status.js';
import { SEED_KEYS } from '../../src/harness/simulator/seed.js';
import { startHarnessSimulator } from '../../src/harness/simulator/server.js';
import type { HarnessSimulator, SimulatorOptions } from '../../src/harness/simulator/server.js';

export const SCOPE: Scope = { orgId: 'default', projectId: 'platform' };

export async function simulator(opts: SimulatorOptions = {}): Promise<HarnessSimulator> {
  return startHarnessSimulator({ speed: 1000, ...opts });
}

/** A client acting as one of the seed's people. Fast retries: tests must not wait for backoff. */
export function clientFor(sim: HarnessSimulator, who: keyof typeof SEED_KEYS = 'bot'): HarnessClient {
  return createHarnessClient({
    baseUrl: sim.url,
    apiKey: SEED_KEYS[who],
    accountId: 'idp_sandbox',
    budget: createRequestBudget(100_000),
    retryBaseMs: 1,
    retryMaxMs: 5,
    timeoutMs: 2000,
  });
}

/** Polls until `done` holds (or the execution ends), returning the last view. */
export async function waitFor(
  client: HarnessClient,
  executionId: string,
  done: (v: ExecutionView) => boolean,
  timeoutMs = 10_000,
): Promise<ExecutionView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await client.getExecution(executionId, SCOPE);
    if (done(v) || isTerminal(v.bucket)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting; last status ${v.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const waitingApproval = (v: ExecutionView): boolean =>
  v.steps.some((s) => s.approvalInstanceId !== undefined);
export const approvalIdOf = (v: ExecutionView): string => {
  const id = v.steps.find((s) => s.approvalInstanceId !== undefined)?.approvalInstanceId;
  if (id === undefined) throw new Error(`no waiting approval in ${v.status}`);
  return id;
};
