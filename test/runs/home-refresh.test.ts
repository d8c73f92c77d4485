import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { HomeRefresh } from '../../src/runs/home-refresh.js';
import { RunEvents } from '../../src/runs/run-events.js';
import { runRecord } from '../helpers/fake-ports.js';

/** A publish that stays open until the test lets it finish. */
function gatedPublisher() {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const publish = (user: string) => {
    calls.push(user);
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const waitForCalls = async (n: number) => {
    while (calls.length < n) await new Promise((r) => setTimeout(r, 5));
  };
  return { calls, gates, publish, waitForCalls };
}

describe('App Home refreshes', () => {
  it('gathers the changes made while a publish is under way into one more publish', async () => {
    const p = gatedPublisher();
    const home = new HomeRefresh({ publish: p.publish, logger: createLogger('silent'), perUserGapMs: 0 });
    home.request('U1');
    await p.waitForCalls(1);
    for (let i = 0; i < 5; i++) home.request('U1');
    p.gates[0]?.();
    await p.waitForCalls(2);
    p.gates[1]?.();
    await new Promise((r) => setTimeout(r, 30));
    expect(p.calls).toEqual(['U1', 'U1']);
    home.close();
  });

  it('refreshes the requester on their run’s events, and Home visitors on approvals', async () => {
    const p = gatedPublisher();
    const events = new RunEvents(createLogger('silent'));
    const home = new HomeRefresh({
      publish: p.publish,
      logger: createLogger('silent'),
      perUserGapMs: 0,
    }).watch(events);
    home.visited('U0BOB');
    const run = runRecord({ requesterId: 'U0ALICE' });
    await events.emit('run.requested', { run, at: 1 });
    await p.waitForCalls(1);
    expect(p.calls).toEqual(['U0ALICE']);
    p.gates[0]?.();
    const approval = {} as Parameters<typeof events.emit<'run.approval_waiting'>>[1]['approval'];
    await events.emit('run.approval_waiting', { run, approval, stepName: 'Approve', at: 2 });
    await p.waitForCalls(3);
    expect(p.calls.slice(1).sort()).toEqual(['U0ALICE', 'U0BOB']);
    for (const g of p.gates) g();
    home.close();
  });

  it('publishes nothing once closed', async () => {
    const p = gatedPublisher();
    const home = new HomeRefresh({ publish: p.publish, logger: createLogger('silent'), perUserGapMs: 10 });
    home.request('U1');
    home.close();
    home.request('U2');
    await new Promise((r) => setTimeout(r, 40));
    expect(p.calls).toEqual([]);
  });
});
