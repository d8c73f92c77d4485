import { isRecord } from '../../is-record.js';

/** How long each kind of step takes at speed 1, in ms: roughly what they take in Harness. */
const DURATIONS: Record<string, number> = {
  Http: 1500,
  Policy: 1000,
  JiraCreate: 2000,
  JiraUpdate: 2000,
  K8sScale: 8000,
  K8sRollingRollback: 10_000,
  K8sPatch: 8000,
  ShellScript: 2000,
  IACMTerraformPlugin: 10_000,
  Plugin: 6000,
  Run: 4000,
  CookieCutter: 5000,
  CreateRepo: 3000,
  CreateCatalog: 2000,
  DirectPush: 3000,
  RegisterCatalog: 2000,
  CreateResource: 6000,
  SlackNotify: 1000,
  FmeFlagAddRemoveIndividualTargets: 1500,
};

export function stepDurationMs(type: string): number {
  return DURATIONS[type] ?? 3000;
}

/** What a step's outcomes may depend on beyond its spec. */
export interface OutcomeContext {
  executionId: string;
  accountId: string;
  /** The replica count a workload (`[namespace/]Kind/Name`) runs with now (the simulated cluster). */
  replicasOf: (workload: string) => number;
}

/** A small number from the execution id, stable for one execution: plans differ between runs. */
function digit(id: string, at: number, mod: number): number {
  return id.charCodeAt(at % Math.max(1, id.length)) % mod;
}

/** Plausible outcomes for steps that have outputs, from their resolved spec. */
export function stepOutcomes(
  type: string,
  spec: Record<string, unknown>,
  ctx: OutcomeContext,
): Record<string, unknown> {
  const s = (k: string): string => (typeof spec[k] === 'string' ? spec[k] : '');
  switch (type) {
    case 'CreateRepo':
      return {
        output: {
          outputVariables: { repositoryUrl: `https://github.com/${s('organization')}/${s('repository')}` },
        },
      };
    case 'CreateCatalog':
      return {
        output: {
          outputVariables: {
            registeredCatalogUrl: `https://app.harness.io/ng/account/${ctx.accountId}/module/idp/catalog/default/component/${s('filePath') || 'component'}`,
          },
        },
      };
    case 'RegisterCatalog':
      return {
        output: {
          outputVariables: {
            catalogInfoUrl: `https://github.com/${s('organization')}/${s('repository')}/blob/${s('branch') || 'main'}/${s('filePath') || 'catalog-info.yaml'}`,
          },
        },
      };
    case 'DirectPush':
      return {
        output: {
          outputVariables: { commitId: ctx.executionId.slice(0, 12).toLowerCase(), branch: s('branch') },
        },
      };
    case 'Http': {
      const vars: Record<string, string> = {};
      for (const v of Array.isArray(spec.outputVariables) ? spec.outputVariables : []) {
        if (isRecord(v) && typeof v.name === 'string')
          vars[v.name] = v.type === 'Secret' ? '*******' : `${v.name}-value`;
      }
      return {
        output: {
          httpUrl: s('url'),
          httpMethod: s('method') || 'GET',
          httpResponseCode: 200,
          httpResponseBody: JSON.stringify({ status: 'SUCCESS', data: 'ok' }),
          status: 'SUCCESS',
          outputVariables: vars,
        },
      };
    }
    case 'JiraCreate': {
      const key = `${s('projectKey') || 'OPS'}-${String(100 + (ctx.executionId.charCodeAt(0) % 900))}`;
      return { issue: { key, url: `https://jira.example.com/browse/${key}` } };
    }
    case 'Run': {
      // A Run step exports the environment variables its script sets and `outputVariables` names
      // (https://developer.harness.io/docs/continuous-integration/use-ci/run-step-settings/#output-variables).
      const command = s('command');
      const vars: Record<string, string> = {};
      for (const v of Array.isArray(spec.outputVariables) ? spec.outputVariables : []) {
        if (!isRecord(v) || typeof v.name !== 'string') continue;
        const showsPlan = command.includes('terraform show -json') && command.includes(`${v.name}=`);
        vars[v.name] = showsPlan ? planJson(ctx) : `${v.name}-value`;
      }
      return { output: { outputVariables: vars } };
    }
    case 'Policy':
      // The Policy step's output status is the verdict of its policy sets: pass, warning or error
      // (https://developer.harness.io/docs/platform/governance/policy-as-code/add-a-governance-policy-step-to-a-pipeline/).
      return { output: { status: 'pass' } };
    case 'IACMTerraformPlugin':
      return s('command') === 'plan' || s('command') === 'plan-destroy' ? planOutcome(s('command'), ctx) : {};
    case 'ShellScript':
      return { output: { outputVariables: shellOutputs(spec, ctx) } };
    default:
      return {};
  }
}

