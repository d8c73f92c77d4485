import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitySearchTerm, sameEntity } from '../../src/harness-model/entity-ref.js';
import {
  executionLink,
  moduleOfExecution,
  moduleOfPipelineUrl,
} from '../../src/harness-model/execution-link.js';
import { DEFAULT_SEED } from '../../src/harness/simulator/seed.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { runExecutionLink } from '../../src/runs/presenter.js';
import { sampleRun, shippedCatalogue } from '../helpers/catalogue.js';
import { clientFor, SCOPE, simulator, waitFor } from '../helpers/harness.js';

let sim: HarnessSimulator;
beforeAll(async () => {
  // Three projects, so paging shows.
  sim = await simulator({
    seed: {
      ...DEFAULT_SEED,
      orgs: [
        {
          identifier: 'default',
          name: 'Default',
          projects: [
            { identifier: 'platform', name: 'Platform' },
            { identifier: 'payments', name: 'Payments' },
            { identifier: 'search', name: 'Search' },
          ],
        },
        { identifier: 'labs', name: 'Labs', projects: [] },
      ],
    },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('organisations and projects page as ng-manager does (pageIndex, pageSize)', () => {
  it('the second page is the second page', async () => {
    const c = clientFor(sim);
    const second = await c.listProjects('default', { page: 1, size: 1 });
    expect(second.items.map((p) => p.identifier)).toEqual(['payments']);
    expect(second.totalItems).toBe(3);
    const orgs = await c.listOrganizations({ page: 1, size: 1 });
    expect(orgs.items.map((o) => o.identifier)).toEqual(['labs']);
  });
});

describe('owner references as IDP writes them', () => {
  it.each([
    ['group:account/sre', 'group:account/sre', true],
    ['group:default/sre', 'group:account/sre', true],
    ['Group:Account/SRE', 'group:account/sre', true],
    ['sre', 'group:account/sre', true],
    ['default/sre', 'group:account/sre', true],
    ['user:default/sre', 'group:account/sre', false],
    ['group:account.default.platform/admins', 'group:account.default.platform/admins', true],
    ['group:default/admins', 'group:account.default.platform/admins', false],
  ])('%s names %s: %s', (written, ref, same) => {
    expect(sameEntity(written, ref)).toBe(same);
  });

  it('searches the catalog by the name of a typed reference', () => {
    expect(entitySearchTerm('group:default/payments')).toBe('payments');
    expect(entitySearchTerm('pay')).toBe('pay');
  });
});

describe('execution links', () => {
  it('take the module from the pipeline, never `pms`, and fall back to Harness’s home routes', () => {
    expect(
      moduleOfPipelineUrl(
        'https://app.harness.io/ng/account/A/module/idp/orgs/O/projects/P/pipelines/X/pipeline-studio/',
      ),
    ).toBe('idp');
    expect(
      moduleOfPipelineUrl(
        'https://app.harness.io/ng/#/account/A/cd/orgs/O/projects/P/pipelines/X/pipeline-studio/',
      ),
    ).toBe('cd');
    expect(
      moduleOfPipelineUrl(
        'https://app.harness.io/ng/account/A/home/orgs/O/projects/P/pipelines/X/pipeline-studio/',
      ),
    ).toBeUndefined();
    expect(moduleOfExecution(['pms', 'cd'])).toBe('cd');
    expect(moduleOfExecution(['pms'])).toBeUndefined();
    const facts = {
      orgId: 'O',
      projectId: 'P',
      pipelineId: 'X',
      executionId: 'E',
      module: undefined,
      git: undefined,
    };
    expect(executionLink('https://app.harness.io', 'A', facts)).toBe(
      'https://app.harness.io/ng/account/A/home/orgs/O/projects/P/pipelines/X/executions/E/pipeline',
    );
  });

  it('of a Git-stored pipeline carry storeType, repoName and branch, from the execution Harness ran', async () => {
    const c = clientFor(sim);
    const run = await c.runPipeline({
      scope: SCOPE,
      ...(await sampleRun('toggle_feature_flag')),
      repoName: 'platform-pipelines',
      branch: 'release',
    });
    const view = await waitFor(c, run.executionId, () => true);
    expect(view.git).toEqual({ repoName: 'platform-pipelines', branch: 'release' });
    const wf = (await shippedCatalogue()).workflows.get('toggle_feature_flag');
    const link = runExecutionLink(
      'https://app.harness.io',
      'idp_sandbox',
      { orgId: 'default', projectId: 'platform', pipelineId: 'toggle_feature_flag' },
      wf,
      run.executionId,
      view,
    );
    expect(link).toMatch(
      /\/executions\/[\w-]+\/pipeline\?storeType=REMOTE&repoName=platform-pipelines&branch=release$/,
    );
    expect(link).not.toContain('/module/pms/');
  });
});
