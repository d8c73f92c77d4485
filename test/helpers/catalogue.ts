import { readFile } from 'node:fs/promises';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import type { Catalogue } from '../../src/catalogue/load-catalogue.js';
import type { FormValues } from '../../src/forms/json-schema.js';
import { buildRuntimeInput } from '../../src/forms/submission.js';

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
