import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { loadCatalogue } from '../src/catalogue/load-catalogue.js';
import { createLogger } from '../src/logger.js';
import { runLocalSandbox } from '../src/sandbox/local.js';

it.each(['http', 'socket'] as const)(
  'the local sandbox runs a workflow end to end from the terminal, approval included (over %s)',
  async (transport) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idp-local-'));
    const r = await loadCatalogue('manifests');
    if (r.catalogue === undefined) throw new Error('catalogue');
    const input = new PassThrough();
    let output = '';
    const seen = async (text: string, timeoutMs = 10_000): Promise<void> => {
      const until = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > until) throw new Error(`never saw "${text}" in:\n${output.slice(-3000)}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    const type = (line: string) => input.write(`${line}\n`);
    const done = runLocalSandbox({
      catalogue: r.catalogue,
      manifestsDir: 'manifests',
      databasePath: path.join(dir, 'l.db'),
      port: 0,
      speed: 100,
      transport,
      input,
      out: (t) => (output += `${t}\n`),
      logger: createLogger('silent'),
    });
    try {
      await seen('alice@#ops>');
      type('/scale payments-api');
      await seen('Service Identifier (Pipeline service identifier) [payments_api] — type to search:');
      type('');
      await seen('Environment Identifier (Pipeline environment identifier) — type to search:');
      type('prod');
      await seen('1. Production (prod)');
      type('1');
      await seen('Infrastructure Definition (Pipeline infrastructure definition) — type to search:');
      type('');
      await seen('1. k8s prod eu-west-1 (k8s_prod_eu)');
      type('1');
      await seen('Namespace');
      type('payments/Deployment/payments-api');
      await seen('Target Replicas');
      type('4');
      await seen('Scale a service · Waiting for approval');
      await seen('Approval needed: Approve scale');
      type('as bob');
      type('approve');
      await seen('You approved Approve scale.');
      await seen('Scale a service finished: Succeeded');
      type('quit');
      await expect(done).resolves.toBe(0);
    } finally {
      input.end();
      await done.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  },
);
