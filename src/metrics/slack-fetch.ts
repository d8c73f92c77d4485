import type { SlackMetrics } from './registry.js';

type Fetch = typeof globalThis.fetch;

/** A Web API method name as the last segment of its URL (`…/api/chat.postMessage`). */
const METHOD = /\/([a-z]+(?:\.[a-zA-Z]+)+)$/;

/**
 * A fetch for Slack's WebClients (the `fetch` client option) that counts every call by method
 * and outcome. Counting on the wire sees what both clients send, each retry and each 429
 * included, whether the caller then waits (the scheduler) or the client retries (Bolt's).
 * Anything that is not a Web API method (Bolt posting to a `response_url`) passes uncounted.
 */
export function countingFetch(metrics: SlackMetrics, given?: Fetch): Fetch {
  return async (input, init) => {
    // Looked up per call, so a fetch replaced after start (nock in tests) is the one used.
    const base = given ?? globalThis.fetch;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = METHOD.exec(new URL(url).pathname)?.[1];
    if (method === undefined) return base(input, init);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let response: Response;
    try {
      response = await base(input, init);
    } catch (err) {
      metrics.call(method, 'failed', seconds());
      throw err;
    }
    metrics.call(method, await outcomeOf(response), seconds());
    return response;
  };
}

async function outcomeOf(response: Response): Promise<'ok' | 'error' | 'rate_limited'> {
  if (response.status === 429) return 'rate_limited';
  if (!response.ok) return 'error';
  // Slack answers its errors with HTTP 200 and `"ok": false`; a copy is read, the client reads the original.
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null && 'ok' in body && body.ok === true ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}
