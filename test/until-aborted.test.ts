import { describe, expect, it } from 'vitest';
import { untilAborted } from '../src/until-aborted.js';

describe('untilAborted', () => {
  it('settles with the work when it ends first', async () => {
    const signal = AbortSignal.timeout(1_000);
    await expect(untilAborted(Promise.resolve('done'), signal, () => 'late')).resolves.toBe('done');
    await expect(untilAborted(Promise.reject(new Error('boom')), signal, () => 'late')).rejects.toThrow(
      'boom',
    );
  });

  it('gives the late answer when the signal aborts first, and the work sees the abort', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const work = new Promise<string>((_, reject) => {
      controller.signal.addEventListener('abort', () => {
        sawAbort = true;
        reject(new Error('cancelled'));
      });
    });
    const answer = untilAborted(work, controller.signal, () => 'late');
    controller.abort();
    await expect(answer).resolves.toBe('late');
    expect(sawAbort).toBe(true);
  });

  it('answers late at once for a signal already aborted', async () => {
    await expect(
      untilAborted(new Promise<string>(() => undefined), AbortSignal.abort(), () => 'late'),
    ).resolves.toBe('late');
  });

  it('with AbortSignal.timeout, stops waiting after the time', async () => {
    const started = Date.now();
    await expect(
      untilAborted(new Promise<string>(() => undefined), AbortSignal.timeout(50), () => 'late'),
    ).resolves.toBe('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});
