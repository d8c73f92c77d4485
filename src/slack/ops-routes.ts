import type { CustomRoute } from '@slack/bolt';
import type { ReadinessReport } from '../health/readiness.js';
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

/** `GET /readyz`: 200 when every check passes, 503 with the failing checks' names otherwise. */
export function readinessRoute(report: () => Promise<ReadinessReport>): CustomRoute {
  return {
    path: '/readyz',
    method: ['GET'],
    handler: (_req, res) => {
      void report().then((r) => {
        res.writeHead(r.ready ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(r.ready ? { ready: true } : r));
      });
    },
  };
}
