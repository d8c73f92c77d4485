import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import { formatProblem } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-catalogue-'));
  await cp('manifests', dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const problems = async (): Promise<string[]> => (await loadCatalogue(dir)).problems.map(formatProblem);
const edit = async (file: string, from: string | RegExp, to: string): Promise<void> => {
  const p = path.join(dir, file);
  const text = await readFile(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no change to ${file}`);
  await writeFile(p, next);
};

describe('loadCatalogue', () => {
  it('refuses to start on any problem, listing every one across files', async () => {
    await edit('workflows/scale-service.yaml', 'maximum: 50', 'maximum: many');
    await edit('workflows/rollback-service.yaml', 'kind: Workflow', 'kind: Workflw');
    await writeFile(
      path.join(dir, 'workflows/zz-broken.yaml'),
      'apiVersion: harness.io/v1\nkind: Workflow\nname: [unclosed\n',
    );
    const r = await loadCatalogue(dir);
    expect(r.catalogue).toBeUndefined();
    const text = r.problems.map(formatProblem).join('\n');
    expect(text).toMatch(/scale-service\.yaml:\d+:\d+: .*replicas/);
    expect(text).toMatch(/rollback-service\.yaml:2:7: kind: must be Workflow for apiVersion harness\.io\/v1/);
    expect(text).toMatch(/zz-broken\.yaml:\d+:\d+: invalid YAML/);
    // The rollback binding now points at nothing, and says so.
    expect(text).toMatch(
      /commands\.yaml:\d+:\d+: workflows\.rollback_service: no workflow with identifier "rollback_service"/,
    );
  });

  it('refuses two workflows with one identifier', async () => {
    await cp(path.join(dir, 'workflows/scale-service.yaml'), path.join(dir, 'workflows/scale-copy.yaml'));
    expect((await problems()).join()).toMatch(
      /scale-service\.yaml:1:1: workflow id "scale_service" is also used by .*scale-copy\.yaml/,
    );
  });

  it('checks the bindings: command names, duplicates, /idp, prefill fields', async () => {
    await edit('commands.yaml', 'command: /scale', 'command: /rollback');
    await edit('commands.yaml', 'command: /restart', 'command: /idp');
    await edit('commands.yaml', 'command: /flag', 'command: Flag Toggle');
    await edit('commands.yaml', 'prefill: [token_identifier]', 'prefill: [token]');
    await edit('commands.yaml', 'prefill: [project_name]', 'prefill: [project_name]\n    risky: maybe');
    const p = (await problems()).join('\n');
    expect(p).toMatch(
      /commands\.yaml:\d+:\d+: workflows\.scale_service\.command: \/rollback is already bound to rollback_service/,
    );
    expect(p).toMatch(/\/idp is the bot's own command/);
    expect(p).toMatch(/workflows\.toggle_feature_flag\.command: must be \/ followed by/);
    expect(p).toMatch(/workflows\.rotate_token\.prefill: "token" is not shown in Slack/);
    expect(p).toMatch(/workflows\.onboard_service\.risky: must be true or false/);
  });

  it('reads which fields may hold Harness expressions, and refuses unknown ones', async () => {
    await edit(
      'commands.yaml',
      'prefill: [project_name]',
      'prefill: [project_name]\n    allowExpressions: [description]',
    );
    expect((await problems()).join('\n')).toMatch(
      /commands\.yaml:\d+:\d+: workflows\.onboard_service\.allowExpressions: "description" is not a field of onboard_service/,
    );
    await edit(
      'commands.yaml',
      'allowExpressions: [description]',
      'allowExpressions: [repository_description]',
    );
    const r = await loadCatalogue(dir);
    expect(r.problems).toEqual([]);
    expect(r.catalogue?.bindings.get('onboard_service')?.allowExpressions).toEqual([
      'repository_description',
    ]);
    expect(r.catalogue?.bindings.get('scale_service')?.allowExpressions).toEqual([]);
  });

  it('checks inputset variables against the pipeline kept beside the workflow', async () => {
    await edit(
      'workflows/scale-service.yaml',
      'pipeline.variables.replicas:',
      'pipeline.variables.replica_count:',
    );
    expect((await problems()).join()).toMatch(
      /scale-service\.yaml:\d+:\d+: workflow scale_service, inputset key "pipeline\.variables\.replica_count": pipeline scale_service .* has no runtime input/,
    );
  });

  it('explains a missing workflows directory', async () => {
    expect((await loadCatalogue(path.join(dir, 'nope'))).problems.map(formatProblem)).toEqual([
      expect.stringMatching(/no such directory: put one IDP workflow YAML per file/),
    ]);
  });

  it('works without bindings: every workflow is reachable with /idp run', async () => {
    await rm(path.join(dir, 'commands.yaml'));
    const r = await loadCatalogue(dir);
    expect(r.catalogue?.commands.size).toBe(0);
    expect(r.catalogue?.bindings.size).toBe(7);
    expect(r.warnings.map(formatProblem).join()).toMatch(/no command bindings/);
  });
});
