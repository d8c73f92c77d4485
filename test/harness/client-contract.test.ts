import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessClient } from '../../src/harness/client.js';
import type { HarnessClient } from '../../src/harness/client.js';
import { createRequestBudget } from '../../src/harness/request-budget.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { SEED_KEYS } from '../../src/harness/simulator/seed.js';
import { clientFor, SCOPE, simulator } from '../helpers/harness.js';

/**
 * One contract, two backends: canned responses shaped like Harness's (nock) and the simulator.
 * The client must read both the same way, so neither can drift from what the bot expects.
 */
const BASE = 'https://contract.harness.test';
const env = (data: unknown) => ({ status: 'SUCCESS', data, metaData: null, correlationId: 'c' });
const page = (content: unknown[]) =>
  env({
    totalPages: 1,
    totalItems: content.length,
    pageItemCount: content.length,
    pageSize: 50,
    content,
    pageIndex: 0,
    empty: content.length === 0,
  });

function fixtures(): void {
  nock(BASE)
    .persist()
    .get('/ng/api/user/currentUser')
    .query(true)
    .reply(200, env({ uuid: 'u-alice', name: 'Alice Developer', email: 'alice@example.com', admin: false }));
  nock(BASE)
    .persist()
    .post('/ng/api/user/aggregate')
    .query((q) => q.searchTerm === 'bob@example.com')
    .reply(
      200,
      page([
        {
          user: { uuid: 'u-bob', name: 'Bob SRE', email: 'bob@example.com', locked: false },
          roleAssignmentMetadata: [],
        },
      ]),
    );
  nock(BASE)
    .persist()
    .post('/ng/api/user/aggregate')
    .query((q) => q.searchTerm === 'nobody@example.com')
    .reply(200, page([]));
  nock(BASE)
    .persist()
    .get('/ng/api/servicesV2')
    .query((q) => q.searchTerm === 'pay')
    .reply(
      200,
      page([
        {
          service: {
            accountId: 'idp_sandbox',
            identifier: 'payments_api',
            name: 'payments-api',
            deleted: false,
            tags: {},
            version: 1,
          },
          createdAt: 0,
          lastModifiedAt: 0,
        },
      ]),
    );
  nock(BASE)
    .persist()
    .get('/ng/api/environmentsV2')
    .query(true)
    .reply(
      200,
      page(
        ['dev', 'staging', 'prod'].map((id) => ({
          environment: { identifier: id, name: id, type: id === 'prod' ? 'Production' : 'PreProduction' },
        })),
      ),
    );
  nock(BASE)
    .persist()
    .get('/ng/api/user-groups/sre_oncall/member/u-bob')
    .query({ accountIdentifier: 'idp_sandbox' })
    .reply(200, env(true));
  nock(BASE)
    .persist()
    .get('/ng/api/user-groups/sre_oncall/member/u-alice')
    .query({ accountIdentifier: 'idp_sandbox' })
    .reply(200, env(false));
  nock(BASE)
    .persist()
    .get('/ng/api/infrastructures')
    .query((q) => q.environmentIdentifier === 'prod')
    .reply(
      200,
      page([
        { infrastructure: { identifier: 'k8s_prod_eu', name: 'k8s prod eu-west-1', environmentRef: 'prod' } },
        { infrastructure: { identifier: 'k8s_prod_us', name: 'k8s prod us-east-1', environmentRef: 'prod' } },
      ]),
    );
}

let sim: HarnessSimulator;
const backends: Record<string, () => HarnessClient> = {
  'canned Harness responses': () =>
    createHarnessClient({
      baseUrl: BASE,
      apiKey: 'sim-key-bot',
      accountId: 'idp_sandbox',
      budget: createRequestBudget(100_000),
      retryBaseMs: 1,
      retryMaxMs: 2,
    }),
  simulator: () => clientFor(sim),
};

beforeAll(async () => {
  sim = await simulator();
  nock.enableNetConnect('127.0.0.1');
  fixtures();
});
afterAll(async () => {
  nock.cleanAll();
  await sim.close();
});

describe.each(Object.keys(backends))('client contract against %s', (backend) => {
  const client = () => (backends[backend] as () => HarnessClient)();

  it('reads the current user of the key', async () => {
    await expect(client().currentUser(SEED_KEYS.alice)).resolves.toEqual({
      uuid: 'u-alice',
      name: 'Alice Developer',
      email: 'alice@example.com',
    });
  });

  it('finds a user by exact email, and nobody for an unknown one', async () => {
    await expect(client().findUserByEmail('bob@example.com')).resolves.toEqual({
      uuid: 'u-bob',
      name: 'Bob SRE',
      email: 'bob@example.com',
    });
    await expect(client().findUserByEmail('nobody@example.com')).resolves.toBeUndefined();
  });

  it('lists pickers’ options filtered by what was typed', async () => {
    await expect(client().listServices(SCOPE, { search: 'pay' })).resolves.toEqual({
      items: [{ identifier: 'payments_api', name: 'payments-api' }],
      totalItems: 1,
    });
    expect((await client().listEnvironments(SCOPE)).items.map((e) => e.identifier)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect((await client().listInfrastructures(SCOPE, 'prod')).items.map((e) => e.identifier)).toEqual([
      'k8s_prod_eu',
      'k8s_prod_us',
    ]);
  });

  it('checks group membership', async () => {
    await expect(client().isUserGroupMember('account.sre_oncall', 'u-bob', SCOPE)).resolves.toBe(true);
    await expect(client().isUserGroupMember('account.sre_oncall', 'u-alice', SCOPE)).resolves.toBe(false);
  });
});

describe('the bot’s key in the simulator', () => {
  it('is a service account’s: it has no current user, and Harness says so in its own words', async () => {
    await expect(clientFor(sim).currentUser()).rejects.toMatchObject({
      status: 400,
      harnessMessage: "Invalid request: Current user can be accessed only by 'USER' principal type",
    });
  });
});
