import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_UNKNOWN } from '../../blocks/messages.js';
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
  holdAnswer,
  ManualClock,
  runRecord,
  waitingApproval,
} from '../helpers/fake-ports.js';

/**
 * An approval card is on Slack a moment before its record is saved (Slack answers, then the
 * record is written). A click in that moment is the click of a real card: it waits for the
 * record instead of being told the approval is not known, and is decided once.
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
  slack = new FakeSlack()
    .person('U0ALICE', { name: 'Alice', email: 'alice@example.com' })
    .person('U0BOB', { name: 'Bob', email: 'bob@example.com' });
  harness = new FakeHarness()
    .user({ uuid: 'u-alice', name: 'Alice', email: 'alice@example.com' }, ['ops_approvers'])
    .user({ uuid: 'u-bob', name: 'Bob', email: 'bob@example.com' }, ['ops_approvers']);
  harness.approvals.set('ap1', waitingApproval({ id: 'ap1', userGroups: ['ops_approvers'] }));
  const clock = new ManualClock();
  ({ updater, approvals: service } = createRunCore(
    { store, slack, harness: harness.client(), catalogue, logger: createLogger('silent'), now: clock.now },
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

const approvalCardsOnSlack = () => slack.in('C0OPS').filter((m) => m.threadTs === run.cardTs);

describe('a click on an approval card whose record is not saved yet', () => {
  it('waits for the record of the card this process is posting, then is decided once', async () => {
    // The card reaches Slack; Slack's answer (its ts) has not reached the bot yet.
    const answer = holdAnswer(slack, 'postMessage');
    const ensuring = service.ensureCard(run, step);
    await answer.reached;
    expect(approvalCardsOnSlack()).toHaveLength(1);
    expect(await store.approvalCards.get('ap1')).toBeUndefined();

    // Bob clicks Approve on the card he sees.
    const clicked = service.click('U0BOB', 'ap1', 'APPROVE', 'trigger');
    await new Promise((r) => setTimeout(r, 50));
    answer.release();
    await ensuring;
    const said = await clicked;
    expect(said).not.toBe(APPROVAL_UNKNOWN);
    expect(harness.argsOf('decideApproval')).toHaveLength(1);
    expect(await store.claims.approvalClick('ap1', 'U0BOB')).toMatchObject({ action: 'APPROVE', sent: true });
    expect(approvalCardsOnSlack()).toHaveLength(1);
  });

  it('reads again for a moment when another replica is saving the record', async () => {
    const ts = slack.seed('C0OPS', { text: 'approval', blocks: [] }, run.cardTs).ts;
    const clicked = service.click('U0BOB', 'ap1', 'APPROVE', 'trigger');
    await new Promise((r) => setTimeout(r, 300));
    await store.approvalCards.save({
      approvalId: 'ap1',
      runId: run.id,
      channelId: 'C0OPS',
      ts,
      stepName: step.name,
      status: 'WAITING',
      updatedAt: 0,
    });
    const said = await clicked;
    expect(said).not.toBe(APPROVAL_UNKNOWN);
    expect(harness.argsOf('decideApproval')).toHaveLength(1);
  });

  it('a click on a card that never was is still told the approval is not known', async () => {
    await expect(service.click('U0BOB', 'ap-unknown', 'APPROVE', 'trigger')).resolves.toBe(APPROVAL_UNKNOWN);
    expect(harness.argsOf('decideApproval')).toEqual([]);
  });
});
