import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../src/harness/simulator/seed.js';
import type { HarnessSimulator } from '../../src/harness/simulator/server.js';
import { createLogger } from '../../src/logger.js';
import { ApproverMentions, MAX_LOOKUPS_PER_CARD, MAX_MENTIONS } from '../../src/runs/approver-mentions.js';
import { SlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { DEFAULT_USERS } from '../../src/sandbox/slack/state.js';
import { createBackgroundClient, createSlackPort } from '../../src/slack/slack-client.js';
import { SlackScheduler } from '../../src/slack/slack-scheduler.js';
import { clientFor, simulator } from '../helpers/harness.js';

// A hundred-person approver group: 40 of them in Slack, the rest not.
const people = Array.from({ length: 100 }, (_, i) => ({
  uuid: `u-p${String(i)}`,
  name: `Person ${String(i)}`,
  email: `p${String(i)}@${i % 5 < 2 ? 'example.com' : 'elsewhere.example'}`,
  apiKeys: [],
}));

let sim: HarnessSimulator;
let emu: SlackEmulator;
beforeAll(async () => {
  sim = await simulator({
    seed: {
      ...DEFAULT_SEED,
      users: [...DEFAULT_SEED.users, ...people],
      userGroups: [
        ...DEFAULT_SEED.userGroups,
        { ref: 'account.everyone', name: 'Everyone', users: people.map((p) => p.uuid) },
      ],
    },
  });
  emu = await SlackEmulator.start({
    signingSecret: 's',
    botToken: 'xoxb-t',
    users: [
      ...DEFAULT_USERS,
      ...people
        .filter((p) => p.email.endsWith('@example.com'))
        .map((p) => ({
          id: `U${p.uuid.slice(2).toUpperCase()}`,
          name: p.uuid,
          realName: p.name,
          email: p.email,
          tz: 'UTC',
        })),
    ],
  });
});
afterAll(async () => {
  await sim.close();
  await emu.close();
});

function mentions(now: () => number) {
  const logger = createLogger('silent');
  const c = createBackgroundClient('xoxb-t', emu.apiUrl, { retries: 0 });
  const slack = createSlackPort(c, c, new SlackScheduler({ logger, scale: 100 }));
  return new ApproverMentions(slack, clientFor(sim), logger, { ttlMs: 60_000, now });
}
const lookups = () => emu.calls.filter((c) => c.method === 'users.lookupByEmail').length;
const run = { orgId: 'default', projectId: 'platform', requesterId: 'U0ALICE' };

describe('approver mentions', () => {
  it('a hundred approvers cost a capped number of lookups, and mention at most ten', async () => {
    const m = mentions(Date.now);
    const before = lookups();
    const ids = await m.forApproval({ id: 'a1', userGroups: ['account.everyone'] }, run);
    expect(ids.length).toBeLessThanOrEqual(MAX_MENTIONS);
    expect(ids.length).toBeGreaterThan(0);
    expect(lookups() - before).toBeLessThanOrEqual(MAX_LOOKUPS_PER_CARD);

    // The same card again (its reminder): no lookups.
    const after = lookups();
    expect(await m.forApproval({ id: 'a1', userGroups: ['account.everyone'] }, run)).toEqual(ids);
    expect(lookups()).toBe(after);
  });

  it('another card for the same people costs no lookups until the answers expire', async () => {
    let t = 1_000_000;
    const m = mentions(() => t);
    const sre = (id: string) => m.forApproval({ id, userGroups: ['account.sre_oncall'] }, run);
    const before = lookups();
    expect(await sre('c1')).toEqual(['U0BOB', 'U0CAROL']);
    expect(lookups() - before).toBe(2);
    expect(await sre('c2')).toEqual(['U0BOB', 'U0CAROL']);
    expect(lookups() - before).toBe(2);
    // Past the time to live, people are looked up again (someone may have left Slack since).
    t += 61_000;
    await sre('c3');
    expect(lookups() - before).toBe(4);
  });

  it('never mentions the person who asked', async () => {
    const m = mentions(Date.now);
    const ids = await m.forApproval({ id: 'b1', userGroups: ['account.platform_team'] }, run);
    expect(ids).toEqual(['U0CAROL']);
  });
});
