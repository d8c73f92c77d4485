import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { errorMessage } from '../../errors.js';
import type { HarnessSimulator } from '../../harness/simulator/server.js';
import { isRecord } from '../../is-record.js';
import type { SlackEmulator } from '../slack/emulator.js';
import type { Answer } from '../slack/form-state.js';
import { clickHomeButton } from '../slack/home-tab.js';
import type { PageCommand, PageState } from './client/page-state.js';
import { harnessPanel, snapshotFor } from './snapshot.js';

export interface SandboxWebOptions {
  slack: SlackEmulator;
  /** The simulated Harness, when that side is simulated: the page then shows its panel. */
  sim: HarnessSimulator | undefined;
  port: number;
  /** One line for the page's header: which mode runs. */
  mode: string;
}

export interface SandboxWeb {
  url: string;
  close(): Promise<void>;
}

// The repository, from src/sandbox/web (tests) or dist/src/sandbox/web (npm start).
const ROOT = new URL(import.meta.url.includes('/dist/src/') ? '../../../../' : '../../../', import.meta.url);
const STATIC = new URL('src/sandbox/web/static/', ROOT);
const CLIENT = new URL('dist/src/sandbox/web/client/', ROOT);
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/**
 * The sandbox as a web page: a small Slack client of the emulator. Every command, click and
 * submit is one of the emulator's person actions (`emulator.ts`), so the bot receives the signed
 * payload Slack would send, with Slack's rules; the page shows only what the bot sent.
 */
