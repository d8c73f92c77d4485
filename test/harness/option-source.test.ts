import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { FormField } from '../../src/forms/form-field.js';
import { resolvePickerParams } from '../../src/forms/option-source.js';
import { checkPickerAnswers } from '../../src/forms/picker-check.js';
import type { FormValues } from '../../src/forms/json-schema.js';
import { createHarnessOptionSource } from '../../src/harness/option-source.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { shippedCatalogue } from '../helpers/catalogue.js';
import { clientFor, SCOPE, simulator } from '../helpers/harness.js';

let sim: HarnessSimulator;
let catalogue: Catalogue;
beforeAll(async () => {
  sim = await simulator();
  catalogue = await shippedCatalogue();
});
afterAll(async () => {
  await sim.close();
});

function field(workflowId: string, key: string): FormField {
  const f = catalogue.workflows
    .get(workflowId)
    ?.pages.flatMap((p) => p.allFields)
    .find((x) => x.key === key);
  if (f === undefined) throw new Error(`${workflowId}.${key}`);
  return f;
}

async function options(workflowId: string, key: string, text: string, values: FormValues = {}) {
  const f = field(workflowId, key);
  if (f.input.type !== 'picker') throw new Error('not a picker');
  const params = resolvePickerParams(f.input.source, values);
  if (!params.ok) return { missing: params.missing };
  return createHarnessOptionSource(clientFor(sim), () => SCOPE).search({
    workflowId,
    field: key,
    source: f.input.source,
    params: params.params,
    text,
  });
}

describe('picker options from Harness', () => {
  it('lists services matching what was typed', async () => {
    expect(await options('scale_service', 'service', 'pay')).toEqual([
      { value: 'payments_api', label: 'payments-api (payments_api)' },
    ]);
    expect(await options('scale_service', 'service', '')).toHaveLength(4);
  });

  it('lists the infrastructures of the chosen environment, and asks for the environment first', async () => {
    expect(await options('scale_service', 'infrastructure', '')).toEqual({ missing: ['environment'] });
    expect(
      (await options('scale_service', 'infrastructure', '', { environment: 'prod' })) as unknown[],
    ).toEqual([
      { value: 'k8s_prod_eu', label: 'k8s prod eu-west-1 (k8s_prod_eu)' },
      { value: 'k8s_prod_us', label: 'k8s prod us-east-1 (k8s_prod_us)' },
    ]);
  });

  it('lists user groups for the provisioning owner', async () => {
    const groups = (await options('provision_infrastructure', 'owner', 'sre')) as { value: string }[];
    expect(groups.map((g) => g.value)).toEqual(['sre_oncall']);
  });

  it('lists catalog groups and users for the onboarding owner, as entity references', async () => {
    const owners = (await options('onboard_service', 'owner', 'platform')) as {
      value: string;
      description?: string;
    }[];
    // Every scope of the account is asked for (scopes=account.*): the project's own group too.
    expect(owners).toEqual([
      { value: 'group:account/platform_team', label: 'Platform team', description: 'group' },
      {
        value: 'group:account.default.platform/platform_admins',
        label: 'Platform admins',
        description: 'group',
      },
    ]);
  });

  it('finds an owner typed as IDP or Backstage writes it', async () => {
    const owners = (await options('onboard_service', 'owner', 'group:default/platform_team')) as {
      value: string;
    }[];
    expect(owners.map((o) => o.value)).toEqual(['group:account/platform_team']);
  });
});

describe('picker answers checked against Harness at submit', () => {
  const check = async (workflowId: string, values: FormValues, budgetMs = 2000) => {
    const page = catalogue.workflows.get(workflowId)?.pages[0];
    if (page === undefined) throw new Error(workflowId);
    return checkPickerAnswers({
      workflowId,
      page,
      values,
      options: createHarnessOptionSource(clientFor(sim), () => SCOPE),
      budgetMs,
    });
  };
  const scale = { service: 'payments_api', environment: 'prod', infrastructure: 'k8s_prod_eu' };

  it('keeps values Harness lists, with the parameters the form gives (infrastructure of its environment)', async () => {
    expect(await check('scale_service', scale)).toEqual({});
    expect(await check('scale_service', { ...scale, infrastructure: 'k8s_dev' })).toEqual({
      infrastructure:
        'Infrastructure Definition: "k8s_dev" is not one of the options Harness lists; open the list and choose again',
    });
  });

  it('finds catalog entities by their full reference, and refuses a made-up one', async () => {
    expect(await check('onboard_service', { owner: 'group:account/platform_team' })).toEqual({});
    expect(Object.keys(await check('onboard_service', { owner: 'group:account/admins' }))).toEqual(['owner']);
  });

  it('refuses rather than trusts a value when Harness does not answer', async () => {
    sim.faults.failNext = 100;
    try {
      expect((await check('scale_service', scale, 300)).service).toBe(
        'Service Identifier could not be checked with Harness just now; submit again in a moment',
      );
    } finally {
      sim.faults.failNext = 0;
    }
  });
});
