import { describe, expect, it } from 'vitest';
import { handleSubmission } from '../../src/slack/submission.js';
import { mustLoad, problemsOf, workflowYaml } from '../helpers/workflow.js';

const withPattern = (pattern: string): string =>
  workflowYaml(`    - properties:
        name:
          title: Name
          type: string
          pattern: '${pattern}'`);

const submitted = (value: string) => ({ 'f:0:name': { v: { type: 'plain_text_input', value } } });

describe('workflow patterns run on a linear-time engine', () => {
  it('refuses at load a pattern only a backtracking engine can run, at its file:line:col', () => {
    expect(problemsOf(withPattern('^(?=a)a$'), 'workflows/w.yaml')).toEqual([
      expect.stringMatching(
        /^workflows\/w\.yaml:13:\d+: .*name.*\(pattern\) "\^\(\?=a\)a\$" cannot be checked in linear time.*lookahead/,
      ),
    ]);
  });

  it('answers at once for ^(a+)+$ and 40 characters (a backtracking engine takes minutes)', () => {
    // Guard first: only a linear-time engine refuses lookahead. Without it the check below
    // would block this process for minutes instead of failing.
    expect(problemsOf(withPattern('(?!x)'))).not.toEqual([]);
    const wf = mustLoad(withPattern('^(a+)+$'));
    expect(handleSubmission(wf, 0, submitted(`${'a'.repeat(40)}!`), {})).toMatchObject({
      kind: 'errors',
      errors: { 'f:0:name': 'Name is not in the expected format (^(a+)+$)' },
    });
    expect(handleSubmission(wf, 0, submitted('a'.repeat(40)), {})).toMatchObject({ kind: 'complete' });
  });

  it('keeps what JSON Schema patterns usually hold working', () => {
    const wf = mustLoad(withPattern('^[A-Za-z_][A-Za-z0-9_$]*(/\\d{1,3})?$'));
    expect(handleSubmission(wf, 0, submitted('payments_api/12'), {})).toMatchObject({ kind: 'complete' });
    expect(handleSubmission(wf, 0, submitted('9lives'), {})).toMatchObject({ kind: 'errors' });
  });
});