export async function startSandboxWeb(o: SandboxWebOptions): Promise<SandboxWeb> {
  const commands = await loadCommands();
  const armed = new Set<string>();
  const feeds = new Set<ServerResponse>();
  let version = 0;
  let pending: NodeJS.Timeout | undefined;
  const notify = () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      version++;
      for (const res of feeds) res.write(`data: ${String(version)}\n\n`);
    }, 30);
  };
  const unsubscribe = o.slack.onChange(notify);
  // The simulator has no change hook: the panel's feed ticks while runs move.
  let lastHarness = '';
  const harnessTimer = setInterval(() => {
    if (o.sim === undefined || feeds.size === 0) return;
    const now = JSON.stringify(harnessPanel(o.sim, armed));
    if (now !== lastHarness) notify();
    lastHarness = now;
  }, 400);

  const acks: { user: string; channel: string; body: Record<string, unknown> }[] = [];
  const firstSeen = new Map<string, number>();
  const orderOf = (key: string): number => {
    const known = firstSeen.get(key);
    if (known !== undefined) return known;
    firstSeen.set(key, firstSeen.size);
    return firstSeen.size - 1;
  };
  const state = (user: string): PageState => ({
    ...snapshotFor(o.slack, user, { commands, mode: o.mode, acks, orderOf }),
    harness: o.sim === undefined ? undefined : harnessPanel(o.sim, armed),
  });

  const act = async (path: string, body: Record<string, unknown>): Promise<unknown> => {
    const s = o.slack;
    const user = str(body.user);
    if (!s.ws.users.some((u) => u.id === user)) throw new HttpError(400, `no person ${user}`);
    switch (path) {
      case '/api/command': {
        const line = str(body.text).trim();
        const [command = '', ...rest] = line.split(/\s+/);
        const channel = str(body.channel);
        const r = await s.command({ command, text: rest.join(' '), user, channel });
        // An acknowledgement with a message: Slack shows it to the person who typed the command
        // (https://api.slack.com/interactivity/slash-commands#responding_immediate_response).
        if (isRecord(r.body) && (typeof r.body.text === 'string' || Array.isArray(r.body.blocks))) {
          acks.push({ user, channel, body: r.body });
          notify();
        }
        return { status: r.status, error: r.error };
      }
      case '/api/view/enter':
        await s.fill(str(body.viewId), user, { [str(body.blockId)]: body.answer as Answer });
        return { ok: true };
      case '/api/view/suggest':
        return (await s.suggest(str(body.viewId), user, str(body.blockId), str(body.typed))).body;
      case '/api/view/entered':
        // What the person's Slack client holds in the form (their own entries, nothing from the app).
        return s.view(str(body.viewId)).input;
      case '/api/view/submit':
        return (await s.submitView(str(body.viewId), user)).body;
      case '/api/view/button':
        return (await s.viewButton(str(body.viewId), user, str(body.actionId))).body;
      case '/api/view/close':
        await s.closeView(str(body.viewId), user);
        return { ok: true };
      case '/api/message/click':
        return (await s.clickMessageButton(str(body.channel), str(body.ts), user, str(body.actionId))).body;
      case '/api/response/click':
        return (await s.clickResponseButton(Number(body.response), user, str(body.actionId))).body;
      case '/api/home':
        // Opening the App Home tab: https://api.slack.com/events/app_home_opened.
        return (
          await s.event({
            type: 'app_home_opened',
            user,
            channel: `D${user.slice(1)}`,
            tab: 'home',
            event_ts: s.ws.nextTs(),
          })
        ).body;
      case '/api/home/click':
        // A button on the person's Home: the emulator sends the block_actions Slack would.
        return (await clickHomeButton(s, user, str(body.actionId), str(body.value) || undefined)).body;
      default:
        throw new HttpError(404, 'not found');
    }
  };

  const harness = async (path: string, body: Record<string, unknown>): Promise<unknown> => {
    if (o.sim === undefined) throw new HttpError(404, 'Harness is not simulated in this mode');
    // The simulator's own fault endpoints (src/harness/simulator/server.ts `control`).
    const endpoint = path === '/api/harness/fail-step' ? '/_sim/fail-step' : '/_sim/expire';
    const payload =
      path === '/api/harness/fail-step'
        ? { stepId: str(body.stepId), message: 'Failed from the sandbox page' }
        : { approvalId: str(body.approvalId) };
    const r = await fetch(`${o.sim.url}${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (path === '/api/harness/fail-step' && r.ok) armed.add(str(body.stepId));
    notify();
    return { ok: r.ok };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: errorMessage(err) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const p = url.pathname;
    if (req.method === 'GET' && p === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`data: ${String(version)}\n\n`);
      feeds.add(res);
      req.on('close', () => feeds.delete(res));
      return;
    }
    if (req.method === 'GET' && p === '/api/state') {
      json(res, state(url.searchParams.get('user') ?? 'U0ALICE'));
      return;
    }
    if (req.method === 'POST' && p.startsWith('/api/')) {
      const raw = await text(req);
      const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
      const body = isRecord(parsed) ? parsed : {};
      json(res, p.startsWith('/api/harness/') ? await harness(p, body) : await act(p, body));
      return;
    }
    if (req.method === 'GET') {
      await serveFile(res, p);
      return;
    }
    throw new HttpError(405, 'method not allowed');
  }

  await new Promise<void>((resolve) => server.listen(o.port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    url,
    close: async () => {
      unsubscribe();
      clearInterval(harnessTimer);
      clearTimeout(pending);
      for (const res of feeds) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body ?? {}));
}

async function serveFile(res: ServerResponse, p: string): Promise<void> {
  const name = p === '/' ? 'index.html' : p.slice(1);
  // Only plain names below the two folders: no `..`, no hidden files.
  if (!/^(client\/)?[a-z][a-z0-9-]*\.(html|css|js)$/.test(name)) throw new HttpError(404, 'not found');
  const file = name.startsWith('client/')
    ? new URL(name.slice('client/'.length), CLIENT)
    : new URL(name, STATIC);
  let body: Buffer;
  try {
    body = await readFile(fileURLToPath(file));
  } catch {
    throw new HttpError(
      404,
      name.startsWith('client/') ? `${name} is not built: run npm run build` : 'not found',
    );
  }
  res.writeHead(200, {
    'content-type': TYPES[name.split('.').pop() ?? ''] ?? 'text/plain',
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** The slash commands as Slack lists them: the app manifest's, with their usage hints. */
async function loadCommands(): Promise<PageCommand[]> {
  const manifest: unknown = parse(await readFile(fileURLToPath(new URL('slack-app.yaml', ROOT)), 'utf8'));
  const features = isRecord(manifest) && isRecord(manifest.features) ? manifest.features : {};
  const list = Array.isArray(features.slash_commands) ? features.slash_commands : [];
  return list.filter(isRecord).map((c) => ({
    command: str(c.command),
    description: str(c.description),
    usageHint: str(c.usage_hint),
  }));
}
