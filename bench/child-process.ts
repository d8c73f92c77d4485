import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';

/**
 * A Node program of this repository (the bot, or the bare Bolt app) as its own process, so its
 * memory and CPU are its own: sampled from /proc/<pid>/stat and /proc/<pid>/status (proc(5)).
 * The start (`spawnUntilUp`, `exited`) is shared with test/helpers/bot-process.ts, which imports
 * it from here: the build (tsconfig.build.json) includes bench/, not test/.
 */
export interface ChildApp {
  url: string;
  pid: number;
  /** Every `ms`, RSS and CPU time of the process, until `stop()`. */
  startSampling(ms: number): void;
  /** Peak RSS (MiB), mean CPU% of one core over the sampling, and the samples taken. */
  usage(): { peakRssMiB: number; cpuPercent: number; samples: number };
  stop(): Promise<void>;
}

const startedLine = z.object({ msg: z.string(), url: z.string() });

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (sysconf(_SC_CLK_TCK) is 100 on Linux). */
const CLK_TCK = 100;

async function cpuTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is 14th, stime 15th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return undefined;
  }
}

async function rssKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
}

/**
 * Starts `node <script> ...args` with exactly `env` and waits for the JSON log line `upMessage`
 * carrying the app's `url`. Fails loudly (with the child's stderr) when it exits or is not up in
 * 60 s. Shared with the tests' bot process (test/helpers/bot-process.ts).
 */
export async function spawnUntilUp(
  script: string[],
  env: Record<string, string>,
  upMessage: string,
): Promise<{ child: ChildProcess; pid: number; url: string }> {
  const child = spawn(process.execPath, script, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script.join(' ')}`);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script.join(' ')} was not up within 60 s: ${stderr}`));
    }, 60_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      try {
        const r = startedLine.safeParse(JSON.parse(line));
        if (r.success && r.data.msg === upMessage) {
          clearTimeout(timer);
          resolve(r.data.url);
        }
      } catch {
        // Not a JSON log line: not the one we wait for.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script.join(' ')} exited (${String(code)}) before it was up: ${stderr}`));
    });
  });
  return { child, pid, url };
}

/**
 * Starts `node <script> ...args` with exactly `env` and waits for the log line `upMessage`
 * carrying the app's `url` (`spawnUntilUp`), ready to sample its memory and CPU.
 */
export async function spawnApp(
  script: string[],
  env: Record<string, string>,
  upMessage: string,
): Promise<ChildApp> {
  if (!existsSync(script[0] ?? ''))
    throw new Error(`${script[0] ?? '?'} is missing: run \`npm run build\` first (npm run bench does)`);
  const { child, pid, url } = await spawnUntilUp(script, env, upMessage);
  let timer: NodeJS.Timeout | undefined;
  let peakKiB = 0;
  let first: { at: number; ticks: number } | undefined;
  let last: { at: number; ticks: number } | undefined;
  let samples = 0;
  const sample = async (): Promise<void> => {
    const [ticks, rss] = await Promise.all([cpuTicks(pid), rssKiB(pid)]);
    if (ticks === undefined || rss === undefined) return;
    samples++;
    peakKiB = Math.max(peakKiB, rss);
    const now = { at: Date.now(), ticks };
    first ??= now;
    last = now;
  };
  return {
    url,
    pid,
    startSampling(ms) {
      void sample();
      timer = setInterval(() => void sample(), ms);
    },
    usage() {
      const seconds = first === undefined || last === undefined ? 0 : (last.at - first.at) / 1000;
      const cpu =
        first === undefined || last === undefined || seconds === 0
          ? NaN
          : ((last.ticks - first.ticks) / CLK_TCK / seconds) * 100;
      return { peakRssMiB: peakKiB / 1024, cpuPercent: cpu, samples };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (timer !== undefined) clearInterval(timer);
      await sample();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(killer);
    },
  };
}
