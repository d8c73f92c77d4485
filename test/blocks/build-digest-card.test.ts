import { describe, expect, it } from 'vitest';
import { buildDigestCard } from '../../blocks/build-digest-card.js';
import type { DigestLine } from '../../blocks/build-digest-card.js';
import { checkMessageBlocks } from '../../blocks/limits.js';

const line = (n: number, status: string, bucket: string, terminal: boolean): DigestLine => ({
  runId: `r${String(n)}`,
  workflowTitle: 'Scale a service',
  requesterId: 'U0ALICE',
  status,
  bucket,
  executionUrl: `https://app.harness.io/ng/account/acc/module/cd/orgs/default/projects/platform/pipelines/scale_service/executions/ex${String(n)}/pipeline`,
  terminal,
});

describe('the channel digest', () => {
  it('lists runs still going first, then those that ended, each with its state, link and requester', () => {
    const d = buildDigestCard([line(1, 'Success', 'succeeded', true), line(2, 'Running', 'running', false)]);
    expect(d.text).toBe('1 of 2 runs in this channel still going');
    const text = JSON.stringify(d.blocks);
    expect(text.indexOf('ex2')).toBeLessThan(text.indexOf('ex1'));
    expect(text).toContain(':white_check_mark: *<https://app.harness.io');
    expect(text).toContain('|Scale a service>* · Running · <@U0ALICE>');
    expect(checkMessageBlocks(d.blocks)).toEqual([]);
  });

  it('500 runs stay inside Slack’s limits for a message: those that do not fit are counted', () => {
    const lines = Array.from({ length: 500 }, (_, i) => line(i, 'Running', 'running', false));
    const d = buildDigestCard(lines);
    expect(checkMessageBlocks(d.blocks)).toEqual([]);
    expect(d.blocks.length).toBeLessThanOrEqual(50);
    const shown = (JSON.stringify(d.blocks).match(/Running · /g) ?? []).length;
    const counted = Number(/…and (\d+) more/.exec(JSON.stringify(d.blocks))?.[1] ?? 0);
    expect(shown + counted).toBe(500);
  });

  it('says so when every run is over', () => {
    expect(buildDigestCard([line(1, 'Failed', 'failed', true)]).text).toBe(
      'The run in this channel is over; its card shows its end.',
    );
  });
});
