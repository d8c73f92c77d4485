/**
 * IDP catalog entity references, written `kind:scope/name`. IDP 2.0 writes the scope
 * (`group:account/sre`, `group:account.default.platform/admins`); IDP 1.0 and Backstage write a
 * namespace, `default` for Harness's entities (`group:default/sre`), and Backstage compares refs
 * case-insensitively (https://backstage.io/docs/features/software-catalog/references/). Owner
 * values typed or copied from either are matched here, and only here.
 */
export interface EntityRef {
  kind: string | undefined;
  scope: string;
  name: string;
}

/** Backstage's `[kind:][namespace/]name`; a missing namespace is `default`. */
export function parseEntityRef(ref: string): EntityRef {
  const colon = ref.indexOf(':');
  const kind = colon > 0 && !ref.slice(0, colon).includes('/') ? ref.slice(0, colon) : undefined;
  const rest = kind === undefined ? ref : ref.slice(colon + 1);
  const slash = rest.indexOf('/');
  return {
    kind: kind?.toLowerCase(),
    scope: slash < 0 ? 'default' : rest.slice(0, slash),
    name: slash < 0 ? rest : rest.slice(slash + 1),
  };
}

/** Backstage's `default` namespace is IDP 2.0's account scope. */
function scopeKey(scope: string): string {
  const s = scope.toLowerCase();
  return s === 'default' ? 'account' : s;
}

/** Whether `written` (as a person or IDP wrote it) names the same entity as the catalog's `ref`. */
export function sameEntity(written: string, ref: string): boolean {
  const a = parseEntityRef(written.trim());
  const b = parseEntityRef(ref);
  return (
    (a.kind === undefined || a.kind === b.kind) &&
    scopeKey(a.scope) === scopeKey(b.scope) &&
    a.name.toLowerCase() === b.name.toLowerCase()
  );
}

/** What to search the catalog for when a person typed a whole reference: its name. */
export function entitySearchTerm(text: string): string {
  return /^[\w-]+:|\//.test(text) ? parseEntityRef(text.trim()).name : text;
}

/** The reference of a catalog entity, as IDP 2.0 writes it. */
export function entityRef(kind: string, scope: string | undefined, identifier: string): string {
  return `${kind.toLowerCase()}:${scope ?? 'account'}/${identifier}`;
}
