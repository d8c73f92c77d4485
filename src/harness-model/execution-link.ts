/**
 * Where a person opens an execution in Harness's UI: the one place that infers the module and
 * the Git details of a link. The Harness UI routes executions under the pipeline's module
 * (`/module/cd/…`, `/module/idp/…`), or under `/home/` when it has none of its own, and a
 * Git-stored (REMOTE) pipeline's pages carry `storeType`, `repoName` and `branch` in the query
 * (https://developer.harness.io/docs/platform/git-experience/configure-git-experience-for-harness-entities/).
 */
export interface LinkFacts {
  orgId: string;
  projectId: string;
  pipelineId: string;
  executionId: string;
  /** A product module (`cd`, `ci`, `idp`, …); undefined when the pipeline has none of its own. */
  module: string | undefined;
  /** Git-stored pipelines. */
  git: { repoName: string | undefined; branch: string | undefined } | undefined;
}

/** `pms` is the pipeline service itself, not a module with pages of its own. */
const NOT_A_MODULE = new Set(['pms', 'home', '']);

/** The module a pipeline-studio URL names: `/module/idp/…`, or `#/account/A/cd/orgs/…`. */
export function moduleOfPipelineUrl(url: string): string | undefined {
  const m = /\/module\/([a-z]+)\//.exec(url) ?? /\/account\/[^/]+\/([a-z]+)\/orgs\//.exec(url);
  const module = m?.[1];
  return module === undefined || NOT_A_MODULE.has(module) ? undefined : module;
}

/** The module of an execution, from the modules Harness lists for it (`["cd", "pms"]`). */
export function moduleOfExecution(modules: string[]): string | undefined {
  return modules.find((m) => !NOT_A_MODULE.has(m));
}

/** The execution's page in Harness's UI. */
export function executionLink(uiBase: string, accountId: string, f: LinkFacts): string {
  const area = f.module === undefined ? 'home' : `module/${f.module}`;
  const path = `${uiBase.replace(/\/+$/, '')}/ng/account/${accountId}/${area}/orgs/${f.orgId}/projects/${f.projectId}/pipelines/${f.pipelineId}/executions/${f.executionId}/pipeline`;
  if (f.git === undefined) return path;
  const query = new URLSearchParams({ storeType: 'REMOTE' });
  if (f.git.repoName !== undefined) query.set('repoName', f.git.repoName);
  if (f.git.branch !== undefined) query.set('branch', f.git.branch);
  return `${path}?${query.toString()}`;
}
