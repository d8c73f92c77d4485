/**
 * `GET /readyz`: whether this replica should receive traffic, apart from `/healthz` (the process
 * is alive). Each check answers within a bound, so a hung database makes the replica unready
 * instead of hanging the probe.
 */
export type ReadinessChecks = Readonly<Record<string, () => Promise<boolean>>>;

export interface ReadinessReport {
  ready: boolean;
  /** Names of the checks that failed, threw or did not answer in time. */
  notReady: string[];
}

export function createReadiness(checks: ReadinessChecks, timeoutMs = 2000): () => Promise<ReadinessReport> {
  return async () => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => ((await bounded(check, timeoutMs)) ? [] : [name])),
    );
    const notReady = results.flat();
    return { ready: notReady.length === 0, notReady };
  };
}

async function bounded(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Slack's `auth.test`, tried at start and again on a readiness probe while it has not succeeded
 * (at most every `retryMs`): a revoked or mistyped token keeps the replica unready.
 */
export function slackAuthCheck(
  authTest: () => Promise<unknown>,
  onFailure: (err: unknown) => void,
  o: { now?: () => number; retryMs?: number } = {},
): { start(): Promise<void>; check(): Promise<boolean> } {
  const now = o.now ?? Date.now;
  const retryMs = o.retryMs ?? 5000;
  let ok = false;
  let lastTry = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  const attempt = (): Promise<void> => {
    lastTry = now();
    inFlight ??= authTest()
      .then(() => {
        ok = true;
      }, onFailure)
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return {
    start: attempt,
    async check() {
      if (!ok && (inFlight !== undefined || now() - lastTry >= retryMs)) await attempt();
      return ok;
    },
  };
}
