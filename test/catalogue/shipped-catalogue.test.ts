import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { modalFor } from '../helpers/workflow.js';
import { checkModalView } from '../../blocks/limits.js';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { Workflow } from '../../src/catalogue/workflow.js';
import { resolvePage } from '../../src/forms/form-page.js';
import type { FormValues } from '../../src/forms/json-schema.js';
import { buildRuntimeInput } from '../../src/catalogue/workflow-parameters.js';
import { validatePage } from '../../src/forms/validate-page.js';
import { SEED_FIELDS } from '../helpers/seed.js';
import { stepFunctions } from '../../src/catalogue/step-functions.js';

/** The pipeline steps of the seed's tables, in order, as Harness step types. */
const SEED_STEPS: Record<string, string[]> = {
  onboard_service: [
    'CookieCutter',
    'CreateRepo',
    'CreateCatalog',
    'DirectPush',
    'RegisterCatalog',
    'CreateResource',
    'SlackNotify',
  ],
  provision_infrastructure: [
    'JiraCreate',
    'IACMTerraformPlugin',
    'Plugin',
    'IACMTerraformPlugin',
    'Run',
    'Policy',
    'IACMApproval',
    'IACMTerraformPlugin',
    'JiraUpdate',
  ],
  toggle_feature_flag: ['Policy', 'FmeFlagAddRemoveIndividualTargets', 'FmeFlagAddRemoveIndividualTargets'],
  rotate_token: ['HarnessApproval', 'Http', 'Http'],
  rollback_service: ['HarnessApproval', 'K8sRollingRollback'],
  scale_service: ['ShellScript', 'HarnessApproval', 'K8sScale'],
  restart_service: ['HarnessApproval', 'K8sPatch'],
};

let catalogue: Catalogue;
const workflow = (id: string): Workflow => {
  const wf = catalogue.workflows.get(id);
  if (wf === undefined) throw new Error(`no workflow ${id}`);
  return wf;
};
const values = async (id: string): Promise<FormValues> =>
  JSON.parse(await readFile(`test/fixtures/values/${id}.json`, 'utf8')) as FormValues;

beforeAll(async () => {
  const r = await loadCatalogue('manifests');
  expect(r.problems).toEqual([]);
  expect(r.warnings).toEqual([]);
  if (r.catalogue === undefined) throw new Error('catalogue did not load');
  catalogue = r.catalogue;
});

describe('the shipped catalogue', () => {
  it('holds the seven workflows of the seed, in both envelopes', () => {
    expect([...catalogue.workflows.keys()].sort()).toEqual(Object.keys(SEED_FIELDS).sort());
    expect(new Set([...catalogue.workflows.values()].map((w) => w.envelope))).toEqual(
      new Set(['backstage', 'harness']),
    );
  });

  describe.each(Object.keys(SEED_FIELDS))('%s', (id) => {
    it('asks exactly the seed’s fields, and never for a secret', () => {
      const shown = workflow(id).pages.flatMap((p) =>
        p.allFields.filter((f) => f.visibility === 'shown').map((f) => f.title),
      );
      expect(shown).toEqual(SEED_FIELDS[id]);
    });

    it('builds every page within every Slack limit, empty and filled', async () => {
      const wf = workflow(id);
      const filled = await values(id);
      for (const page of wf.pages) {
        expect(
          checkModalView(modalFor({ workflow: wf, page: page.index, values: {}, channelId: 'C1' })),
        ).toEqual([]);
        expect(
          checkModalView(modalFor({ workflow: wf, page: page.index, values: filled, channelId: 'C1' })),
        ).toEqual([]);
      }
    });

    it('accepts the sample answers and renders runtime input for every pipeline variable', async () => {
      const wf = workflow(id);
      const answers = await values(id);
      for (const page of wf.pages) expect(validatePage(page, answers).errors).toEqual({});
      const runtime = parse(buildRuntimeInput(wf, answers)) as {
        pipeline: { identifier: string; variables: { name: string; value: string }[] };
      };
      expect(runtime.pipeline.identifier).toBe(wf.pipeline.pipelineId);
      const pipeline = parse(
        await readFile(`manifests/pipelines/${wf.pipeline.pipelineId}.yaml`, 'utf8'),
      ) as { pipeline: { variables: { name: string; value: string }[] } };
      const inputs = pipeline.pipeline.variables
        .filter((v) => v.value.startsWith('<+input>'))
        .map((v) => v.name);
      expect(runtime.pipeline.variables.map((v) => v.name).sort()).toEqual(inputs.sort());
      for (const v of runtime.pipeline.variables) expect(typeof v.value).toBe('string');
    });

    it('has a pipeline with the seed’s steps in order', async () => {
      const wf = workflow(id);
      const pipeline = parse(
        await readFile(`manifests/pipelines/${wf.pipeline.pipelineId}.yaml`, 'utf8'),
      ) as {
        pipeline: {
          identifier: string;
          stages: { stage: { spec: { execution: { steps: { step: { type: string } }[] } } } }[];
        };
      };
      expect(pipeline.pipeline.identifier).toBe(wf.pipeline.pipelineId);
      const steps = pipeline.pipeline.stages.flatMap((s) =>
        s.stage.spec.execution.steps.map((x) => x.step.type),
      );
      expect(steps).toEqual(SEED_STEPS[id]);
    });
  });

  it('rejects the classic bad answers with inline messages', () => {
    const scale = workflow('scale_service').pages[0];
    if (scale === undefined) throw new Error('no page');
    const r = validatePage(scale, {
      service: 's',
      environment: 'e',
      infrastructure: 'i',
      workload: 'not a workload',
      replicas: 51,
    });
    expect(r.errors).toEqual({
      workload:
        'Namespace is not in the expected format: The workload to scale, as [namespace/]Kind/Name, e.g. payments/Deployment/payments-api',
      replicas: 'Target Replicas must be between 0 and 50',
    });
  });

  it('makes the infrastructure picker depend on the chosen environment', () => {
    const page = workflow('scale_service').pages[0];
    const infra =
      page === undefined ? undefined : resolvePage(page, {}).find((f) => f.key === 'infrastructure');
    expect(infra?.input).toMatchObject({
      type: 'picker',
      source: {
        endpoint: 'infrastructures',
        dependsOn: ['environment'],
        params: { environmentIdentifier: '{{ parameters.environment }}' },
      },
    });
  });
});

