import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/catalogue/load-workflow.js';
import { formatProblem } from '../../src/errors.js';
import { mustLoad, problemsOf, workflowYaml } from '../helpers/workflow.js';

const PAGE = `    - title: Basics
      required: [name]
      properties:
        name:
          title: Name
          type: string`;

describe('loadWorkflow', () => {
  it('reads the harness.io/v1 envelope', () => {
    const wf = mustLoad(workflowYaml(PAGE, '          name: ${{ parameters.name }}'));
    expect(wf).toMatchObject({
      id: 'test_wf',
      title: 'Test workflow',
      envelope: 'harness',
      description: 'A test',
      triggerStepId: 'trigger',
    });
    expect(wf.pipeline).toMatchObject({
      accountId: 'acct',
      orgId: 'default',
      projectId: 'proj',
      pipelineId: 'pipe',
    });
    expect(wf.pages[0]?.allFields.map((f) => f.key)).toEqual(['name']);
  });

  it('reads the Backstage envelope, with a single page given as an object', () => {
    const wf = mustLoad(`apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: bs_wf
  title: Backstage one
spec:
  owner: team
  type: service
  parameters:
    title: Only page
    properties:
      name: { title: Name, type: string }
  steps:
    - id: go
      action: trigger:harness-custom-pipeline
      input:
        url: https://app.harness.io/ng/#/account/a1/cd/orgs/o1/projects/p1/pipelines/pl1/pipeline-studio/
        inputset:
          pipeline.variables.name: \${{ parameters.name }}
`);
    expect(wf).toMatchObject({
      id: 'bs_wf',
      title: 'Backstage one',
      envelope: 'backstage',
      owner: 'team',
      triggerStepId: 'go',
    });
    expect(wf.pipeline).toMatchObject({ accountId: 'a1', orgId: 'o1', projectId: 'p1', pipelineId: 'pl1' });
    expect(wf.pages).toHaveLength(1);
  });

  it('names the file and line of a structural mistake, with the fix', () => {
    const yaml = workflowYaml(PAGE).replace('identifier: test_wf', 'identifier: 9 bad id');
    expect(problemsOf(yaml, 'wf.yaml')).toEqual([
      expect.stringMatching(/^wf\.yaml:4:13: identifier: must start with a letter/),
    ]);
  });

  it('refuses an unknown envelope', () => {
    expect(problemsOf('apiVersion: backstage.io/v1alpha1\nkind: Component\n')).toEqual([
      expect.stringMatching(
        /^test\.yaml:1:13: unknown workflow envelope: use apiVersion: scaffolder\.backstage\.io\/v1beta3/,
      ),
    ]);
  });

  it('refuses malformed YAML with its line number', () => {
    const r = loadWorkflow(
      'broken.yaml',
      'apiVersion: harness.io/v1\nkind: Workflow\nspec:\n  parameters: [\n',
    );
    expect(r.workflow).toBeUndefined();
    expect(r.problems.map(formatProblem)[0]).toMatch(/^broken\.yaml:\d+:\d+: invalid YAML/);
  });

  it('needs exactly one trigger:harness-custom-pipeline step', () => {
    const none = workflowYaml(PAGE).replace('trigger:harness-custom-pipeline', 'debug:log');
    expect(problemsOf(none).join()).toMatch(/no step uses trigger:harness-custom-pipeline/);
  });

  it('explains a pipeline URL it cannot read', () => {
    const bad = workflowYaml(PAGE).replace(/url: .*/, 'url: https://app.harness.io/ng/account/acct/settings');
    expect(problemsOf(bad).join()).toMatch(
      /:\d+:\d+: input\.url the pipeline URL lacks orgs\/<org>, projects\/<project>, pipelines\/<pipeline>/,
    );
  });

  it('refuses inputset expressions it cannot evaluate, naming workflow and key', () => {
    const p = problemsOf(
      workflowYaml(
        PAGE,
        '          owner: ${{ user.entity.metadata.name }}\n          name: ${{ parameters.nme }}',
      ),
    );
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(
      /workflow test_wf, inputset key "owner": cannot evaluate .*only values of the form \(parameters\.<field>\)/,
    );
    expect(p[1]).toMatch(/workflow test_wf, inputset key "name" reads parameters\.nme, which is not a field/);
  });

  it('refuses a list field sent without join, and suggests the fix', () => {
    const page = `    - properties:
        envs:
          title: Envs
          type: array
          items: { type: string, enum: [a, b] }`;
    expect(problemsOf(workflowYaml(page, '          envs: ${{ parameters.envs }}')).join()).toMatch(
      /"envs" is a list .* write \$\{\{ parameters\.envs \| join\(','\) \}\}/,
    );
    expect(problemsOf(workflowYaml(page, "          envs: ${{ parameters.envs | join(',') }}"))).toEqual([]);
  });

  it('refuses an inputset that reads the secret token field', () => {
    const page = `    - properties:
        token: { title: Token, type: string, ui:widget: password, ui:field: HarnessAuthToken }`;
    expect(problemsOf(workflowYaml(page, '          token: ${{ parameters.token }}')).join()).toMatch(
      /reads the secret field "token"/,
    );
  });

  it('refuses unknown inputset keys', () => {
    expect(
      problemsOf(workflowYaml(PAGE, '          pipeline.stages.s.spec.x: ${{ parameters.name }}')).join(),
    ).toMatch(/is not a pipeline variable/);
  });

  it('refuses a field defined on two pages', () => {
    const pages = `${PAGE}\n${PAGE.replace('Basics', 'Again')}`;
    expect(problemsOf(workflowYaml(pages)).join()).toMatch(/field "name" appears on pages 1 and 2/);
  });

  it('reports a default that its own field does not allow, at the default', () => {
    const page = `    - properties:
        replicas:
          title: Target Replicas
          type: integer
          minimum: 0
          maximum: 50
          default: 99`;
    expect(problemsOf(workflowYaml(page))).toEqual([
      expect.stringMatching(
        /^test\.yaml:15:20: .*field "replicas" \(default\) the default 99 is not allowed/,
      ),
    ]);
  });

  it('refuses free-form objects (no properties) with a hint to list their fields', () => {
    const page = `    - properties:
        labels:
          type: object
          additionalProperties: { type: string }`;
    expect(problemsOf(workflowYaml(page)).join()).toMatch(
      /field "labels" \(type\) an object without properties cannot be asked for in Slack; list its fields under properties/,
    );
  });

  it('refuses a page too large for a Slack modal, at load time', () => {
    const props = Array.from(
      { length: 60 },
      (_, i) => `        f${i}: { title: Field ${i}, type: string }`,
    ).join('\n');
    const p = problemsOf(workflowYaml(`    - title: Huge\n      properties:\n${props}`));
    expect(p.join()).toMatch(
      /page 1 would not fit in a Slack modal: blocks: \d+ blocks; a modal holds at most 100 .*split it into more pages/,
    );
  });

  it('warns, without failing, when a custom field is shown as a text box', () => {
    const page = `    - properties:
        repo: { title: Repo, type: string, ui:field: SomeCustomPicker }`;
    const r = loadWorkflow('w.yaml', workflowYaml(page));
    expect(r.workflow).toBeDefined();
    expect(r.warnings.map(formatProblem).join()).toMatch(/SomeCustomPicker is shown as a text box/);
  });
});
