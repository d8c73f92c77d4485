import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config.js';

export type Logger = PinoLogger;

/**
 * Structured logs (JSON lines) with secrets removed wherever they could appear: tokens,
 * keys and signatures are censored by path, whatever the caller passes in.
 */
export const REDACTED_PATHS = [
  'token',
  'apiKey',
  'apikey',
  'botToken',
  'appToken',
  'signingSecret',
  'headers["x-api-key"]',
  'headers.authorization',
  'headers["x-slack-signature"]',
  '*.token',
  '*.apiKey',
  '*.botToken',
  '*.signingSecret',
  '*.headers["x-api-key"]',
  '*.headers.authorization',
];

export function createLogger(
  level: LogLevel | 'silent' = 'info',
  destination?: NodeJS.WritableStream,
): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'idp-chatops' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
