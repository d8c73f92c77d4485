import { randomBytes } from 'node:crypto';
import { startBot } from '../bot.js';
import type { Catalogue } from '../catalogue/load-catalogue.js';
import { loadConfig } from '../config.js';
import { errorMessage } from '../errors.js';
import { DEFAULT_SEED, SEED_KEYS } from '../harness/simulator/seed.js';
import { startHarnessSimulator } from '../harness/simulator/server.js';
import type { Logger } from '../logger.js';
import { HELP, repl, watch } from './terminal.js';
import { startSandboxWeb } from './web/server.js';
import type { SandboxWeb } from './web/server.js';
import { SlackEmulator } from './slack/emulator.js';
import type { Transport } from './slack/emulator.js';

export interface LocalSandboxOptions {
  catalogue: Catalogue;
  manifestsDir: string;
  databasePath: string;
  port: number;
  /** Where the sandbox page listens (PORT, 3000 by default; 0 picks a free port). */
  webPort?: number;
  /**
   * Resolves when the sandbox should stop (a signal). The terminal's `quit` stops it too; the end
   * of terminal input alone does not while the page serves.
   */
  stopped?: Promise<void>;
  /** A real Harness account's HARNESS_* settings (mixed mode); absent: the built-in simulator. */
  harnessEnv?: Record<string, string | undefined>;
  /** How much faster than Harness pipelines run (default 10). */
  speed?: number;
  /** Signed HTTP requests (default) or Socket Mode, as the app in slack-app.yaml is set up. */
  transport?: Transport;
  input: NodeJS.ReadableStream;
  out: (text: string) => void;
  logger: Logger;
}

/**
 * Local mode: the Harness simulator, the Slack emulator and the real bot on loopback, driven
 * from the terminal. No Slack workspace or Harness account needed.
 */
export async function runLocalSandbox(o: LocalSandboxOptions): Promise<number> {
  const signingSecret = randomBytes(16).toString('hex');
  const appToken = `xapp-local-sandbox-${randomBytes(8).toString('hex')}`;
  const transport = o.transport ?? 'http';
  const sim =
    o.harnessEnv === undefined
      ? await startHarnessSimulator({ speed: o.speed ?? 10, manifestsDir: o.manifestsDir })
      : undefined;
  // Slack's rate limits are on, as in a real workspace: the sandbox shows the bot keeping under them.
  const slack = await SlackEmulator.start({
    signingSecret,
    botToken: 'xoxb-local-sandbox',
    appToken,
    transport,
    enforceRateLimits: true,
  });
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-local-sandbox',
    ...(transport === 'socket' ? { SLACK_APP_TOKEN: appToken } : { SLACK_SIGNING_SECRET: signingSecret }),
    SLACK_API_URL: slack.apiUrl,
    ...(sim === undefined
      ? o.harnessEnv
      : {
          HARNESS_API_URL: sim.url,
          HARNESS_API_KEY: SEED_KEYS.bot,
          HARNESS_ACCOUNT_ID: DEFAULT_SEED.accountId,
        }),
    DATABASE_PATH: o.databasePath,
    MANIFESTS_DIR: o.manifestsDir,
    // Links made in the sandbox last as long as the sandbox.
    IDP_CHATOPS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const bot = await startBot({
    config,
    catalogue: o.catalogue,
    logger: o.logger,
    port: o.port,
    timing: { fastMs: 300, slowMs: 3000, backoff: 1.5 },
  });
  if (transport === 'http') slack.botUrl = `${bot.url}/slack/events`;
  // Everyone in the sandbox has linked their (simulated) Harness account, so approvals count per person.
  for (const person of sim === undefined ? [] : slack.ws.users) {
    const harnessUser = sim?.engine.seed.users.find((u) => u.email === person.email);
    const key = harnessUser?.apiKeys[0];
    if (harnessUser === undefined || key === undefined || bot.deps.vault === undefined) continue;
    await bot.deps.store.identities.save({
      slackUser: person.id,
      harnessUuid: harnessUser.uuid,
      harnessEmail: harnessUser.email,
      sealedToken: bot.deps.vault.seal(key),
      createdAt: Date.now(),
    });
  }
  let web: SandboxWeb | undefined;
  try {
    web = await startSandboxWeb({
      slack,
      sim,
      port: o.webPort ?? 0,
      mode:
        sim === undefined ? 'Slack emulator + your Harness account' : 'Slack emulator + Harness simulator',
    });
  } catch (err) {
    o.out(`The sandbox page could not start (${errorMessage(err)}); the terminal still drives the sandbox.`);
  }
  o.out(
    `Local sandbox: bot ${transport === 'socket' ? 'on Socket Mode' : bot.url}, Slack emulator ${slack.url}, ${sim === undefined ? `your Harness account at ${config.harness?.apiUrl ?? ''}` : `Harness simulator ${sim.url} (×${String(o.speed ?? 10)} speed)`}.`,
  );
  if (web !== undefined) o.out(`Open the sandbox in a browser: ${web.url}`);
  o.out(HELP);
  const stopWatching = watch(slack, o.out);
  try {
    const quit = await repl(o, slack);
    if (!quit && web !== undefined && o.stopped !== undefined) await o.stopped;
  } finally {
    stopWatching();
    await web?.close();
    await bot.stop();
    await sim?.close();
    await slack.close();
  }
  return 0;
}
