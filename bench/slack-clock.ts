import type { ApiCall, SlackEmulator } from '../src/sandbox/slack/emulator.js';
import type { EmulatedMessage } from '../src/sandbox/slack/state.js';

/** One Web API call as the emulator answered it, with the time its answer (and effect) was made. */
export interface TimedCall {
  call: ApiCall;
  at: number;
}

/**
 * The emulator's own record of Slack, timed: every call it answers is stamped when it is recorded,
 * which is after Slack's state (the channel's messages) changed and before the bot hears the answer
 * (`SlackEmulator.reply` records, then answers). `onMessage` sees each message just posted or
 * edited, at that moment: what the channel shows from then on.
 */
export class SlackClock {
  readonly timed: TimedCall[] = [];
  private readonly listeners = new Set<(t: TimedCall) => void>();

  constructor(
    private readonly slack: SlackEmulator,
    private readonly onMessage: (message: EmulatedMessage, at: number, method: string) => void,
  ) {
    const calls = slack.calls;
    const push = calls.push.bind(calls);
    calls.push = (...items: ApiCall[]): number => {
      const at = Date.now();
      const n = push(...items);
      for (const call of items) {
        const t = { call, at };
        this.timed.push(t);
        for (const l of this.listeners) l(t);
        if (call.ok) this.touched(call, at);
      }
      return n;
    };
  }

  /** Resolves with the first call from now on that `match` accepts (the caller bounds the wait). */
  next(match: (call: ApiCall) => boolean, signal: AbortSignal): Promise<TimedCall | undefined> {
    return new Promise((resolve) => {
      const done = (t: TimedCall | undefined): void => {
        this.listeners.delete(listener);
        signal.removeEventListener('abort', aborted);
        resolve(t);
      };
      const listener = (t: TimedCall): void => {
        if (match(t.call)) done(t);
      };
      const aborted = (): void => {
        done(undefined);
      };
      this.listeners.add(listener);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Calls of `method` answered since `from` (ms), by outcome. */
  count(method: string | undefined, from = 0): { ok: number; limited: number; all: number } {
    let ok = 0;
    let limited = 0;
    let all = 0;
    for (const t of this.timed) {
      if (t.at < from || (method !== undefined && t.call.method !== method)) continue;
      all++;
      if (t.call.status === 429) limited++;
      else if (t.call.ok) ok++;
    }
    return { ok, limited, all };
  }

  private touched(call: ApiCall, at: number): void {
    const channelId = typeof call.args.channel === 'string' ? call.args.channel : undefined;
    if (channelId === undefined) return;
    const channel = this.slack.ws.channels.get(channelId);
    if (channel === undefined) return;
    if (call.method === 'chat.postMessage') {
      // Recorded right after it was appended: the channel's newest message is this one.
      const m = channel.messages[channel.messages.length - 1];
      if (m !== undefined) this.onMessage(m, at, call.method);
    } else if (call.method === 'chat.update') {
      const m = channel.messages.find((x) => x.ts === call.args.ts);
      if (m !== undefined) this.onMessage(m, at, call.method);
    }
  }
}

/** Every text a person reads in a message: its fallback text and each mrkdwn/plain text of its blocks. */
export function textsOf(message: EmulatedMessage): string[] {
  const out: string[] = [message.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(message.blocks);
  return out;
}
