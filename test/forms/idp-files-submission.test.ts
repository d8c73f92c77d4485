import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { modalFor } from '../helpers/workflow.js';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import type { Workflow } from '../../src/catalogue/workflow.js';
import { resolvePage } from '../../src/forms/form-page.js';
import type { FormValues } from '../../src/forms/json-schema.js';
import { handleSubmission } from '../../src/slack/submission.js';
import { renderCard } from '../../src/runs/presenter.js';

const r = await loadCatalogue('test/fixtures/idp-files');
function workflow(id: string): Workflow {
  const wf = r.catalogue?.workflows.get(id);
  if (wf === undefined) throw new Error(`fixture ${id} did not load`);
  return wf;
}

const text = (value: string) => ({ idp_field: { type: 'plain_text_input', value } });
const num = (value: string) => ({ idp_field: { type: 'number_input', value } });
const one = (index: number) => ({
  idp_field: { type: 'radio_buttons', selected_option: { value: String(index) } },
});
const many = (...indexes: number[]) => ({
  idp_field: { type: 'checkboxes', selected_options: indexes.map((i) => ({ value: String(i) })) },
});
const variables = (yaml: string): Record<string, string> => {
  const doc = parse(yaml) as { pipeline: { variables: { name: string; value: string }[] } };
  return Object.fromEntries(doc.pipeline.variables.map((v) => [v.name, v.value]));
};
const blocksOf = (wf: Workflow, page: number, values: FormValues) =>
  modalFor({ workflow: wf, page, values }).blocks.map((b) => `${b.type} ${b.block_id ?? ''}`);

describe('nested objects', () => {
  const wf = workflow('provision_database');

  it('are shown as a labelled group of their fields, with block ids that carry the path', () => {
    expect(blocksOf(wf, 0, {})).toEqual([
      'section intro',
      'input f:0:service',
      'header g:0:database',
      'context g:0:database:about',
      'input f:0:database.engine',
      'input f:0:database.size_gb',
      'section g:0:database.backup',
      'input f:0:database.backup.enabled',
      'input f:0:database.backup.retention_days',
      'context pipeline',
    ]);
  });

  it("take the object's default and its required list", () => {
    const fields = resolvePage(wf.pages[0] as Workflow['pages'][number], {});
    expect(fields.find((f) => f.key === 'database.engine')).toMatchObject({
      default: 'postgres',
      required: true,
    });
    const out = handleSubmission(wf, 0, { 'f:0:service': text('orders') }, {});
    expect(out).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:database.size_gb': 'Size (GiB) is required' },
    });
  });

  it('are answered as objects, and parameters.a.b reaches into them', () => {
    const out = handleSubmission(
      wf,
      0,
      {
        'f:0:service': text('orders'),
        'f:0:database.engine': one(1),
        'f:0:database.size_gb': num('20'),
        'f:0:database.backup.enabled': many(0),
        'f:0:database.backup.retention_days': num('14'),
      },
      {},
    );
    if (out.kind !== 'complete') throw new Error(JSON.stringify(out));
    expect(out.parameters).toEqual({
      service: 'orders',
      database: { engine: 'mysql', size_gb: 20, backup: { enabled: true, retention_days: 14 } },
    });
    const run = {
      ...{ id: 'r1', workflowId: wf.id, requesterId: 'U1', channelId: 'C1', cardTs: undefined },
      ...{ executionId: undefined, orgId: 'default', projectId: 'platform', pipelineId: 'provision_db' },
      ...{ status: 'starting', bucket: 'running' as const, inputs: out.values, executionUrl: undefined },
      ...{ error: undefined, createdAt: 0, updatedAt: 0, finishedAt: undefined },
    };
    // The card names nested answers with their group, so two groups' "Name" stay apart.
    expect(JSON.stringify(renderCard(run, wf, undefined, undefined, 0))).toContain('Database › Size (GiB)');
    expect(variables(out.runtimeInputYaml)).toEqual({
      service: 'orders',
      engine: 'mysql',
      size_gb: '20',
      backups: 'true',
      retention: '14',
    });
  });
});

