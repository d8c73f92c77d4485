import { cp, mkdir, mkdtemp, readdir, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-configmap-'));
  await cp('manifests', dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Lays a directory out as the kubelet mounts a ConfigMap: the files in a timestamped hidden
 * directory, `..data` a symlink to it, and each key a symlink to `..data/<key>`.
 */
async function asConfigMapVolume(sub: string): Promise<string[]> {
  const target = path.join(dir, sub);
  const names = await readdir(target);
  const stamped = path.join(dir, `..${sub}_2026_11_28_12_00_00.000000001`);
  await rename(target, stamped);
  await mkdir(target);
  await rename(stamped, path.join(target, path.basename(stamped)));
  await symlink(path.basename(stamped), path.join(target, '..data'));
  for (const name of names) await symlink(path.join('..data', name), path.join(target, name));
  return names;
}

describe('a catalogue mounted from a Kubernetes ConfigMap', () => {
  it('loads the workflows behind the symlinks, and nothing from the hidden directories', async () => {
    const names = await asConfigMapVolume('workflows');
    const r = await loadCatalogue(dir);
    expect(r.problems).toEqual([]);
    expect(names.length).toBeGreaterThan(0);
    expect(r.catalogue?.workflows.size).toBe(names.length);
  });
});
