import type { OptionQuery, OptionSource, PickerOption } from '../ports/option-source.js';
import type { HarnessClient } from './client.js';
import type { Scope } from '../harness-model/types.js';

/** Options a picker shows at most; Slack lists 100. */
const LIMIT = 100;

/**
 * Serves picker options (services, environments, infrastructures, user groups, orgs, projects,
 * catalog entities) from Harness, scoped by the picker's own parameters or the workflow's scope.
 */
export function createHarnessOptionSource(
  client: HarnessClient,
  scopeOf: (workflowId: string) => Scope,
): OptionSource {
  return {
    async search(query: OptionQuery, signal?: AbortSignal): Promise<PickerOption[]> {
      const p = query.params;
      const defaults = scopeOf(query.workflowId);
      const scope: Scope = {
        orgId: p.orgIdentifier ?? defaults.orgId,
        projectId: p.projectIdentifier ?? defaults.projectId,
      };
      const q = { search: query.text.trim(), size: LIMIT, signal };
      const named = (items: { identifier: string; name: string }[]): PickerOption[] =>
        items.map((i) => ({
          value: i.identifier,
          label: i.name === i.identifier ? i.name : `${i.name} (${i.identifier})`,
        }));
      switch (query.source.endpoint) {
        case 'services':
          return named((await client.listServices(scope, q)).items);
        case 'environments':
          return named((await client.listEnvironments(scope, q)).items);
        case 'infrastructures': {
          const env = p.environmentIdentifier;
          if (env === undefined || env === '') return [];
          return named((await client.listInfrastructures(scope, env, q)).items);
        }
        case 'userGroups':
          return named(
            (await client.listUserGroups({ orgId: p.orgIdentifier, projectId: p.projectIdentifier }, q))
              .items,
          );
        case 'organizations':
          return named((await client.listOrganizations(q)).items);
        case 'projects':
          return named((await client.listProjects(p.orgIdentifier ?? defaults.orgId, q)).items);
        case 'catalogEntities':
          return (await client.listCatalogEntities(query.source.kinds, q)).map((e) => ({
            value: e.ref,
            label: e.name,
            description: e.kind,
          }));
      }
    },
  };
}
