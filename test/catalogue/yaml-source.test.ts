import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, parseYamlSource } from '../../src/catalogue/yaml-source.js';
import { formatProblem } from '../../src/errors.js';

function problems(text: string): string[] {
  const r = parseYamlSource('f.yaml', text);
  return r.ok ? [] : r.problems.map(formatProblem);
}

describe('parseYamlSource (hostile input)', () => {
  it('refuses custom tags with the line of the tag', () => {
    expect(problems('a: 1\nb: !shell "rm -rf /"\n')).toEqual([
      expect.stringMatching(/^f\.yaml:2:4: .*custom YAML tags are not allowed/),
    ]);
  });

  it('refuses explicit standard tags such as !!binary and !!js/function', () => {
    expect(problems('a: !!binary aGk=\n')[0]).toMatch(/^f\.yaml:1:\d+: explicit YAML tags/);
    expect(problems('a: !!js/function "x"\n').join()).toMatch(/not allowed/);
  });

  it('refuses merge keys', () => {
    expect(problems('base: &b {x: 1}\nother:\n  <<: *b\n')).toEqual([
      expect.stringMatching(/^f\.yaml:3:3: merge keys \(<<\) are not allowed/),
    ]);
  });

  it('refuses duplicate keys and several documents', () => {
    expect(problems('a: 1\na: 2\n')[0]).toMatch(/^f\.yaml:2:1: this key appears twice/);
    expect(problems('a: 1\n---\nb: 2\n')[0]).toMatch(/several YAML documents/);
  });

  it('refuses huge files before parsing them', () => {
    const huge = `a: "${'x'.repeat(MAX_MANIFEST_BYTES)}"\n`;
    expect(problems(huge)).toEqual([
      expect.stringMatching(/^f\.yaml:1:1: file is 257 KiB; the limit is 256 KiB/),
    ]);
  });

  it('refuses deep nesting without crashing', () => {
    const deep = `${'['.repeat(200)}${']'.repeat(200)}`;
    expect(problems(deep).join()).toMatch(/nesting deeper than 64 levels/);
    const blockDeep = Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(problems(blockDeep).join()).toMatch(/nesting deeper than 64/);
  });

  it('refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    expect(problems(bomb).join()).toMatch(/cannot read this YAML|alias/i);
  });

  it('reports a syntax error with its line', () => {
    expect(problems('a:\n  b: [1, 2\nc: 3\n')[0]).toMatch(/^f\.yaml:\d+:\d+: invalid YAML/);
  });

  it('locates values by path, and missing keys at their parent', () => {
    const r = parseYamlSource('f.yaml', 'spec:\n  steps:\n    - id: a\n      input:\n        url: 5\n');
    if (!r.ok) throw new Error('parse failed');
    expect(r.source.problemAt(['spec', 'steps', 0, 'input', 'url'], 'm')).toMatchObject({
      line: 5,
      column: 14,
    });
    expect(r.source.problemAt(['spec', 'steps', 0, 'input', 'nope'], 'm')).toMatchObject({ line: 4 });
  });

  it('keeps YAML syntax inside values as plain text', () => {
    const r = parseYamlSource('f.yaml', 'a: "key: value\\n- item"\n');
    expect(r.ok && (r.source.value as { a: string }).a).toBe('key: value\n- item');
  });
});
