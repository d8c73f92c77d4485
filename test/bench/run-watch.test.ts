import { describe, expect, it } from 'vitest';
import { RunWatch, boundLags } from '../../bench/run-watch.js';
import type { EmulatedMessage } from '../../src/sandbox/slack/state.js';

const A = 'AAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBBB';
const APPROVAL = 'CCCCCCCCCCCCCCCCCCCCCC';

function message(ts: string, text: string, lines: string[], threadTs?: string): EmulatedMessage {
  const blocks = lines.map((l) => ({ type: 'section', text: { type: 'mrkdwn', text: l } }));
  return { ts, threadTs, user: 'U0BOT', text, blocks, history: [{ text, blocks }] };
}

function harness(ended: Record<string, string>) {
  return {
    executions: new Map([
      [A, { status: ended[A] ?? 'Running', endTs: ended[A] === undefined ? undefined : 1000 }],
      [B, { status: ended[B] ?? 'Running', endTs: ended[B] === undefined ? undefined : 1000 }],
    ]),
    approvals: new Map([[APPROVAL, {}]]),
  };
}

describe('what the benchmark counts as a final state shown', () => {
  it('a run card counts by its headline, not by a step line that says Succeeded', () => {
    const watch = new RunWatch(harness({ [A]: 'Success' }), ['U0BOB']);
    const card = (text: string) =>
      message('1.1', text, [':white_check_mark: Approve scale · Succeeded', `Harness execution \`${A}\``]);
    watch.seen(card('Scale a service: Running'), 2000, true);
    expect(watch.finals.has(A)).toBe(false);
    watch.seen(card('Scale a service: Succeeded'), 3000, true);
    expect(watch.finals.get(A)).toEqual({ at: 3000, ts: '1.1', byEdit: true });
  });

  it('in a message of several runs, only the line of the run counts', () => {
    const watch = new RunWatch(harness({ [A]: 'Success', [B]: 'Failed' }), ['U0BOB']);
    watch.seen(message('1.2', '2 runs', [`\`${A}\` Succeeded\n\`${B}\` Running`]), 2000, true);
    expect([...watch.finals.keys()]).toEqual([A]);
  });

  it('a thread reply does not count as the channel showing it; an approval card counts with its approvers mentioned', () => {
    const watch = new RunWatch(harness({ [A]: 'Success' }), ['U0BOB']);
    watch.seen(message('1.3', 'Scale a service: Succeeded', [`\`${A}\``], '1.1'), 2000, false);
    expect(watch.finals.size).toBe(0);
    watch.seen(message('1.4', 'Approval needed', [`Approve \`${APPROVAL}\``], '1.1'), 2500, false);
    expect(watch.approvalCards.size).toBe(0);
    watch.seen(
      message('1.5', 'Approval needed', [`Approve \`${APPROVAL}\``, '<@U0BOB>'], '1.1'),
      2600,
      false,
    );
    expect(watch.approvalCards.get(APPROVAL)).toBe(2600);
  });
});

describe('the bound Slack’s edit budget puts on final-state lag', () => {
  it('runs ending together: the k-th card edit lands (k-1) gaps after the burst', () => {
    const seen = (ts: string) => ({ at: 0, ts, byEdit: true });
    const bounds = boundLags(
      [
        { id: 'r1', end: 10_000, seen: seen('1') },
        { id: 'r2', end: 10_000, seen: seen('2') },
        { id: 'r3', end: 10_000, seen: seen('3') },
      ],
      60,
    );
    expect([...bounds.values()].sort((a, b) => a - b)).toEqual([0, 1000, 2000]);
  });

  it('a run ending after the queue drained waits for nobody; a card posted final needs no edit; one message for several runs needs one edit', () => {
    const bounds = boundLags(
      [
        { id: 'r1', end: 0, seen: { at: 0, ts: '1', byEdit: true } },
        { id: 'r2', end: 5000, seen: { at: 0, ts: '2', byEdit: true } },
        { id: 'r3', end: 0, seen: { at: 0, ts: '3', byEdit: false } },
        { id: 'r4', end: 100, seen: { at: 0, ts: '4', byEdit: true } },
        { id: 'r5', end: 200, seen: { at: 0, ts: '4', byEdit: true } },
      ],
      60,
    );
    expect(Object.fromEntries(bounds)).toEqual({ r1: 0, r2: 0, r3: 0, r4: 900, r5: 800 });
  });
});
