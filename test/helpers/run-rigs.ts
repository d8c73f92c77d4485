import { afterEach } from 'vitest';
import { runRig } from './run-rig.js';

export type Rig = Awaited<ReturnType<typeof runRig>>;

/**
 * The maker of a test file's run rigs (`runRig`): call it at the file's top level; every rig it
 * made in a test is closed after that test.
 */
export function rigsClosedAfterEach(): (...args: Parameters<typeof runRig>) => Promise<Rig> {
  let rigs: Rig[] = [];
  afterEach(async () => {
    for (const r of rigs) await r.close();
    rigs = [];
  });
  return async (...args) => {
    const r = await runRig(...args);
    rigs.push(r);
    return r;
  };
}
