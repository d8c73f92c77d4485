import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { StepView } from '../../src/harness-model/types.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';
import type { ApprovalCardRecord, RunRecord, Store } from '../../src/ports/store.js';
import { createRunCore } from '../../src/runs/run-core.js';
import { openStore } from '../../src/store/open-store.js';
import { shippedCatalogue } from './catalogue.js';
import { FakeHarness, FakeSlack, ManualClock, runRecord, waitingApproval } from './fake-ports.js';

/** The approval step of the run an approval rig holds: approval `ap1`, waiting for a person. */
export const approvalStep: StepView = {
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

/**
 * The approval service as the bot builds it (`createRunCore`) over the real SQLite store (in
 * memory) and fakes of Slack and Harness, with one run whose card is in C0OPS and approval `ap1`
 * waiting for the `ops_approvers` group. Each person named `Name` is Slack user `U0NAME`, Harness
 * user `u-name`, `name@example.com`; `approvers` are in `ops_approvers`, `others` in no group.
 */
export async function approvalRig(opts: { approvers: string[]; others?: string[]; logger?: Logger }) {
  const catalogue: Catalogue = await shippedCatalogue();
  const store: Store = await openStore({ databasePath: ':memory:' });
  const slack = new FakeSlack();
  const harness = new FakeHarness();
  const people = [
    ...opts.approvers.map((name) => ({ name, groups: ['ops_approvers'] })),
    ...(opts.others ?? []).map((name) => ({ name, groups: [] })),
  ];
  for (const { name, groups } of people) {
    const lower = name.toLowerCase();
    const email = `${lower}@example.com`;
    slack.person(`U0${name.toUpperCase()}`, { name, email });
    harness.user({ uuid: `u-${lower}`, name, email }, groups);
  }
  harness.approvals.set('ap1', waitingApproval({ id: 'ap1', userGroups: ['ops_approvers'] }));
  const clock = new ManualClock();
  const { updater, approvals: service } = createRunCore(
    {
      store,
      slack,
      harness: harness.client(),
      catalogue,
      logger: opts.logger ?? createLogger('silent'),
      now: clock.now,
    },
    {
      links: { uiBase: 'https://harness.example', accountId: 'acc' },
      approverApiKey: undefined,
      vault: undefined,
      updater: { retryDelayMs: 5 },
    },
  );
  const runCard = slack.seed('C0OPS', { text: 'Scale a Kubernetes workload: running', blocks: [] });
  const run: RunRecord = runRecord({ cardTs: runCard.ts });
  await store.runs.create(run);
  return {
    store,
    slack,
    harness,
    clock,
    updater,
    service,
    run,
    /** Ends the rig: the updater stops, the database closes. */
    async close() {
      updater.close();
      await store.close();
    },
  };
}
export type ApprovalRig = Awaited<ReturnType<typeof approvalRig>>;

/** The saved record of `run`'s approval card for `ap1` (waiting), in the thread of its card in C0OPS. */
export function approvalCardRecord(run: RunRecord): ApprovalCardRecord {
  return {
    approvalId: 'ap1',
    runId: run.id,
    channelId: 'C0OPS',
    ts: '1700000000.000002',
    stepName: approvalStep.name,
    status: 'WAITING',
    updatedAt: 0,
  };
}
