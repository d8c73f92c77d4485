/**
 * Settles as `work` does, or with `late()` as soon as `signal` aborts (e.g.
 * `AbortSignal.timeout(ms)`), whichever comes first. Pass the same signal to the work itself so
 * what it started is cancelled too; this only stops waiting for work that does not listen. The
 * abort listener is removed either way, so nothing is left behind.
 */
export function untilAborted<T, L>(work: Promise<T>, signal: AbortSignal, late: () => L): Promise<T | L> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.resolve(late());
  }
  return new Promise<T | L>((resolve, reject) => {
    const onAbort = () => {
      resolve(late());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
