import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValues } from '../helpers/catalogue.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  // The approver key belongs to Carol, a principal in every approver group of the seed.
  s = await startStack({ transport: 'socket', approverKey: 'sim-key-carol' });
});
afterAll(async () => {
  await s.stop();
});

const help = () => s.slack.command({ command: '/idp', text: 'help', user: 'U0ALICE', channel: 'C0OPS' });
const opens = () => s.slack.calls.filter((c) => c.method === 'apps.connections.open' && c.ok).length;

/** Alice runs /scale to its approval card; returns the card's and the approval card's ts. */
async function scaleToApproval(): Promise<{ cardTs: string; approvalTs: string }> {
  const wf = s.catalogue.workflows.get('scale_service');
  if (wf === undefined) throw new Error('scale_service');
  const before = s.slack.messages('C0OPS').length;
  const known = new Set(s.slack.openViews('U0ALICE').map((v) => v.id));
  expect(await s.slack.command({ command: '/scale', user: 'U0ALICE', channel: 'C0OPS' })).toMatchObject({
    status: 200,
  });
  const [view] = await eventually(
    () => s.slack.openViews('U0ALICE').filter((v) => !known.has(v.id)),
    (v) => v.length === 1,
  );
  const values = await sampleValues('scale_service');
  for (const page of wf.pages)
    await s.slack.submitView(view?.id ?? '', 'U0ALICE', answersFor(wf, page.index, values));
  const cardTs =
    (
      await eventually(
        () => s.slack.messages('C0OPS'),
        (m) => m.length > before,
      )
    )[before]?.ts ?? '';
  const approval = await eventually(
    () => s.slack.replies('C0OPS', cardTs).find((m) => textOf(m).includes('Approval needed')),
    (m) => m !== undefined,
  );
  return { cardTs, approvalTs: approval?.ts ?? '' };
}

const socket = () => s.slack.socketMode;

describe('Socket Mode', () => {
  it('connects to the Slack it is pointed at (SLACK_API_URL) with the app-level token, and answers a command', async () => {
    // Two connections: one serves while the other is refreshed.
    expect(opens()).toBe(2);
    expect(socket().connectionCount).toBe(2);
    const reply = await help();
    expect(reply).toMatchObject({ status: 200 });
    // The help comes back in the acknowledgement's payload, as over HTTP in the response body.
    expect(JSON.stringify(reply.body)).toContain('/idp run <workflow>');
  });

  it.each(['warning', 'refresh_requested'] as const)(
    'while Slack refreshes a connection ("%s"), commands are answered, and the bot reconnects',
    async (reason) => {
      const before = opens();
      const [refreshed] = socket().connectionIds;
      socket().sendDisconnect(reason, refreshed);
      await socket().whenConnections((n) => n === 1);
      const during = await Promise.all([help(), help(), help()]);
      expect(during.map((r) => r.status)).toEqual([200, 200, 200]);
      await eventually(opens, (n) => n === before + 1);
      await socket().whenConnections((n) => n === 2);
      expect(await help()).toMatchObject({ status: 200 });
    },
  );

  it('with two replicas connected, each command is answered once, by one of their connections', async () => {
    const replica = await s.startReplica();
    try {
      await socket().whenConnections((n) => n === 4);
      const from = socket().deliveries.length;
      const replies = await Promise.all([help(), help(), help(), help()]);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const sent = socket().deliveries.slice(from);
      expect(sent).toHaveLength(4);
      expect(new Set(sent.map((d) => d.envelopeId)).size).toBe(4);
      expect(new Set(sent.map((d) => d.connection)).size).toBe(4);
    } finally {
      await replica.stop();
      await socket().whenConnections((n) => n === 2);
    }
  });

  it('connections dropped mid-run lose nothing: clicks go on over the other, events sent meanwhile arrive once, the run ends', async () => {
    const { cardTs, approvalTs } = await scaleToApproval();
    const publishes = () =>
      s.slack.calls.filter((c) => c.method === 'views.publish' && c.args.user_id === 'U0DAVE');
    // One connection drops: the other takes the click at once (Dave, not an approver, is told why).
    socket().drop(socket().connectionIds[0]);
    await socket().whenConnections((n) => n === 1);
    expect(
      await s.slack.clickMessageButton('C0OPS', approvalTs, 'U0DAVE', 'idp_approval_approve'),
    ).toMatchObject({ status: 200 });
    await eventually(
      () => s.slack.ephemeralsFor('U0DAVE'),
      (e) => e.length === 1,
    );
    await socket().whenConnections((n) => n === 2);

    // Both drop: Slack keeps the event and retries it; a click cannot be dispatched (as in Slack).
    const before = opens();
    socket().drop();
    await socket().whenConnections((n) => n === 0);
    const homeOpened = s.slack.event({
      type: 'app_home_opened',
      user: 'U0DAVE',
      channel: 'D0DAVE',
      tab: 'home',
    });
    expect(
      await s.slack.clickMessageButton('C0OPS', approvalTs, 'U0BOB', 'idp_approval_approve'),
    ).toMatchObject({
      error: 'dispatch_failed',
    });
    expect(await homeOpened).toMatchObject({ status: 200 });
    expect(opens()).toBeGreaterThan(before);
    await eventually(publishes, (p) => p.length === 1);
    const events = socket().deliveries.filter((d) => d.type === 'events_api');
    expect(events.filter((d) => d.acked)).toHaveLength(1);

    // Bob clicks again once the bot is back; the run goes on to the end.
    expect(
      await s.slack.clickMessageButton('C0OPS', approvalTs, 'U0BOB', 'idp_approval_approve'),
    ).toMatchObject({
      status: 200,
    });
    await eventually(
      () => textOf(s.slack.channel('C0OPS').messages.find((m) => m.ts === cardTs)),
      (t) => t.includes('· Succeeded\nRequested'),
    );
    // The retried app_home_opened was handled once (a later publish is Dave's Home refreshed
    // because the approval he looked at was decided, not the event again).
    expect(socket().deliveries.filter((d) => d.type === 'events_api' && d.acked)).toHaveLength(1);
  });
});
