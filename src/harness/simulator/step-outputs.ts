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
  ShellScript: 4000,
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

/** Plausible outcomes for steps that have outputs, from their resolved spec. */
export function stepOutcomes(
  type: string,
  spec: Record<string, unknown>,
  ctx: { executionId: string; accountId: string },
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
      const vars: Record<string, string> = {};
      for (const v of Array.isArray(spec.outputVariables) ? spec.outputVariables : []) {
        if (isRecord(v) && typeof v.name === 'string') vars[v.name] = `${v.name}-value`;
      }
      return { output: { outputVariables: vars } };
    }
    case 'Policy':
      return { output: { status: 'pass' } };
    default:
      return {};
  }
}
