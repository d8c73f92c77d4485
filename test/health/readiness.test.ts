import { describe, expect, it } from 'vitest';
import { createReadiness, slackAuthCheck } from '../../src/health/readiness.js';

describe('readiness', () => {
  it('is ready when every check passes, and names each one that fails, throws or hangs', async () => {
    const report = createReadiness(
      {
        store: () => Promise.resolve(true),
        catalogue: () => Promise.resolve(false),
        slack_auth: () => Promise.reject(new Error('invalid_auth')),
        hung: () => new Promise<boolean>(() => undefined),
      },
      100,
    );
    expect(await report()).toEqual({ ready: false, notReady: ['catalogue', 'slack_auth', 'hung'] });
    expect(await createReadiness({ store: () => Promise.resolve(true) })()).toEqual({
      ready: true,
      notReady: [],
    });
  });

  it('Slack auth: a failed auth.test is tried again by a later probe, no more often than retryMs', async () => {
    let clock = 0;
    let answers = ['invalid_auth', 'invalid_auth', 'ok'];
    let calls = 0;
    const failures: unknown[] = [];
    const auth = slackAuthCheck(
      () => {
        calls++;
        const a = answers[0];
        answers = answers.slice(1);
        return a === 'ok' ? Promise.resolve({ ok: true }) : Promise.reject(new Error(a));
      },
      (err) => failures.push(err),
      { now: () => clock, retryMs: 5000 },
    );
    await auth.start();
    expect(calls).toBe(1);
    expect(await auth.check()).toBe(false);
    expect(calls).toBe(1);
    clock = 5000;
    expect(await auth.check()).toBe(false);
    expect(calls).toBe(2);
    clock = 10_000;
    expect(await auth.check()).toBe(true);
    expect(calls).toBe(3);
    clock = 20_000;
    expect(await auth.check()).toBe(true);
    expect(calls).toBe(3);
    expect(failures).toHaveLength(2);
  });
});
