import { isRecord } from '../is-record.js';
import type { FormValues } from './json-schema.js';
import type { PickerEndpoint, PickerSource } from '../ports/option-source.js';

const PARAM_REF = /\{\{\s*parameters\.([A-Za-z_$][\w$-]*)\s*\}\}/g;

/** Known IDP proxy paths, mapped to what the bot can list itself. */
const API_PATHS: readonly [RegExp, PickerEndpoint][] = [
  [/^ng\/api\/servicesV2$/, 'services'],
  [/^ng\/api\/environmentsV2$/, 'environments'],
  [/^ng\/api\/infrastructures$/, 'infrastructures'],
  [/^ng\/api\/user-groups$/, 'userGroups'],
  [/^ng\/api\/organizations$/, 'organizations'],
  [/^ng\/api\/projects$/, 'projects'],
  [/^v1\/entities$/, 'catalogEntities'],
];

const CATALOG_FIELDS = new Set([
  'OwnerPicker',
  'HarnessOwnerPicker',
  'EntityPicker',
  'MultiEntityPicker',
  'EntityFieldPicker',
]);

export const MULTI_PICKER_FIELDS = new Set(['MultiEntityPicker']);

/**
 * The picker behind a `ui:field`, or `undefined` when the field is not a picker.
 * `unknownPath` is set for a SelectFieldFromApi whose path the bot cannot serve.
 */
export function pickerSourceFor(
  uiField: string,
  options: Record<string, unknown>,
): { source: PickerSource } | { unknownPath: string } | undefined {
  const base = {
    params: {},
    dependsOn: [],
    kinds: [],
    allowArbitraryValues: options.allowArbitraryValues === true,
  };
  switch (uiField) {
    case 'HarnessUserGroupPicker':
      return { source: { ...base, endpoint: 'userGroups' } };
    case 'HarnessOrgPicker':
      return { source: { ...base, endpoint: 'organizations' } };
    case 'HarnessProjectPicker':
      return { source: { ...base, endpoint: 'projects' } };
    case 'SelectFieldFromApi':
      return selectFieldFromApi(options);
    default:
      if (CATALOG_FIELDS.has(uiField)) {
        return { source: { ...base, endpoint: 'catalogEntities', kinds: catalogKinds(options) } };
      }
      return undefined;
  }
}

function selectFieldFromApi(
  options: Record<string, unknown>,
): { source: PickerSource } | { unknownPath: string } {
  const path = typeof options.path === 'string' ? options.path : '';
  const [rawPath = '', query = ''] = path.split('?', 2);
  const apiPath = rawPath.replace(/^\/?proxy\/[^/]+\//, '').replace(/^\/+/, '');
  const endpoint = API_PATHS.find(([re]) => re.test(apiPath))?.[1];
  if (endpoint === undefined) return { unknownPath: path };
  const params: Record<string, string> = {};
  const dependsOn = new Set<string>();
  for (const [k, v] of new URLSearchParams(query.replace(/\{\{[^}]*\}\}/g, (m) => encodeURIComponent(m)))) {
    params[k] = v;
    for (const m of v.matchAll(PARAM_REF)) if (m[1] !== undefined) dependsOn.add(m[1]);
  }
  return {
    source: { endpoint, params, dependsOn: [...dependsOn], kinds: [], allowArbitraryValues: false },
  };
}

function catalogKinds(options: Record<string, unknown>): string[] {
  const filter = options.catalogFilter;
  const fromFilter = isRecord(filter) ? filter.kind : undefined;
  const allowed = options.allowedKinds;
  const raw = fromFilter ?? allowed;
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) ? raw.filter((k): k is string => typeof k === 'string') : [];
}

/** Fills `{{ parameters.x }}` from the form; names the fields still missing. */
export function resolvePickerParams(
  source: PickerSource,
  values: FormValues,
): { ok: true; params: Record<string, string> } | { ok: false; missing: string[] } {
  const missing = new Set<string>();
  const params: Record<string, string> = {};
  for (const [k, template] of Object.entries(source.params)) {
    params[k] = template.replace(PARAM_REF, (_m, key: string) => {
      const v = values[key];
      if (v === undefined || v === null || v === '') {
        missing.add(key);
        return '';
      }
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  return missing.size > 0 ? { ok: false, missing: [...missing] } : { ok: true, params };
}
