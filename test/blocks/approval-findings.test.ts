import { describe, expect, it } from 'vitest';
import { buildApprovalFindings } from '../../blocks/build-approval-findings.js';
import { checkMessageBlocks, LIMITS } from '../../blocks/limits.js';

const URL =
  'https://app.harness.io/ng/account/a/module/iacm/orgs/o/projects/p/pipelines/x/executions/e/pipeline';

describe('what the run found, on an approval card', () => {
  it('stays inside one section however much the steps report, and links to the rest', () => {
    const steps = Array.from({ length: 40 }, (_, i) => ({
      name: `Step ${String(i)}`,
      outputs: Array.from({ length: 20 }, (_, j) => ({
        name: `output_${String(j)}`,
        value: 'x'.repeat(5000),
      })),
    }));
    const block = buildApprovalFindings({ changes: [], steps, plan: false }, URL);
    expect(checkMessageBlocks([block])).toEqual([]);
    const text = (block as { text: { text: string } }).text.text;
    expect(Array.from(text).length).toBeLessThanOrEqual(LIMITS.text);
    expect(text).toContain(`<${URL}|Full output in Harness> (some output was cut here)`);
    expect(text).not.toContain('Step 39');
  });

  it('never lets a reported link or name break out of its place', () => {
    const block = buildApprovalFindings(
      {
        changes: [{ label: 'Target <!here>', from: '3', to: '6' }],
        steps: [
          {
            name: 'Ticket *bold* <@U0EVIL>',
            outputs: [
              { name: 'Issue', value: 'OPS-1', url: 'https://jira.example.com/browse/OPS-1|<!channel>' },
            ],
          },
        ],
        plan: false,
      },
      undefined,
    );
    const text = (block as { text: { text: string } }).text.text;
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<@U0EVIL>');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('Issue `OPS-1`');
  });

  it('shows nothing when nothing was found', () => {
    expect(buildApprovalFindings({ changes: [], steps: [], plan: false }, URL)).toBeUndefined();
  });
});
