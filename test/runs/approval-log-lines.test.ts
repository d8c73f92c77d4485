import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/logger.js';
import type { RunRecord } from '../../src/ports/store.js';
import type { ApprovalService } from '../../src/runs/approval-service.js';
import { approvalRig, approvalStep } from '../helpers/approval-rig.js';
import type { ApprovalRig } from '../helpers/approval-rig.js';
import { harnessErrors, slackErrors } from '../helpers/fake-ports.js';
import type { FakeHarness, FakeSlack } from '../helpers/fake-ports.js';

/**
 * What an operator greps for: every JSON log line about a run's approval names the run
 * (`runId`), read from the logger's own output.
 */
let rig: ApprovalRig;
let slack: FakeSlack;
let harness: FakeHarness;
let service: ApprovalService;
let run: RunRecord;
let lines: string[];
const step = approvalStep;

beforeEach(async () => {
  lines = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) =>
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    ),
  );
  rig = await approvalRig({ approvers: ['Bob'], logger: createLogger('debug', out) });
  ({ slack, harness, service, run } = rig);
});
afterEach(() => rig.close());

const logLine = z.object({ msg: z.string(), runId: z.string().optional() });
/** The lines whose message says `msg`, parsed. */
async function logged(msg: string) {
  await new Promise((r) => setTimeout(r, 20));
  return lines.map((l) => logLine.parse(JSON.parse(l))).filter((l) => l.msg === msg);
}

describe('log lines about a run’s approvals', () => {
  it('a card that could not be refreshed names the run', async () => {
    await service.ensureCard(run, step);
    harness.fail('getApproval', harnessErrors.http(502, 'bad gateway'));
    await service.refresh(run);
    const found = await logged('could not refresh an approval card');
    expect(found).toHaveLength(1);
    expect(found[0]?.runId).toBe(run.id);
  });

  it('an approval modal closed before its checks ended names the run', async () => {
    await service.ensureCard(run, step);
    slack.fail('updateView', slackErrors.platform('not_found'));
    // Mallory is no approver: the modal would say so, but she closed it.
    await service.click('U0MALLORY', 'ap1', 'REJECT', 'trigger');
    const found = await logged('approval modal no longer open');
    expect(found).toHaveLength(1);
    expect(found[0]?.runId).toBe(run.id);
  });
});
