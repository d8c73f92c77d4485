import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { StepView } from '../../src/harness-model/types.js';
import { createLogger } from '../../src/logger.js';
import type { RunRecord, Store } from '../../src/ports/store.js';
import type { ApprovalService } from '../../src/runs/approval-service.js';
import type { MessageUpdater } from '../../src/runs/message-updater.js';
import { createRunCore } from '../../src/runs/run-core.js';
import { openStore } from '../../src/store/open-store.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import {
  FakeHarness,
  FakeSlack,
  harnessErrors,
  ManualClock,
  runRecord,
  slackErrors,
  waitingApproval,
} from '../helpers/fake-ports.js';

/**
 * What an operator greps for: every JSON log line about a run's approval names the run
 * (`runId`), read from the logger's own output.
 */
let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await shippedCatalogue();
});

let store: Store;
let slack: FakeSlack;
let harness: FakeHarness;
let updater: MessageUpdater;
let service: ApprovalService;
let run: RunRecord;
let lines: string[];
const step: StepView = {
  id: 'approve',
  name: 'Approve scaling',
  type: 'HarnessApproval',
  stageId: 'scale',
  status: 'ApprovalWaiting',
  bucket: 'needs-human',
  startTs: undefined,
  endTs: undefined,
  failureMessage: undefined,
  outputs: {},
  approvalInstanceId: 'ap1',
};

beforeEach(async () => {
  store = await openStore({ databasePath: ':memory:' });
  slack = new FakeSlack().person('U0BOB', { name: 'Bob', email: 'bob@example.com' });
  harness = new FakeHarness().user({ uuid: 'u-bob', name: 'Bob', email: 'bob@example.com' }, [
    'ops_approvers',
  ]);
  harness.approvals.set('ap1', waitingApproval({ id: 'ap1', userGroups: ['ops_approvers'] }));
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
  const clock = new ManualClock();
  ({ updater, approvals: service } = createRunCore(
    {
      store,
      slack,
      harness: harness.client(),
      catalogue,
      logger: createLogger('debug', out),
      now: clock.now,
    },
    {
      links: { uiBase: 'https://harness.example', accountId: 'acc' },
      approverApiKey: undefined,
      vault: undefined,
      updater: { retryDelayMs: 5 },
    },
  ));
  const runCard = slack.seed('C0OPS', { text: 'Scale a Kubernetes workload: running', blocks: [] });
  run = runRecord({ cardTs: runCard.ts });
  await store.runs.create(run);
});
afterEach(async () => {
  updater.close();
  await store.close();
});

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
