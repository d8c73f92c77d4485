import { describe, expect, it } from 'vitest';
import { createBotMetrics } from '../../src/metrics/registry.js';
import { countingFetch } from '../../src/metrics/slack-fetch.js';
import { sample } from '../helpers/metrics-text.js';

const API = 'http://127.0.0.1:9/api/';

describe('countingFetch', () => {
  it('counts by method: ok, Slack errors (HTTP 200, ok:false), 429s, and calls that never got an answer', async () => {
    const metrics = createBotMetrics();
    const answers: (() => Response)[] = [
      () => Response.json({ ok: true, ts: '1.2' }),
      () => Response.json({ ok: false, error: 'channel_not_found' }),
      () => new Response('', { status: 429, headers: { 'Retry-After': '1' } }),
    ];
    const fetch = countingFetch(metrics.slack, () => {
      const next = answers.shift();
      return next === undefined ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve(next());
    });
    const first = await fetch(`${API}chat.postMessage`, { method: 'POST' });
    // The caller still reads the body it was given.
    expect(await first.json()).toEqual({ ok: true, ts: '1.2' });
    await fetch(new URL(`${API}chat.postMessage`), { method: 'POST' });
    await fetch(`${API}chat.update`, { method: 'POST' });
    await expect(fetch(`${API}chat.update`, { method: 'POST' })).rejects.toThrow('fetch failed');
    const text = await metrics.text();
    expect(sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(
      1,
    );
    expect(
      sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.postMessage', outcome: 'error' }),
    ).toBe(1);
    expect(
      sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.update', outcome: 'rate_limited' }),
    ).toBe(1);
    expect(sample(text, 'idp_chatops_slack_calls_total', { method: 'chat.update', outcome: 'failed' })).toBe(
      1,
    );
    expect(sample(text, 'idp_chatops_slack_rate_limited_total', { method: 'chat.update' })).toBe(1);
  });

  it('lets other requests (a response_url) through uncounted', async () => {
    const metrics = createBotMetrics();
    const fetch = countingFetch(metrics.slack, () => Promise.resolve(new Response('ok')));
    await fetch('http://127.0.0.1:9/commands/T0001/123/abc', { method: 'POST' });
    expect(await metrics.text()).not.toContain('idp_chatops_slack_calls_total{');
  });
});