describe('oneOf/anyOf without a field that tells the branches apart', () => {
  const wf = workflow('deploy-preview');

  it("shows a select of the branch titles, then the first branch's fields", () => {
    const view = modalFor({ workflow: wf, page: 0, values: {} });
    const select = view.blocks.find((b) => b.block_id === 'f:0:source.__oneof_select');
    expect(select).toMatchObject({
      dispatch_action: true,
      element: {
        type: 'static_select',
        options: [{ text: { text: 'A branch' } }, { text: { text: 'A pull request' } }],
      },
    });
    expect(blocksOf(wf, 0, {})).toContain('input f:0:source.branch');
    expect(blocksOf(wf, 0, {})).not.toContain('input f:0:source.pr');
  });

  it("shows the chosen branch's fields once another is chosen", () => {
    const blocks = blocksOf(wf, 0, { 'source.__oneof_select': 'A pull request' });
    expect(blocks).toContain('input f:0:source.pr');
    expect(blocks).not.toContain('input f:0:source.branch');
  });

  it("validates the chosen branch only and returns its values, without the select's", () => {
    const page1 = handleSubmission(
      wf,
      0,
      { 'f:0:name': text('pr-42'), 'f:0:source.__oneof_select': one(1), 'f:0:source.pr': num('42') },
      {},
    );
    expect(page1).toMatchObject({ kind: 'next-page', page: 1 });
    const earlier = page1.values;
    const missing = handleSubmission(wf, 1, { 'f:1:__anyof_select2': one(1) }, earlier);
    expect(missing).toMatchObject({ kind: 'errors', errors: { 'f:1:hours': 'Hours is required' } });
    const done = handleSubmission(wf, 1, { 'f:1:__anyof_select2': one(1), 'f:1:hours': num('8') }, earlier);
    if (done.kind !== 'complete') throw new Error(JSON.stringify(done));
    expect(done.parameters).toEqual({ name: 'pr-42', source: { pr: 42 }, hours: 8 });
    expect(variables(done.runtimeInputYaml)).toEqual({
      name: 'pr-42',
      branch: '',
      pr: '42',
      until: '',
      hours: '8',
    });
  });
});

describe('enum-backed custom fields and widgets', () => {
  const wf = workflow('maintenance_window');
  const view = modalFor({ workflow: wf, page: 0, values: {} });
  const element = (key: string) => view.blocks.find((b) => b.block_id === `f:0:${key}`);

  it('are radio buttons or checkboxes, not text boxes', () => {
    expect(element('tier')).toMatchObject({
      element: { type: 'radio_buttons', options: [{ text: { text: 'Gold (24/7)' } }, {}, {}] },
    });
    expect(element('days')).toMatchObject({ element: { type: 'checkboxes' } });
    expect(element('weeks')).toMatchObject({ element: { type: 'radio_buttons' } });
    expect(element('notify')).toMatchObject({
      element: { type: 'radio_buttons', options: [{ text: { text: 'Yes' } }, { text: { text: 'No' } }] },
    });
    expect(element('regions')).toMatchObject({ element: { type: 'checkboxes' } });
  });

  it('give typed values: strings, lists, numbers and booleans', () => {
    const out = handleSubmission(
      wf,
      0,
      {
        'f:0:tier': one(0),
        'f:0:days': many(5, 6),
        'f:0:weeks': one(2),
        'f:0:notify': one(1),
        'f:0:regions': many(0, 2),
      },
      {},
    );
    if (out.kind !== 'complete') throw new Error(JSON.stringify(out));
    expect(out.parameters).toEqual({
      tier: 'gold',
      days: ['sat', 'sun'],
      weeks: 4,
      notify: false,
      regions: ['eu', 'ap'],
    });
    expect(variables(out.runtimeInputYaml)).toMatchObject({ days: 'sat,sun', weeks: '4', notify: 'false' });
  });
});
