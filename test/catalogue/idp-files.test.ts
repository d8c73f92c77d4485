import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildWorkflowModal } from '../../blocks/build-workflow-modal.js';
import { checkModalView } from '../../blocks/limits.js';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import { loadWorkflows } from '../../src/catalogue/load-workflow.js';
import { main } from '../../src/cli.js';
import { formatProblem } from '../../src/errors.js';

/** Workflow files as platform teams copy them from IDP and public Backstage templates. */
const DIR = 'test/fixtures/idp-files';
const file = (name: string): string => `${DIR}/workflows/${name}`;

async function fixtures() {
  const r = await loadCatalogue(DIR);
  if (r.catalogue === undefined) throw new Error(r.problems.map(formatProblem).join('\n'));
  return { catalogue: r.catalogue, warnings: r.warnings.map(formatProblem) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('real IDP workflow files', () => {
  it('load, every workflow of every document', async () => {
    const { catalogue } = await fixtures();
    expect([...catalogue.workflows.keys()].sort()).toEqual([
      'create-docs-site',
      'deploy-preview',
      'maintenance_window',
      'provision_database',
      'purge_cdn_cache',
      'rotate-cdn-key',
      'upload_runbook',
    ]);
  });

  it('render every page within Slack limits, every conditional branch shown at once', async () => {
    const { catalogue } = await fixtures();
    for (const wf of catalogue.workflows.values()) {
      for (const page of wf.pages) {
        const view = buildWorkflowModal({
          workflow: wf,
          page: page.index,
          values: {},
          fields: page.allFields,
        });
        expect(checkModalView(view), `${wf.id} page ${page.index + 1}`).toEqual([]);
      }
    }
  });

  it('accept output links that name a catalog entity instead of a URL', async () => {
    const wf = (await fixtures()).catalogue.workflows.get('create-docs-site');
    expect(wf?.outputLinks).toEqual([
      { title: 'Pipeline run', url: '${{ steps.trigger.output.PipelineUrl }}' },
      { title: 'Open in catalog', entityRef: '${{ steps.register.output.entityRef }}' },
    ]);
  });

  it('refuse an output link with neither url nor entityRef, at its line', async () => {
    const text = (await readFile(file('output-links.yaml'), 'utf8')).replace(
      '        entityRef: ${{ steps.register.output.entityRef }}\n',
      '',
    );
    const [r] = loadWorkflows('links.yaml', text);
    expect(r?.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^links\.yaml:35:9: spec\.output\.links\[1\]: needs a url or an entityRef$/),
    ]);
  });

  it('skip a catalog entity beside the workflows with a warning naming the document', async () => {
    const { warnings } = await fixtures();
    expect(warnings).toContainEqual(
      `${file('multi-document.yaml')}:6:1: document 1 of 3 (ops-templates): a Backstage Location (a catalog entity), not a workflow: skipped`,
    );
  });

  it('name the document, and its place in the file, in every problem', async () => {
    const text = (await readFile(file('multi-document.yaml'), 'utf8'))
      .replace('enum: [www, static, api]\n  steps:', 'enum: [www, static, api]\n  stepz:')
      .replace("${{ parameters.paths | join(',') }}", "${{ parameters.pathz | join(',') }}");
    const problems = loadWorkflows('ops.yaml', text).flatMap((r) => r.problems.map(formatProblem));
    expect(problems).toEqual([
      expect.stringMatching(
        /^ops\.yaml:42:18: document 2 of 3 \(purge_cdn_cache\): workflow purge_cdn_cache, inputset key "paths" reads parameters\.pathz, which is not a field of the form$/,
      ),
      expect.stringMatching(/^ops\.yaml:49:1: document 3 of 3 \(rotate-cdn-key\): spec\.steps: /),
    ]);
  });

  it('report validator noise as a warning at the keyword, never on the console', async () => {
    const spies = (['log', 'warn', 'error', 'info'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const text = await readFile(file('validator-noise.yaml'), 'utf8');
    // A format no other test compiles, so ajv meets it for the first time here.
    const [r] = loadWorkflows('noise.yaml', text.replace('  format: data-url', '  format: data-url-noise'));
    expect(r?.workflow).toBeDefined();
    expect(r?.warnings.map(formatProblem)).toEqual([
      'noise.yaml:21:19: spec.parameters[0].properties.runbook.format: field "runbook": the format "data-url-noise" is unknown to the validator, so answers are not checked against it',
    ]);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe('idp-chatops preview of real files', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('asks which workflow of a file with several, then shows it', async () => {
    const none = await run(['preview', file('multi-document.yaml')]);
    expect(none.code).toBe(1);
    expect(none.err).toContain('holds 2 workflows (purge_cdn_cache, rotate-cdn-key); pick one with --id');
    const one = await run(['preview', file('multi-document.yaml'), '--id', 'rotate-cdn-key']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ title: { text: 'Rotate the CDN key' } });
  });

  it('takes answers for nested objects as objects and prints the runtime input', async () => {
    const r = await run([
      'inputs',
      file('nested-objects.yaml'),
      '--values',
      `${DIR}/values/provision_database.json`,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('name: engine\n      type: String\n      value: mysql');
    expect(r.out).toContain('name: backups\n      type: String\n      value: "false"');
  });

  it('chooses the branch whose fields the answers fill, as rjsf matches data to an option', async () => {
    const r = await run(['inputs', file('choose-one.yaml'), '--values', `${DIR}/values/deploy-preview.json`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('name: pr\n      type: String\n      value: "7"');
    expect(r.out).toContain('name: hours\n      type: String\n      value: "3"');
  });

  it.each([
    ['nested-objects.yaml', 'g:0:database'],
    ['choose-one.yaml', 'f:0:source.__oneof_select'],
    ['enum-widgets.yaml', 'f:0:days'],
    ['validator-noise.yaml', 'f:0:runbook'],
    ['output-links.yaml', 'f:0:component'],
  ])('shows %s', async (name, blockId) => {
    const r = await run(['preview', file(name)]);
    expect(r.code).toBe(0);
    const view: unknown = JSON.parse(r.out);
    expect(checkModalView(view)).toEqual([]);
    expect(r.out).toContain(`"block_id": "${blockId}"`);
  });
});
