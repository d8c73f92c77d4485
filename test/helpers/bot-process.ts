import { existsSync } from 'node:fs';
import { exited, spawnUntilUp } from '../../bench/child-process.js';

/** The bot as its own process (`node bin/idp-chatops.js start`, built code), as it runs in production. */
export interface BotProcess {
  url: string;
  /** SIGKILL: no shutdown code runs, whatever was in flight is lost mid-way. */
  kill(): Promise<void>;
  /** SIGTERM: the bot stops as it does on a deploy. */
  stop(): Promise<void>;
}

export async function spawnBot(env: Record<string, string>): Promise<BotProcess> {
  if (!existsSync('dist/src/cli.js'))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const { child, url } = await spawnUntilUp(['bin/idp-chatops.js', 'start'], env, 'idp-chatops is running');
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
