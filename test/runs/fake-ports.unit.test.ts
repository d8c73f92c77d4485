import { describe, expect, it } from 'vitest';
import { classifySlackError } from '../../src/ports/slack-errors.js';
import { FakeSlack, slackErrors } from '../helpers/fake-ports.js';

/** The fakes the unit tests lean on say what they claim: errors shaped and classified as Slack's. */
describe('fake ports', () => {
  it('Slack failures are built as @slack/web-api throws them, and classified accordingly', () => {
    const archived = slackErrors.platform('is_archived');
    expect(archived).toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'is_archived' },
    });
    expect(classifySlackError(archived)).toEqual({ kind: 'permanent', error: 'is_archived' });
    expect(classifySlackError(slackErrors.platform('internal_error'))).toMatchObject({ kind: 'transient' });
    expect(slackErrors.rateLimited(3)).toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 3,
    });
    expect(classifySlackError(slackErrors.rateLimited(3))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(classifySlackError(slackErrors.http(503))).toMatchObject({ kind: 'transient' });
    expect(classifySlackError(slackErrors.network())).toMatchObject({ kind: 'transient' });
  });

  it('a held call waits for its release; scripted failures are used once, in order', async () => {
    const slack = new FakeSlack();
    slack.fail('postMessage', slackErrors.platform('channel_not_found'), { when: (a) => a[0] === 'C0GONE' });
    const gate = slack.hold('postMessage');
    let landed = false;
    const held = slack.postMessage('C0OPS', { text: 'x', blocks: [] }).then(() => (landed = true));
    await expect(gate.reached).resolves.toEqual(['C0OPS', { text: 'x', blocks: [] }, undefined, undefined]);
    expect(landed).toBe(false);
    await expect(slack.postMessage('C0GONE', { text: 'y', blocks: [] })).rejects.toThrow();
    gate.release();
    await held;
    await expect(slack.postMessage('C0GONE', { text: 'y', blocks: [] })).resolves.toMatchObject({
      channel: 'C0GONE',
    });
    expect(slack.in('C0OPS')).toHaveLength(1);
    await expect(slack.updateMessage('C0OPS', '1.0', { text: 'z', blocks: [] })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });
});
