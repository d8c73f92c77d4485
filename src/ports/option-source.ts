/**
 * The seam between forms and whatever lists choices (the Harness client, the IDP catalog).
 * A picker field names an endpoint and its parameters; the Slack layer asks an OptionSource
 * for the options when Slack sends a block_suggestion, within its 3-second budget.
 */
export type PickerEndpoint =
  | 'services'
  | 'environments'
  | 'infrastructures'
  | 'userGroups'
  | 'organizations'
  | 'projects'
  | 'catalogEntities';

export interface PickerSource {
  endpoint: PickerEndpoint;
  /** Query parameters; a value may hold `{{ parameters.x }}` taken from the form. */
  params: Record<string, string>;
  /** Fields whose values the parameters need. */
  dependsOn: string[];
  /** Catalog kinds to list (catalogEntities only). */
  kinds: string[];
  /** Whether a typed value that matches nothing may be used as is. */
  allowArbitraryValues: boolean;
}

export interface PickerOption {
  value: string;
  label: string;
  description?: string;
}

export interface OptionQuery {
  workflowId: string;
  field: string;
  source: PickerSource;
  /** Parameters with every `{{ parameters.x }}` filled in. */
  params: Record<string, string>;
  /** What the person typed. */
  text: string;
}

export interface OptionSource {
  search(query: OptionQuery, signal?: AbortSignal): Promise<PickerOption[]>;
}
