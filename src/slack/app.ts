import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';
import { harnessWebhookHandler } from './harness-webhook.js';

export interface SlackAppOptions {
  slack: SlackConfig;
  port: number;
  logger: Logger;
  harnessWebhookSecret: string | undefined;
  pokeExecution: (executionId: string) => boolean;
  /** WebClient retry policy (tests use a rapid one); Slack's default otherwise. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /**
   * Socket Mode pong timeout, which @slack/socket-mode also waits before reconnecting a dropped
   * connection (5 s by default); tests shorten it.
   */
  socketPingTimeoutMs?: number;
}

/**
 * The Bolt app: Socket Mode when an app token is set, HTTP otherwise (`POST /slack/events` for
 * commands, interactivity, options and events, signatures checked by Bolt). The same server
 * answers `GET /healthz` and `POST /harness/events`.
 */
export function createBoltApp(o: SlackAppOptions): App {
  const routes: CustomRoute[] = [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      },
    },
    {
      path: '/harness/events',
      method: ['POST'],
      handler: harnessWebhookHandler(o.harnessWebhookSecret, o.pokeExecution, o.logger),
    },
  ];
  const logger = boltLogger(o.logger);
  const receiver =
    o.slack.appToken !== undefined
      ? new SocketModeReceiver({
          appToken: o.slack.appToken,
          customRoutes: routes,
          // apps.connections.open goes where the Web API goes (SocketModeReceiver hands
          // installerOptions.clientOptions to its SocketModeClient's WebClient).
          installerOptions: { port: o.port, clientOptions: apiUrlOption(o.slack.apiUrl) },
          ...(o.socketPingTimeoutMs === undefined ? {} : { clientPingTimeout: o.socketPingTimeoutMs }),
          logger,
        })
      : new HTTPReceiver({
          signingSecret: o.slack.signingSecret ?? '',
          customRoutes: routes,
          logger,
          port: o.port,
        });
  return new App({
    token: o.slack.botToken,
    receiver,
    logger,
    clientOptions: {
      ...apiUrlOption(o.slack.apiUrl),
      ...(o.retryConfig === undefined ? {} : { retryConfig: o.retryConfig }),
    },
  });
}

function apiUrlOption(apiUrl: string | undefined): { slackApiUrl?: string } {
  return apiUrl === undefined ? {} : { slackApiUrl: apiUrl };
}
