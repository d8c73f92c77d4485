import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { createLogger } from '../../src/logger.js';
import { reportApprovalSetup } from '../../src/runs/approval-setup.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { clientFor, simulator } from '../helpers/harness.js';

let sim: HarnessSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

/** What the bot logs at start about approvals, one parsed line each. */
async function startupLog(approverApiKey: string | undefined, linking: boolean) {
  const lines: { level: number; msg: string; workflow?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  await reportApprovalSetup({
    catalogue: await shippedCatalogue(),
    harness: clientFor(sim),
    approverApiKey,
    linking,
    manifestsDir: 'manifests',
    logger: createLogger('info', sink),
  });
  return lines;
}

describe('at start, the bot says who can approve each workflow from Slack', () => {
  it('nothing configured: a warning per approval step, with what to set', async () => {
    const lines = await startupLog(undefined, false);
    const scale = lines.find((l) => l.workflow === 'scale_service');
    expect(scale?.level).toBe(40);
    expect(scale?.msg).toBe(
      "scale_service / Approve scale: approvals from Slack cannot work. Platform team: set HARNESS_APPROVER_API_KEY to a key of a user in account.sre_oncall, list the bot's service account in this step's approvers.serviceAccounts, or set IDP_CHATOPS_ENCRYPTION_KEY so approvers can link their Harness account.",
    );
    expect(lines.every((l) => !l.msg.includes('sim-key'))).toBe(true);
  });

  it('an approver key in the groups: approvals are sent with it', async () => {
    const lines = await startupLog('sim-key-carol', false);
    expect(lines.find((l) => l.workflow === 'scale_service')?.msg).toBe(
      'scale_service / Approve scale: approvals from Slack are sent with HARNESS_APPROVER_API_KEY (carol@example.com)',
    );
  });

  it('linking only: only linked approvers can approve', async () => {
    const lines = await startupLog(undefined, true);
    expect(lines.find((l) => l.workflow === 'scale_service')?.msg).toMatch(
      /only approvers who linked their Harness account \(\/idp link\) can approve from Slack/,
    );
  });
});
