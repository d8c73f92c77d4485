/**
 * The local sandbox (`npm start` in local mode) on a database in a temporary folder, up to the
 * moment it prints the sandbox page's URL: what a headless browser opens (the README's
 * screenshot, `npm run screenshot`; the browser tests). A dev tool, run after `npm run build`
 * from the repository root (it reads manifests/).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadCatalogue } from '../../catalogue/load-catalogue.js';
import { createLogger } from '../../logger.js';
import { runLocalSandbox } from '../local.js';

export interface StartedSandbox {
  /** The sandbox page. */
  url: string;
  /** Quits the sandbox (as `quit` typed in its terminal) and removes its folder. */
  stop: () => Promise<void>;
}

/** Starts the sandbox with the shipped catalogue; `speed` is the simulated Harness's. */
export async function startSandbox(speed: number, waitMs = 30_000): Promise<StartedSandbox> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-sandbox-page-'));
  const r = await loadCatalogue('manifests');
  if (r.catalogue === undefined) {
    await rm(dir, { recursive: true, force: true });
    throw new Error('the shipped catalogue does not load');
  }
  const input = new PassThrough();
  let output = '';
  const done = runLocalSandbox({
    catalogue: r.catalogue,
    manifestsDir: 'manifests',
    databasePath: path.join(dir, 'sandbox.db'),
    port: 0,
    webPort: 0,
    speed,
    input,
    out: (t) => (output += `${t}\n`),
    logger: createLogger('silent'),
  });
  const stop = async (): Promise<void> => {
    input.end('quit\n');
    try {
      await done;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const until = Date.now() + waitMs;
  let url: string | undefined;
  while (url === undefined) {
    url = /Open the sandbox in a browser: (\S+)/.exec(output)?.[1];
    if (url === undefined && Date.now() > until) {
      await stop().catch(() => undefined);
      throw new Error(`the sandbox printed no page URL:\n${output}`);
    }
    if (url === undefined) await new Promise((res) => setTimeout(res, 25));
  }
  return { url, stop };
}