describe('slack-app.yaml', () => {
  it('declares exactly /idp and the bound slash commands, with their descriptions', async () => {
    const manifest = parse(await readFile('slack-app.yaml', 'utf8')) as {
      features: { slash_commands: { command: string; description: string; usage_hint?: string }[] };
      settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean } };
    };
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual(['/idp', ...catalogue.commands.keys()].sort());
    for (const c of manifest.features.slash_commands) {
      if (c.command === '/idp') continue;
      const binding = catalogue.bindings.get(catalogue.commands.get(c.command) ?? '');
      expect(c.description).toBe(binding?.description);
      expect(c.usage_hint).toBe(binding?.usageHint);
    }
    expect(manifest.settings).toMatchObject({
      socket_mode_enabled: true,
      interactivity: { is_enabled: true },
    });
  });

  it('offers exactly the bound workflows as Workflow Builder steps, as `idp-chatops steps` prints them', async () => {
    const manifest = parse(await readFile('slack-app.yaml', 'utf8')) as {
      functions: Record<string, unknown>;
      settings: Record<string, unknown> & { event_subscriptions: { bot_events: string[] } };
    };
    expect(manifest.functions).toEqual(stepFunctions(catalogue));
    expect(Object.keys(manifest.functions).sort()).toEqual([...catalogue.bindings.keys()].sort());
    // What Slack requires of an app with custom steps (custom steps for Bolt, app manifest reference).
    expect(manifest.settings).toMatchObject({ org_deploy_enabled: true, function_runtime: 'remote' });
    expect(manifest.settings.event_subscriptions.bot_events).toContain('function_executed');
  });

  it('asks a step for every field a person can be shown, typed as Slack allows, never a secret', () => {
    const scale = stepFunctions(catalogue).scale_service;
    expect(scale?.input_parameters.properties).toMatchObject({
      channel_id: { type: 'slack#/types/channel_id' },
      requester_id: { type: 'slack#/types/user_context' },
      replicas: { type: 'integer', title: 'Target Replicas' },
      service: { type: 'string' },
    });
    expect(scale?.input_parameters.required).toEqual(
      expect.arrayContaining(['channel_id', 'requester_id', 'service']),
    );
    const rotate = stepFunctions(catalogue).rotate_token;
    const secretKeys = workflow('rotate_token')
      .pages.flatMap((p) => p.allFields)
      .filter((f) => f.visibility === 'secret')
      .map((f) => f.key);
    for (const k of secretKeys)
      expect(Object.keys(rotate?.input_parameters.properties ?? {})).not.toContain(k);
  });

  it('binds every workflow to a command whose prefill fields exist', () => {
    for (const [command, id] of catalogue.commands) {
      expect(command).toMatch(/^\/[a-z-]+$/);
      const b = catalogue.bindings.get(id);
      const keys = workflow(id).pages.flatMap((p) => p.allFields.map((f) => f.key));
      for (const k of b?.prefill ?? []) expect(keys).toContain(k);
    }
  });
});
