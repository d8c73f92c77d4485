/**
 * The page's calls to its server, one at a time in the order the person acted (a field's change
 * reaches Slack before the submit click that followed it), and the change feed.
 */
import type { PageState } from './page-state.js';

let queue: Promise<unknown> = Promise.resolve();

export function act<T = Record<string, unknown>>(path: string, body: Record<string, unknown>): Promise<T> {
  const next = queue.then(async () => {
    const r = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = (await r.json()) as T & { error?: string };
    if (!r.ok) throw new Error(data.error ?? `HTTP ${String(r.status)}`);
    return data;
  });
  queue = next.catch(() => undefined);
  return next;
}

export async function loadState(user: string): Promise<PageState> {
  const r = await fetch(`/api/state?user=${encodeURIComponent(user)}`);
  return (await r.json()) as PageState;
}

/** Server-sent events: one message per change the bot made (or the simulator moved). */
export function onChanges(listener: () => void): void {
  const source = new EventSource('/api/events');
  source.onmessage = () => {
    listener();
  };
}
