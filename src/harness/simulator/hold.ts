import type { ServerResponse } from 'node:http';

/**
 * For the emulator's and simulator's `holdNext`: waits `ms` before a request is acted on or
 * answered; true when the caller hung up meanwhile (it died, or its client timed out).
 */
export function heldUntilGone(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', gone);
      resolve(res.destroyed);
    }, ms);
    const gone = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    res.once('close', gone);
  });
}
