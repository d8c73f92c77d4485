import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '../logger.js';

/** `GET /metrics`: Prometheus text of this bot's own registry. */
export function metricsRoute(
  metrics: { text(): Promise<string>; contentType: string },
  logger: Logger,
): CustomRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: (_req, res) => {
      metrics.text().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': metrics.contentType });
          res.end(text);
        },
        (err: unknown) => {
          logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'metrics could not be collected',
          );
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end('metrics could not be collected\n');
        },
      );
    },
  };
}
