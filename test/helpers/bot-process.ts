import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';

/** The bot as its own process (`node bin/idp-chatops.js start`, built code), as it runs in production. */
export interface BotProcess {
  url: string;
  /** SIGKILL: no shutdown code runs, whatever was in flight is lost mid-way. */
  kill(): Promise<void>;
  /** SIGTERM: the bot stops as it does on a deploy. */
  stop(): Promise<void>;
}

const startedLine = z.object({ msg: z.literal('idp-chatops is running'), url: z.string() });

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
}

export async function spawnBot(env: Record<string, string>): Promise<BotProcess> {
  if (!existsSync('dist/src/cli.js'))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, ['bin/idp-chatops.js', 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      try {
        const r = startedLine.safeParse(JSON.parse(line));
        if (r.success) resolve(r.data.url);
      } catch {
        // Not a log line (the CLI's own message): not the one we wait for.
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`the bot exited (${String(code)}) before it was up: ${stderr}`));
    });
  });
  return {
    url,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
