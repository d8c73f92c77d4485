/**
 * The most events (times in ms, any order) that fall in one half-open window `[t, t + windowMs)`,
 * over every position of the window: what a sliding-window rate limit counts.
 */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    const last = sorted[end] ?? 0;
    while ((sorted[start] ?? 0) <= last - windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * Records when a growing count (a server's own tally of requests) grows: one time per new item,
 * sampled every `everyMs`. Stop it to get the times.
 */
export function sampleArrivals(count: () => number, everyMs = 20): { stop(): number[] } {
  const times: number[] = [];
  let seen = count();
  const timer = setInterval(() => {
    const n = count();
    for (; seen < n; seen++) times.push(Date.now());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const n = count();
      for (; seen < n; seen++) times.push(Date.now());
      return times;
    },
  };
}
