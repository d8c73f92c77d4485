import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { FormValues } from '../../src/forms/json-schema.js';
import { buildRuntimeInput } from '../../src/catalogue/workflow-parameters.js';

let cached: Promise<Catalogue> | undefined;

/** The shipped catalogue (manifests/), loaded once per test file. */
export function shippedCatalogue(): Promise<Catalogue> {
  cached ??= loadCatalogue('manifests').then((r) => {
    if (r.catalogue === undefined)
      throw new Error(`the shipped catalogue does not load: ${JSON.stringify(r.problems)}`);
    return r.catalogue;
  });
  return cached;
}

/** A catalogue a test wrote (a copy of manifests/ with changes). */
export async function catalogueFrom(dir: string): Promise<Catalogue> {
  const r = await loadCatalogue(dir);
  if (r.catalogue === undefined) throw new Error(`${dir} does not load: ${JSON.stringify(r.problems)}`);
  return r.catalogue;
}

/**
 * A copy of manifests/ in a temporary directory whose `pipelineId` pipeline gets `steps` (YAML
 * list items, indented as step entries) before its first step.
 */
export async function manifestsWithSteps(pipelineId: string, steps: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-manifests-'));
  await cp('manifests', dir, { recursive: true });
  const file = path.join(dir, 'pipelines', `${pipelineId}.yaml`);
  const yaml = await readFile(file, 'utf8');
  const at = yaml.indexOf('            steps:\n');
  if (at < 0) throw new Error(`${pipelineId} has no steps to put steps before`);
  const head = at + '            steps:\n'.length;
  await writeFile(file, `${yaml.slice(0, head)}${steps}${yaml.slice(head)}`);
  return dir;
}

/** The sample answers of a shipped workflow (test/fixtures/values/<id>.json). */
export async function sampleValues(workflowId: string): Promise<FormValues> {
  return JSON.parse(await readFile(`test/fixtures/values/${workflowId}.json`, 'utf8')) as FormValues;
}

/** What the bot would send Harness for a shipped workflow and its sample answers. */
export async function sampleRun(
  workflowId: string,
  overrides: FormValues = {},
): Promise<{ pipelineId: string; runtimeInputYaml: string }> {
  const wf = (await shippedCatalogue()).workflows.get(workflowId);
  if (wf === undefined) throw new Error(`no workflow ${workflowId}`);
  return {
    pipelineId: wf.pipeline.pipelineId,
    runtimeInputYaml: buildRuntimeInput(wf, { ...(await sampleValues(workflowId)), ...overrides }),
  };
}
