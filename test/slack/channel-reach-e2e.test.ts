import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForm } from '../helpers/runs.js';
import { SCALE_ANSWERS } from '../helpers/seed.js';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

const responseText = (i: number) => JSON.stringify(s.slack.responses[i]?.body ?? {});
const runsNow = () => s.sim.engine.executions.size;

describe('a slash command from a conversation the bot cannot post in', () => {
  it.each([
    ['a private channel it was not invited to', 'G0INCIDENT', '/invite <@U0BOT>'],
    ['a DM between two people', 'D1ALICEBOB', 'a channel where the bot is'],
    ['a group DM', 'G0TRIO', 'a channel where the bot is'],
  ])('from %s: says so at once, with the fix, and opens no form', async (_what, channel, fix) => {
    const before = s.slack.responses.length;
    const views = s.slack.openViews('U0ALICE').length;
    await s.slack.command({ command: '/scale', user: 'U0ALICE', channel });
    await eventually(
      () => s.slack.responses.length,
      (n) => n > before,
    );
    expect(responseText(before)).toContain('cannot post in this conversation');
    expect(responseText(before)).toContain(fix);
    expect(s.slack.openViews('U0ALICE')).toHaveLength(views);
  });

  it('offers to follow the run in a DM with the requester; the run then lives there', async () => {
    const before = s.slack.responses.length;
    const started = runsNow();
    await s.slack.command({ command: '/scale', user: 'U0ALICE', channel: 'G0INCIDENT' });
    await eventually(
      () => s.slack.responses.length,
      (n) => n > before,
    );
    const views = new Set(s.slack.openViews('U0ALICE').map((v) => v.id));
    await s.slack.clickResponseButton(before, 'U0ALICE', 'idp_follow_in_dm');
    const [view] = await eventually(
      () => s.slack.openViews('U0ALICE').filter((v) => !views.has(v.id)),
      (v) => v.length === 1,
    );
    const dmBefore = s.slack.messages('D0ALICE').length;
    await s.slack.submitView(view?.id ?? '', 'U0ALICE', SCALE_ANSWERS);
    const [card] = await eventually(
      () => s.slack.messages('D0ALICE').slice(dmBefore),
      (m) => m.some((x) => textOf(x).includes('Scale a service')),
    );
    await eventually(runsNow, (n) => n === started + 1);
    await eventually(
      () => textOf(s.slack.channel('D0ALICE').messages.find((m) => m.ts === card?.ts)),
      (t) => t.includes('Harness'),
    );
  });

  it('a public channel it is not in works (chat:write.public): the form opens', async () => {
    await openForm(s, { channel: 'C0DEV' });
  });

  it('never starts a pipeline whose status card cannot be shown', async () => {
    const view = await openForm(s, { channel: 'C0DEV' });
    s.slack.channel('C0DEV').archived = true;
    const started = runsNow();
    const dm = s.slack.messages('D0ALICE').length;
    try {
      await s.slack.submitView(view, 'U0ALICE', SCALE_ANSWERS);
      const told = await eventually(
        () => s.slack.messages('D0ALICE').slice(dm).map(textOf).join('\n'),
        (t) => t.includes('was not started'),
      );
      expect(told).toContain('<#C0DEV>');
      expect(runsNow()).toBe(started);
    } finally {
      s.slack.channel('C0DEV').archived = false;
    }
  });
});
