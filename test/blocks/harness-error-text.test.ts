import { describe, expect, it } from 'vitest';
import { harnessFailed, runStartFailed } from '../../blocks/harness-error-text.js';

/** What the card and the requester read when Harness fails (blocks/harness-error-text.ts). */
describe('harness error text', () => {
  it('says how Harness failed, where, and what Harness said', () => {
    expect(harnessFailed('/pipeline/api/x', 500, 'Internal error', 'http')).toBe(
      'Harness answered HTTP 500 on /pipeline/api/x: Internal error',
    );
    expect(harnessFailed('/pipeline/api/x', undefined, undefined, 'timeout')).toBe(
      'Harness did not answer in time on /pipeline/api/x',
    );
    expect(harnessFailed('/pipeline/api/x', undefined, undefined, 'network')).toBe(
      'Harness could not be reached on /pipeline/api/x',
    );
    expect(harnessFailed('/pipeline/api/x', 200, undefined, 'malformed')).toBe(
      'Harness sent a response the bot cannot read (HTTP 200) on /pipeline/api/x',
    );
    expect(harnessFailed('/pipeline/api/x', undefined, undefined, 'malformed')).toBe(
      'Harness sent a response the bot cannot read on /pipeline/api/x',
    );
  });

  it('a failed start says whether the run may have started', () => {
    expect(runStartFailed('Harness answered HTTP 400 on /x', false)).toBe(
      'Harness answered HTTP 400 on /x. The run did not start.',
    );
    expect(runStartFailed('Harness did not answer in time on /x', true)).toBe(
      "Harness did not answer in time on /x. The run may have started: check the pipeline's executions in Harness before trying again.",
    );
  });
});
