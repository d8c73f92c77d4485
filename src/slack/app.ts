import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';
import { harnessWebhookHandler } from './harness-webhook.js';
import { refuseFutureSlackRequests } from './request-freshness.js';

const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAppOptions {
  slack: SlackConfig;
  port: number;
  logger: Logger;
  harnessWebhookSecret: string | undefined;
  pokeExecution: (executionId: string) => Promise<boolean>;
  /** WebClient retry policy (tests use a rapid one); Slack's default otherwise. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /**
   * Socket Mode pong timeout, which @slack/socket-mode also waits before reconnecting a dropped
   * connection (5 s by default); tests shorten it.
   */
  socketPingTimeoutMs?: number;
  /** More routes on the same server (`/metrics`, `/readyz`). */
  routes?: CustomRoute[];
  /** The fetch both Web API clients use (counts calls for the metrics). */
  fetch?: typeof globalThis.fetch;
}

/**
 * The Bolt app: Socket Mode when an app token is set, HTTP otherwise (`POST /slack/events` for
 * commands, interactivity, options and events, signatures checked by Bolt). The same server
 * answers `GET /healthz`, `POST /harness/events` and the routes given (`/metrics`, `/readyz`).
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
    ...(o.routes ?? []),
  ];
  const logger = boltLogger(o.logger);
  let receiver: SocketModeReceiver | HTTPReceiver;
  if (o.slack.appToken !== undefined) {
    receiver = socketModeReceiver(o, o.slack.appToken, routes);
  } else {
    const http = new HTTPReceiver({
      signingSecret: o.slack.signingSecret ?? '',
      endpoints: [SLACK_EVENTS_PATH],
      customRoutes: routes,
      logger,
      port: o.port,
    });
    // `requestListener` is HTTPReceiver's public entry point; the server it starts calls it.
    http.requestListener = refuseFutureSlackRequests(http.requestListener, [SLACK_EVENTS_PATH], o.logger);
    receiver = http;
  }
  return new App({
    token: o.slack.botToken,
    receiver,
    logger,
    clientOptions: {
      ...apiUrlOption(o.slack.apiUrl),
      ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
      ...(o.retryConfig === undefined ? {} : { retryConfig: o.retryConfig }),
    },
  });
}

/**
 * A second Socket Mode connection into the same app. Slack refreshes connections regularly and
 * @slack/socket-mode waits its ping timeout (5 s) before reconnecting; with one connection every
 * command and click in that gap fails with `dispatch_failed`. Slack delivers each envelope to
 * one of an app's open connections (https://api.slack.com/apis/socket-mode: up to 10), so with
 * two the other keeps serving. Returns how to close it; nothing in HTTP mode.
 */
export async function startStandbyConnection(
  app: App,
  o: SlackAppOptions,
): Promise<(() => Promise<void>) | undefined> {
  if (o.slack.appToken === undefined) return undefined;
  const standby = socketModeReceiver(o, o.slack.appToken, []);
  standby.init(app);
  await standby.start();
  return async () => {
    await standby.client.disconnect();
  };
}

function socketModeReceiver(o: SlackAppOptions, appToken: string, routes: CustomRoute[]): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken,
    customRoutes: routes,
    // apps.connections.open goes where the Web API goes (SocketModeReceiver hands
    // installerOptions.clientOptions to its SocketModeClient's WebClient).
    installerOptions: {
      port: o.port,
      clientOptions: {
        ...apiUrlOption(o.slack.apiUrl),
        ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
      },
    },
    ...(o.socketPingTimeoutMs === undefined ? {} : { clientPingTimeout: o.socketPingTimeoutMs }),
    logger: boltLogger(o.logger),
  });
}

function apiUrlOption(apiUrl: string | undefined): { slackApiUrl?: string } {
  return apiUrl === undefined ? {} : { slackApiUrl: apiUrl };
}
