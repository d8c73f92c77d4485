import { parseArgs } from 'node:util';
import { loadSeed, SEED_KEYS } from './seed.js';
import { startHarnessSimulator } from './server.js';

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when the process is asked to stop. */
  stopped: Promise<void>;
}

/** `idp-chatops harness-sim`: a Harness stand-in on loopback, for trying the bot by hand. */
export async function harnessSimCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      speed: { type: 'string', default: '1' },
      'api-key': { type: 'string' },
      seed: { type: 'string' },
      manifests: { type: 'string', default: 'manifests' },
      'webhook-url': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const speed = Number(values.speed);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err('--port must be a whole number from 0 to 65535 (0 picks a free port)');
    return 1;
  }
  if (!(speed > 0)) {
    io.err('--speed must be a positive number (10 runs pipelines ten times faster than Harness)');
    return 1;
  }
  const sim = await startHarnessSimulator({
    port,
    speed,
    manifestsDir: values.manifests,
    ...(values.seed === undefined ? {} : { seed: await loadSeed(values.seed) }),
    ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
    ...(values['webhook-url'] === undefined ? {} : { webhookUrl: values['webhook-url'] }),
  });
  io.out(sim.url);
  io.err(
    `Harness simulator on ${sim.url} (account ${sim.engine.seed.accountId}, speed ×${String(speed)}). ` +
      `Keys: ${values['api-key'] === undefined ? '' : 'yours (administrator, in every group), '}${Object.entries(
        SEED_KEYS,
      )
        .map(([who, key]) => `${key} (${who})`)
        .join(', ')}. Ctrl-C stops it.`,
  );
  await io.stopped;
  await sim.close();
  return 0;
}
