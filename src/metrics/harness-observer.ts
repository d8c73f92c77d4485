import type { HarnessApiError } from '../harness/errors.js';
import type { RequestBudget } from '../harness/request-budget.js';
import type { HarnessErrorKind, HarnessMetrics } from './registry.js';

/** Called by HarnessHttp once per request, after its retries, with the error it throws if any. */
export type HarnessRequestObserver = (
  method: string,
  path: string,
  seconds: number,
  error: HarnessApiError | undefined,
) => void;

/**
 * The operations of `src/harness/client.ts`, so a label names what was asked, never an id
 * (one series per execution would grow without end). Most specific first.
 */
const OPERATIONS: readonly [string, RegExp, string][] = [
  ['PUT', /^\/pipeline\/api\/pipeline\/execute\/interrupt\/[^/]+$/, 'execution.interrupt'],
  ['POST', /^\/pipeline\/api\/pipeline\/execute\/[^/]+$/, 'pipeline.execute'],
  ['POST', /^\/pipeline\/api\/pipelines\/execution\/summary$/, 'execution.list'],
  ['GET', /^\/pipeline\/api\/pipelines\/execution\/[^/]+\/notes$/, 'execution.notes'],
  ['GET', /^\/pipeline\/api\/pipelines\/execution\/v2\/[^/]+$/, 'execution.get'],
  ['GET', /^\/pipeline\/api\/approvals\/[^/]+\/harness\/authorization$/, 'approval.authorization'],
  ['POST', /^\/pipeline\/api\/approvals\/[^/]+\/harness\/activity$/, 'approval.decide'],
  ['GET', /^\/pipeline\/api\/approvals\/[^/]+$/, 'approval.get'],
  [
    'GET',
    /^\/pipeline\/api\/v1\/orgs\/[^/]+\/projects\/[^/]+\/approvals\/execution\/[^/]+$/,
    'approval.list',
  ],
  ['GET', /^\/v1\/entities$/, 'catalog.entities'],
  ['GET', /^\/ng\/api\/user-groups\/[^/]+\/member\/[^/]+$/, 'usergroup.member'],
  ['POST', /^\/ng\/api\/user-groups\/[^/]+\/users$/, 'usergroup.users'],
  ['POST', /^\/ng\/api\/user\/aggregate$/, 'user.list'],
  ['GET', /^\/ng\/api\/user\/currentUser$/, 'user.current'],
];

/** The operation label of a request; picker lists (paths from workflow files) are `options.list`. */
export function operationOf(method: string, path: string): string {
  for (const [m, pattern, name] of OPERATIONS) if (m === method && pattern.test(path)) return name;
  return method === 'GET' ? 'options.list' : 'other';
}

export function errorKindOf(err: HarnessApiError): HarnessErrorKind {
  if (err.kind !== 'http') return err.kind;
  if (err.status === 429) return 'http_429';
  return err.status !== undefined && err.status >= 500 ? 'http_5xx' : 'http_4xx';
}

export function harnessObserver(metrics: HarnessMetrics): HarnessRequestObserver {
  return (method, path, seconds, error) => {
    metrics.request(operationOf(method, path), seconds, error === undefined ? undefined : errorKindOf(error));
  };
}

/** The same budget, timing each turn (how long requests wait for the shared budget). */
export function measuredBudget(budget: RequestBudget, metrics: HarnessMetrics): RequestBudget {
  return {
    async acquire() {
      const started = performance.now();
      await budget.acquire();
      metrics.budgetWait((performance.now() - started) / 1000);
    },
    get waiting() {
      return budget.waiting;
    },
  };
}
