import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { SETTING_NAMES } from '../../src/config.js';
import { eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

/** Settings whose values are credentials: in deployment files only as Secret references. */
const SECRET_LIKE = /TOKEN|SECRET|_KEY$|DATABASE_URL/;

const envVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      secretKeyRef: z.object({ name: z.string(), key: z.string(), optional: z.boolean().optional() }),
    })
    .partial()
    .loose()
    .optional(),
});
const probe = z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });
const container = z.object({
  name: z.string(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })),
  env: z.array(envVar),
  envFrom: z.unknown().optional(),
  livenessProbe: probe,
  readinessProbe: probe,
  resources: z.object({
    requests: z.object({ cpu: z.string(), memory: z.string() }),
    limits: z.object({ memory: z.string() }).loose(),
  }),
  securityContext: z.object({ readOnlyRootFilesystem: z.boolean(), allowPrivilegeEscalation: z.boolean() }),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() }).loose()),
});
const deployment = z.object({
  kind: z.literal('Deployment'),
  spec: z.object({
    replicas: z.number(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z.object({
        securityContext: z.object({ runAsNonRoot: z.boolean(), runAsUser: z.number() }).loose(),
        containers: z.array(container),
        volumes: z.array(z.object({ name: z.string() }).loose()),
      }),
    }),
  }),
});

const DIR = 'deploy';
const files = readdirSync(DIR, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
const docs = files.flatMap((f) =>
  parseAllDocuments(readFileSync(path.join(DIR, f), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${f}: ${d.errors.map((e) => e.message).join('; ')}`);
    return { file: f, doc: d.toJS() as unknown };
  }),
);
const ofKind = (kind: string) =>
  docs.filter(
    (d) => typeof d.doc === 'object' && d.doc !== null && (d.doc as { kind?: unknown }).kind === kind,
  );
const deployments = ofKind('Deployment').map((d) => deployment.parse(d.doc));
const containers = deployments.flatMap((d) => d.spec.template.spec.containers);

describe('Kubernetes manifests (deploy/)', () => {
  it('parse, and hold a Deployment of 2 replicas, a Service and a PodDisruptionBudget that select its pods', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(deployments).toHaveLength(1);
    const d = deployments[0];
    expect(d?.spec.replicas).toBe(2);
    const labels = d?.spec.template.metadata.labels ?? {};
    const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    expect(selects(d?.spec.selector.matchLabels ?? { none: '' })).toBe(true);
    const service = z
      .object({
        spec: z.object({
          selector: z.record(z.string(), z.string()),
          ports: z.array(z.object({ targetPort: z.union([z.string(), z.number()]) })),
        }),
      })
      .parse(ofKind('Service')[0]?.doc);
    expect(selects(service.spec.selector)).toBe(true);
    const portNames = containers.flatMap((c) => c.ports.map((p) => p.name));
    for (const p of service.spec.ports) expect(portNames).toContain(p.targetPort);
    const pdb = z
      .object({ spec: z.object({ selector: z.object({ matchLabels: z.record(z.string(), z.string()) }) }) })
      .parse(ofKind('PodDisruptionBudget')[0]?.doc);
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
  });

  it('name only settings src/config.ts knows, and take every credential from a Secret', () => {
    for (const c of containers) {
      // envFrom would hide which names are set.
      expect(c.envFrom).toBeUndefined();
      for (const e of c.env) {
        expect(SETTING_NAMES, e.name).toContain(e.name);
        if (SECRET_LIKE.test(e.name)) {
          expect(e.value, e.name).toBeUndefined();
          expect(e.valueFrom?.secretKeyRef, e.name).toBeDefined();
        }
      }
      // HTTP mode: every credential it uses is there (the app token would switch to Socket Mode).
      const named = c.env.map((e) => e.name);
      for (const s of SETTING_NAMES.filter((n) => SECRET_LIKE.test(n) && n !== 'SLACK_APP_TOKEN'))
        expect(named, s).toContain(s);
      expect(named).not.toContain('SLACK_APP_TOKEN');
    }
  });

  it('run as non-root on a read-only root filesystem, with resources, data and manifests mounted', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of pod.containers) {
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        const env = new Map(c.env.map((e) => [e.name, e.value]));
        const volumeAt = (p: string) => {
          const mount = c.volumeMounts.find((m) => p === m.mountPath || p.startsWith(`${m.mountPath}/`));
          return pod.volumes.find((v) => v.name === mount?.name);
        };
        // The SQLite file's directory is writable: a volume, not the read-only root.
        expect(volumeAt(path.posix.dirname(env.get('DATABASE_PATH') ?? '/nowhere/x'))).toBeDefined();
        // The catalogue comes from ConfigMaps under MANIFESTS_DIR.
        const manifests = env.get('MANIFESTS_DIR') ?? '/nowhere';
        expect(volumeAt(`${manifests}/workflows`)).toHaveProperty('configMap');
        expect(volumeAt(`${manifests}/commands.yaml`)).toHaveProperty('configMap');
        // The server listens where the ports and probes say.
        const port = c.ports.find((p) => p.name === 'http')?.containerPort;
        expect(env.get('PORT')).toBe(String(port));
        expect([c.livenessProbe.httpGet.port, c.readinessProbe.httpGet.port]).toEqual(['http', 'http']);
      }
    }
  });

  describe('probe the paths the bot serves', () => {
    let s: Stack;
    beforeAll(async () => {
      s = await startStack({ transport: 'http' });
    });
    afterAll(async () => {
      await s.stop();
    });

    it('liveness on /healthz and readiness on /readyz, both answering 200 on a ready bot', async () => {
      const c = containers[0];
      expect(c?.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c?.readinessProbe.httpGet.path).toBe('/readyz');
      for (const p of [c?.livenessProbe.httpGet.path, c?.readinessProbe.httpGet.path]) {
        const r = await eventually(
          () => fetch(`${s.bot.url}${p ?? ''}`),
          (x) => x.status === 200,
        );
        expect(r.status).toBe(200);
      }
    });
  });
});