/**
 * An IaCM plan step's output variables: the counts of Terraform's "Plan: N to add, N to change,
 * N to destroy" line, published as strings under keys with a literal dot (`plannedChanges.added`,
 * `.changed`, `.deleted`, `.unchanged`, `.imported`, `.removed`), which pipelines read with the
 * bracket form `outputVariables['plannedChanges.added']`.
 */
function planCounts(
  command: string,
  ctx: OutcomeContext,
): { added: number; changed: number; deleted: number } {
  const destroy = command === 'plan-destroy';
  return {
    added: destroy ? 0 : 1 + digit(ctx.executionId, 1, 4),
    changed: destroy ? 0 : digit(ctx.executionId, 2, 3),
    deleted: destroy ? 3 + digit(ctx.executionId, 3, 4) : digit(ctx.executionId, 3, 2),
  };
}

/**
 * `terraform show -json` of the run's plan: the plan's resource changes in Terraform's JSON
 * output format (https://developer.hashicorp.com/terraform/internals/json-format), as many as
 * the plan step counted: far longer than a Slack card should show.
 */
function planJson(ctx: OutcomeContext): string {
  const { added, changed, deleted } = planCounts('plan', ctx);
  const change = (kind: string, i: number, actions: string[]) => ({
    address: `aws_instance.${kind}_${String(i)}`,
    mode: 'managed',
    type: 'aws_instance',
    name: `${kind}_${String(i)}`,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: {
      actions,
      before: actions.includes('create')
        ? null
        : { instance_type: 't3.small', tags: { Name: `${kind}-${String(i)}` } },
      after: actions.includes('delete')
        ? null
        : {
            ami: 'ami-0c55b159cbfafe1f0',
            instance_type: 't3.medium',
            tags: { Name: `${kind}-${String(i)}` },
          },
      after_unknown: actions.includes('delete')
        ? {}
        : { arn: true, id: true, private_ip: true, public_ip: true },
    },
  });
  const resource_changes = [
    ...Array.from({ length: added }, (_, i) => change('add', i, ['create'])),
    ...Array.from({ length: changed }, (_, i) => change('change', i, ['update'])),
    ...Array.from({ length: deleted }, (_, i) => change('destroy', i, ['delete'])),
  ];
  return JSON.stringify({ format_version: '1.2', terraform_version: '1.5.7', resource_changes });
}

function planOutcome(command: string, ctx: OutcomeContext): Record<string, unknown> {
  const { added, changed, deleted } = planCounts(command, ctx);
  return {
    output: {
      outputVariables: {
        'plannedChanges.added': String(added),
        'plannedChanges.changed': String(changed),
        'plannedChanges.deleted': String(deleted),
        'plannedChanges.unchanged': String(4 + digit(ctx.executionId, 4, 6)),
        'plannedChanges.imported': '0',
        'plannedChanges.removed': '0',
      },
    },
  };
}

/**
 * A Shell Script step exports the shell variables its `outputVariables` name
 * (https://developer.harness.io/docs/continuous-delivery/x-platform-cd-features/cd-steps/utilities/shell-script-step/).
 * The simulator runs no shell: a script that reads a workload's `.spec.replicas` (kubectl's
 * jsonpath) exports the simulated cluster's count for the workload in its environment
 * variables; other variables get a placeholder value, secrets Harness's mask.
 */
function shellOutputs(spec: Record<string, unknown>, ctx: OutcomeContext): Record<string, string> {
  const source = isRecord(spec.source) && isRecord(spec.source.spec) ? spec.source.spec : {};
  const script = typeof source.script === 'string' ? source.script : '';
  const env = new Map(
    (Array.isArray(spec.environmentVariables) ? spec.environmentVariables : []).flatMap((v) =>
      isRecord(v) && typeof v.name === 'string' && typeof v.value === 'string'
        ? [[v.name, v.value] as const]
        : [],
    ),
  );
  const workload = env.get('WORKLOAD');
  const vars: Record<string, string> = {};
  for (const v of Array.isArray(spec.outputVariables) ? spec.outputVariables : []) {
    if (!isRecord(v) || typeof v.name !== 'string') continue;
    const shellVar = typeof v.value === 'string' ? v.value : v.name;
    const readsReplicas =
      workload !== undefined && script.includes('.spec.replicas') && script.includes(`${shellVar}=`);
    vars[v.name] =
      v.type === 'Secret' ? '*******' : readsReplicas ? String(ctx.replicasOf(workload)) : `${v.name}-value`;
  }
  return vars;
}
