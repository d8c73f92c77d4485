import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/config.js';

/** Dockerfile instructions, continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const out: { op: string; args: string }[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = '';
    const m = /^(\w+)\s+(.*)$/.exec(full);
    if (m?.[1] !== undefined && m[2] !== undefined) out.push({ op: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

const all = instructions(readFileSync('Dockerfile', 'utf8'));
const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
const runtime = all.slice(lastFrom);
const ofRuntime = (op: string) => runtime.filter((i) => i.op === op);

/** `ENV A=1 B=2` (and the old `ENV A 1`) as pairs. */
function envPairs(args: string): [string, string][] {
  if (!args.includes('=')) {
    const [name = '', ...rest] = args.split(/\s+/);
    return [[name, rest.join(' ')]];
  }
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

describe('Dockerfile', () => {
  it('builds every stage from a Node 20 image, the runtime from a slim one', () => {
    const froms = all.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0] ?? '');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) {
      // A stage may start from an earlier stage; every image pulled is node:20.
      const stages = all.filter((i) => i.op === 'FROM').map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1]);
      if (stages.includes(image)) continue;
      expect(image).toMatch(/^node:20[-.]/);
    }
    expect(runtime[0]?.args).toMatch(/^node:20[\w.-]*-slim\b/);
  });

  it('runs as a non-root user, with a HEALTHCHECK on /healthz', () => {
    const users = ofRuntime('USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const health = ofRuntime('HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0]?.args).toContain('/healthz');
    // No curl or wget in a slim image: the check must run with node.
    expect(health[0]?.args).toMatch(/CMD \[?"?node/);
  });

  it('starts a file the image holds, whose code is in the build output it copies', () => {
    const cmd = [...ofRuntime('ENTRYPOINT'), ...ofRuntime('CMD')].at(-1);
    const argv = JSON.parse(cmd?.args ?? '[]') as string[];
    const script = argv.find((a) => a.endsWith('.js')) ?? '';
    expect(existsSync(script), script).toBe(true);
    expect(ofRuntime('COPY').some((c) => c.args.split(/\s+/)[0] === script.split('/')[0])).toBe(true);
    // The launcher imports the compiled CLI from dist/, which the runtime stage copies from the build.
    const target = /from '\.\.\/(dist\/[^']+)'/.exec(readFileSync(script, 'utf8'))?.[1] ?? '';
    expect(target).toMatch(/^dist\/src\/.+\.js$/);
    expect(existsSync(target.replace(/^dist\//, '').replace(/\.js$/, '.ts')), target).toBe(true);
    expect(ofRuntime('COPY').some((c) => /--from=\S+\s+\/app\/dist\s/.test(c.args))).toBe(true);
  });

  it('sets only settings src/config.ts knows, and exposes the PORT it sets', () => {
    const env = all.filter((i) => i.op === 'ENV').flatMap((i) => envPairs(i.args));
    expect(env.length).toBeGreaterThan(0);
    for (const [name] of env) expect(SETTING_NAMES, name).toContain(name);
    const port = env.find(([n]) => n === 'PORT')?.[1];
    expect(ofRuntime('EXPOSE').map((i) => i.args)).toContain(port);
  });

  it('copies nothing .dockerignore leaves out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'));
    for (const copy of all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1);
      for (const src of sources) {
        expect(ignored, src).not.toContain(src.split('/')[0]);
        expect(existsSync(src), src).toBe(true);
      }
    }
  });
});
