import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Who and what the simulator knows: users and the keys that act as them, user groups,
 * and the services, environments and infrastructures the pickers list. A test can act as
 * several people by using their keys.
 */
const named = z.object({ identifier: z.string(), name: z.string() });

export const seedSchema = z.object({
  accountId: z.string(),
  orgs: z.array(named.extend({ projects: z.array(named) })),
  users: z.array(
    z.object({
      uuid: z.string(),
      name: z.string(),
      email: z.string(),
      apiKeys: z.array(z.string()).default([]),
    }),
  ),
  /**
   * Service accounts and their keys. Harness lets one approve only when a step lists it in
   * `approvers.serviceAccounts` (harness-core ApprovalResourceServiceImpl.isServiceAccountAuthorized).
   */
  serviceAccounts: z
    .array(
      z.object({
        /** As approval steps name it: `account.x`, `org.x` or `x`. */
        ref: z.string(),
        name: z.string(),
        email: z.string(),
        apiKeys: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  /** `account.x`, `org.x` or plain (project) ids, as approval steps name them. */
  userGroups: z.array(z.object({ ref: z.string(), name: z.string(), users: z.array(z.string()) })),
  services: z.array(named),
  environments: z.array(named.extend({ type: z.enum(['PreProduction', 'Production']) })),
  infrastructures: z.array(
    named.extend({ environment: z.string(), deploymentType: z.string().default('Kubernetes') }),
  ),
  /** IACMApproval has no approvers of its own: the simulator asks these groups. */
  iacmApproverGroups: z.array(z.string()).default([]),
  /** Replicas each workload (`[namespace/]Kind/Name`) runs with at start; unknown ones run 2. */
  replicas: z.record(z.string(), z.number().int().min(0)).default({}),
});

export type Seed = z.infer<typeof seedSchema>;

/** Keys that belong to nobody real; obviously fake, never a real token's shape. */
export const SEED_KEYS = {
  bot: 'sim-key-bot',
  alice: 'sim-key-alice',
  bob: 'sim-key-bob',
  carol: 'sim-key-carol',
  dave: 'sim-key-dave',
} as const;

export const DEFAULT_SEED: Seed = {
  accountId: 'idp_sandbox',
  orgs: [
    { identifier: 'default', name: 'Default', projects: [{ identifier: 'platform', name: 'Platform' }] },
  ],
  users: [
    { uuid: 'u-alice', name: 'Alice Developer', email: 'alice@example.com', apiKeys: [SEED_KEYS.alice] },
    { uuid: 'u-bob', name: 'Bob SRE', email: 'bob@example.com', apiKeys: [SEED_KEYS.bob] },
    { uuid: 'u-carol', name: 'Carol SRE Lead', email: 'carol@example.com', apiKeys: [SEED_KEYS.carol] },
    { uuid: 'u-dave', name: 'Dave Security', email: 'dave@example.com', apiKeys: [SEED_KEYS.dave] },
  ],
  // The bot's key belongs to a service account in no approver group, as in a real deployment.
  serviceAccounts: [
    {
      ref: 'account.idp_chatops_bot',
      name: 'idp-chatops bot',
      email: 'idp_chatops_bot@service.harness.io',
      apiKeys: [SEED_KEYS.bot],
    },
  ],
  userGroups: [
    { ref: 'account.sre_oncall', name: 'SRE on-call', users: ['u-bob', 'u-carol'] },
    { ref: 'account.security_admins', name: 'Security admins', users: ['u-dave', 'u-carol'] },
    { ref: 'account.platform_team', name: 'Platform team', users: ['u-alice', 'u-carol'] },
    { ref: 'org.payments_leads', name: 'Payments leads', users: ['u-carol'] },
    { ref: 'platform_admins', name: 'Platform admins', users: ['u-carol'] },
  ],
  services: [
    { identifier: 'payments_api', name: 'payments-api' },
    { identifier: 'checkout_web', name: 'checkout-web' },
    { identifier: 'ledger_svc', name: 'ledger-svc' },
    { identifier: 'search_api', name: 'search-api' },
  ],
  environments: [
    { identifier: 'dev', name: 'Development', type: 'PreProduction' },
    { identifier: 'staging', name: 'Staging', type: 'PreProduction' },
    { identifier: 'prod', name: 'Production', type: 'Production' },
  ],
  infrastructures: [
    { identifier: 'k8s_dev', name: 'k8s dev cluster', environment: 'dev', deploymentType: 'Kubernetes' },
    {
      identifier: 'k8s_staging',
      name: 'k8s staging cluster',
      environment: 'staging',
      deploymentType: 'Kubernetes',
    },
    {
      identifier: 'k8s_prod_eu',
      name: 'k8s prod eu-west-1',
      environment: 'prod',
      deploymentType: 'Kubernetes',
    },
    {
      identifier: 'k8s_prod_us',
      name: 'k8s prod us-east-1',
      environment: 'prod',
      deploymentType: 'Kubernetes',
    },
  ],
  iacmApproverGroups: ['platform_admins'],
  replicas: { 'payments/Deployment/payments-api': 3 },
};

export async function loadSeed(file: string): Promise<Seed> {
  const raw: unknown = parse(await readFile(file, 'utf8'));
  const r = seedSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      `${file}: not a simulator seed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

/** The principal a key belongs to: a user, or a service account (which has no Harness user). */
export type SimPrincipal = Seed['users'][number] & { serviceAccountRef?: string };

export function principalOf(seed: Seed, key: string): SimPrincipal | undefined {
  const user = seed.users.find((u) => u.apiKeys.includes(key));
  if (user !== undefined) return user;
  const sa = seed.serviceAccounts.find((a) => a.apiKeys.includes(key));
  return sa === undefined
    ? undefined
    : {
        uuid: `sa-${sa.ref}`,
        name: sa.name,
        email: sa.email,
        apiKeys: sa.apiKeys,
        serviceAccountRef: sa.ref,
      };
}

/** A seed with one more user, an administrator in every group, who owns `apiKey`. */
export function withAdminKey(seed: Seed, apiKey: string): Seed {
  const admin = { uuid: 'u-admin', name: 'Simulator admin', email: 'admin@example.com', apiKeys: [apiKey] };
  return {
    ...seed,
    users: [...seed.users.filter((u) => u.uuid !== admin.uuid), admin],
    userGroups: seed.userGroups.map((g) => ({ ...g, users: [...new Set([...g.users, admin.uuid])] })),
  };
}
