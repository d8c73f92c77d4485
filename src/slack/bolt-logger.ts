import { LogLevel } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';

/** Bolt's logger interface over the bot's pino logger (so Bolt's lines get the same redaction). */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const join = (msg: unknown[]): string =>
    msg
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(' ');
  return {
    debug: (...msg: unknown[]) => {
      child.debug(join(msg));
    },
    info: (...msg: unknown[]) => {
      child.info(join(msg));
    },
    warn: (...msg: unknown[]) => {
      child.warn(join(msg));
    },
    error: (...msg: unknown[]) => {
      child.error(join(msg));
    },
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
