/** The Harness pipeline a workflow runs, read from the `url` of its trigger step. */
export interface PipelineTarget {
  url: string;
  accountId: string;
  orgId: string;
  projectId: string;
  pipelineId: string;
  /** Git-stored pipelines: `?repoName=…&branch=…` on the studio URL. */
  repoName: string | undefined;
  branch: string | undefined;
}

/**
 * Accepts the pipeline-studio URL forms Harness shows (and the OSS trigger action parses):
 * `/ng/account/A/module/idp/orgs/O/projects/P/pipelines/X/…`, `/ng/#/account/A/cd/orgs/…`,
 * and `/ng/account/A/home/orgs/…`.
 */
export function parsePipelineUrl(url: string): { target: PipelineTarget } | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `"${url}" is not a URL; copy the pipeline's URL from Harness (Pipeline Studio)` };
  }
  const hash = parsed.hash.replace(/^#/, '');
  const [hashPath = '', hashQuery = ''] = hash.split('?', 2);
  const segments = `${parsed.pathname}/${hashPath}`.split('/').filter(Boolean).map(decodeURIComponent);
  const after = (name: string): string | undefined => {
    const i = segments.indexOf(name);
    return i >= 0 ? segments[i + 1] : undefined;
  };
  const accountId = after('account');
  const orgId = after('orgs');
  const projectId = after('projects');
  const pipelineId = after('pipelines');
  const missing = [
    accountId === undefined && 'account/<account>',
    orgId === undefined && 'orgs/<org>',
    projectId === undefined && 'projects/<project>',
    pipelineId === undefined && 'pipelines/<pipeline>',
  ].filter(Boolean);
  if (accountId === undefined || orgId === undefined || projectId === undefined || pipelineId === undefined) {
    return {
      error: `the pipeline URL lacks ${missing.join(', ')}; copy it from the pipeline in Harness (…/account/A/…/orgs/O/projects/P/pipelines/X/pipeline-studio/)`,
    };
  }
  if (pipelineId.includes('${{')) {
    return { error: 'the pipeline URL must name a fixed pipeline; expressions in the URL are not supported' };
  }
  const query = new URLSearchParams(parsed.search || hashQuery);
  const hashParams = new URLSearchParams(hashQuery);
  return {
    target: {
      url,
      accountId,
      orgId,
      projectId,
      pipelineId,
      repoName: query.get('repoName') ?? hashParams.get('repoName') ?? undefined,
      branch: query.get('branch') ?? hashParams.get('branch') ?? undefined,
    },
  };
}
