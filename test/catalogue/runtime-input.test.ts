import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parsePipelineUrl } from '../../src/catalogue/pipeline-target.js';
import { renderRuntimeInput } from '../../src/catalogue/runtime-input.js';
import type { InputsetEntry } from '../../src/catalogue/runtime-input.js';
import { evaluateTemplate, parseTemplate } from '../../src/catalogue/template.js';
import type { Template } from '../../src/catalogue/template.js';
import type { FormValues } from '../../src/forms/json-schema.js';

function tpl(source: unknown): Template {
  const r = parseTemplate(source);
  if ('error' in r) throw new Error(r.error);
  return r.template;
}
const entry = (name: string, source: string): InputsetEntry => ({
  key: name,
  target: { scope: 'pipeline', name },
  template: tpl(source),
});

describe('inputset templates', () => {
  const values: FormValues = { svc: 'api', envs: ['eu', 'us'], n: 3, empty: '', obj: { a: 'deep' } };
  it.each([
    ['${{ parameters.svc }}', 'api'],
    ['${{ parameters.n }}', 3],
    ["${{ parameters.envs | join(',') }}", 'eu,us'],
    ["${{ parameters.envs.join(' / ') }}", 'eu / us'],
    ['${{ parameters.envs | join }}', 'eu,us'],
    ['${{ parameters.svc | upper }}', 'API'],
    ["${{ parameters.empty | default('none') }}", 'none'],
    ["${{ parameters.svc | replace('a', 'A') | lower }}", 'api'],
    ['${{ parameters.envs | first }}', 'eu'],
    ['${{ parameters.envs | length }}', 2],
    ['${{ parameters.envs | dump }}', '["eu","us"]'],
    ["${{ parameters['svc'] }}", 'api'],
    ['${{ parameters.obj.a }}', 'deep'],
    ['${{ parameters.missing }}', null],
    ['prefix-${{ parameters.svc }}-${{ parameters.n }}', 'prefix-api-3'],
    ['no expression', 'no expression'],
  ])('%s → %j', (source, expected) => {
    expect(evaluateTemplate(tpl(source), values)).toEqual(expected);
  });

  it('keeps literal numbers and booleans', () => {
    expect(evaluateTemplate(tpl(5), {})).toBe(5);
    expect(evaluateTemplate(tpl(true), {})).toBe(true);
  });

  it.each([
    ['${{ user.entity.metadata.name }}', /only values of the form/],
    ['${{ parameters.x | shout }}', /unknown filter "shout"/],
    ['${{ parameters.x | join(parameters.y) }}', /use quoted strings or numbers/],
    ['${{ parameters }}', /name a field/],
    ['${{ parameters.x ', /unclosed/],
    ['${{ parameters.x + 1 }}', /unexpected/],
  ])('refuses %s', (source, message) => {
    const r = parseTemplate(source);
    expect('error' in r && r.error).toMatch(message);
  });
});

describe('renderRuntimeInput', () => {
  it('keeps hostile values plain strings: the document structure cannot change', () => {
    const hostile = [
      'a: b',
      'line1\nline2: x\n- y',
      '---\nother: doc',
      'null',
      'true',
      '0123',
      '#comment',
      "'quoted'",
      '{"json": 1}',
      '!!binary aGk=',
      '<+input>',
      ' padded ',
    ];
    const entries = hostile.map((_, i) => entry(`v${i}`, `\${{ parameters.v${i} }}`));
    const values = Object.fromEntries(hostile.map((h, i) => [`v${i}`, h]));
    const doc = parse(renderRuntimeInput('pipe', entries, values)) as {
      pipeline: { variables: { name: string; value: string }[] };
    };
    expect(Object.keys(doc)).toEqual(['pipeline']);
    expect(doc.pipeline.variables.map((v) => v.value)).toEqual(hostile);
    expect(doc.pipeline.variables.every((v) => typeof v.value === 'string')).toBe(true);
  });

  it('sends an absent optional answer as an empty string', () => {
    expect(parse(renderRuntimeInput('p', [entry('x', '${{ parameters.x }}')], {}))).toEqual({
      pipeline: { identifier: 'p', variables: [{ name: 'x', type: 'String', value: '' }] },
    });
  });

  it('gives an empty body for a pipeline without inputs', () => {
    expect(renderRuntimeInput('p', [], {})).toBe('');
  });

  it('refuses a list where a pipeline variable needs text', () => {
    expect(() => renderRuntimeInput('p', [entry('x', '${{ parameters.x }}')], { x: ['a'] })).toThrow(
      /x would be a list/,
    );
  });
});

describe('parsePipelineUrl', () => {
  it.each([
    'https://app.harness.io/ng/account/A1/module/idp/orgs/O1/projects/P1/pipelines/X1/pipeline-studio/?storeType=INLINE',
    'https://app.harness.io/ng/#/account/A1/cd/orgs/O1/projects/P1/pipelines/X1/pipeline-studio/',
    'https://app.harness.io/ng/account/A1/home/orgs/O1/projects/P1/pipelines/X1/executions',
  ])('reads %s', (url) => {
    const r = parsePipelineUrl(url);
    expect('target' in r && r.target).toMatchObject({
      accountId: 'A1',
      orgId: 'O1',
      projectId: 'P1',
      pipelineId: 'X1',
    });
  });

  it('reads the Git branch and repository of a remote pipeline', () => {
    const r = parsePipelineUrl(
      'https://app.harness.io/ng/account/A/module/idp/orgs/O/projects/P/pipelines/X/pipeline-studio/?storeType=REMOTE&repoName=infra&branch=main',
    );
    expect('target' in r && r.target).toMatchObject({ repoName: 'infra', branch: 'main' });
  });

  it('explains what is missing', () => {
    expect(parsePipelineUrl('not a url')).toEqual({ error: expect.stringMatching(/is not a URL/) });
    expect(parsePipelineUrl('https://app.harness.io/ng/account/A/module/idp/orgs/O/projects/P')).toEqual({
      error: expect.stringMatching(/lacks pipelines\/<pipeline>/),
    });
  });
});
