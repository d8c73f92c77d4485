import { randomBytes } from 'node:crypto';
import { startBot } from '../bot.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { loadConfig } from '../config.js';
import { DEFAULT_SEED, SEED_KEYS } from '../harness/simulator/seed.js';
import { startHarnessSimulator } from '../harness/simulator/server.js';
import type { Logger } from '../logger.js';

export interface RealSlackOptions {
  catalogue: Catalogue;
  manifestsDir: string;
  databasePath: string;
  port: number;
  /** The real Slack app's SLACK_* settings. */
  slackEnv: Record<string, string | undefined>;
  /** The encryption key for `/idp link`, if set; otherwise one for this run only. */
  encryptionKey: string | undefined;
  speed?: number;
  stopped: Promise<void>;
  out: (text: string) => void;
  logger: Logger;
}

/**
 * Mixed mode: the bot on a real Slack workspace with the built-in Harness simulator behind it, to
 * try the app in Slack before a Harness account is connected. The simulator's people have keys
 * (`sim-key-alice`, `sim-key-bob`, …) that `/idp link` accepts, so approvals work per person.
 */
export async function runRealSlackWithSimulatedHarness(o: RealSlackOptions): Promise<number> {
  const sim = await startHarnessSimulator({ speed: o.speed ?? 10, manifestsDir: o.manifestsDir });
  const config = loadConfig({
    ...o.slackEnv,
    HARNESS_API_URL: sim.url,
    HARNESS_API_KEY: SEED_KEYS.bot,
    HARNESS_ACCOUNT_ID: DEFAULT_SEED.accountId,
    DATABASE_PATH: o.databasePath,
    MANIFESTS_DIR: o.manifestsDir,
    IDP_CHATOPS_ENCRYPTION_KEY: o.encryptionKey ?? randomBytes(32).toString('base64'),
  });
  const bot = await startBot({ config, catalogue: o.catalogue, logger: o.logger, port: o.port });
  const keys = Object.entries(SEED_KEYS)
    .filter(([who]) => who !== 'bot')
    .map(([who, key]) => `${who}: ${key}`)
    .join(', ');
  o.out(
    `idp-chatops is running on your Slack workspace (${config.slack?.appToken === undefined ? `HTTP on ${bot.url}` : 'Socket Mode'}) with the Harness simulator at ${sim.url} (×${String(o.speed ?? 10)} speed). Link a simulated Harness person with /idp link to approve (${keys}). Ctrl-C stops it.`,
  );
  try {
    await o.stopped;
  } finally {
    await bot.stop();
    await sim.close();
  }
  return 0;
}
