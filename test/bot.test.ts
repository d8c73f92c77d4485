import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listeningUrl } from '../src/bot.js';

describe('listeningUrl', () => {
  it('reads the port of the HTTP server Bolt returns in HTTP mode', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    expect(listeningUrl(server)).toBe(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}`);
    await new Promise((r) => server.close(r));
  });

  it('does not crash on what Socket Mode returns (a connection, not a server)', () => {
    expect(listeningUrl({ ok: true, url: 'wss://wss-primary.slack.com/link' })).toBe('');
    expect(listeningUrl(undefined)).toBe('');
  });
});
