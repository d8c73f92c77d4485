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
  pokeExecution: (executionId: string) => boolean;
  /** WebClient retry policy (tests use a rapid one); Slack's default otherwise. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
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
  let receiver: SocketModeReceiver | HTTPReceiver;
  if (o.slack.appToken !== undefined) {
    receiver = new SocketModeReceiver({
      appToken: o.slack.appToken,
      customRoutes: routes,
      installerOptions: { port: o.port },
      logger,
    });
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
      ...(o.slack.apiUrl === undefined ? {} : { slackApiUrl: o.slack.apiUrl }),
      ...(o.retryConfig === undefined ? {} : { retryConfig: o.retryConfig }),
    },
  });
}
