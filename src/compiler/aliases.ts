/**
 * Alias checks at compile time against the runtime alias catalog of src/catalog: the types already restrict
 * `field(...)` to the aliases of the control's resource type, but raw strings, `rawField()`, `fieldsOf()` and
 * field() inside expressions are only checked here. Lookups are case-insensitive (Azure matches alias names
 * case-insensitively, aliases-and-arrays.md §1).
 */
import { loadBundledAliases, suggestAlias, type AliasCatalog } from '../catalog/aliases.js';

export type AliasProblem =
  | { readonly kind: 'unknown'; readonly suggestion?: string }
  | { readonly kind: 'otherType'; readonly types: readonly string[] };

export interface AliasChecker {
  /** undefined when `alias` is an alias of `resourceType`. */
  check(resourceType: string, alias: string): AliasProblem | undefined;
}

/** A checker over an alias catalog (the bundled one by default). */
export function aliasCheckerFrom(catalog: AliasCatalog): AliasChecker {
  return {
    check(resourceType, alias) {
      const own = catalog.get(resourceType);
      if (own?.has(alias.toLowerCase())) return undefined;
      const others = catalog.findAll(alias).map((e) => e.resourceType);
      if (others.length > 0) return { kind: 'otherType', types: [...others].sort() };
      const suggestion = suggestAlias(resourceType, alias, catalog);
      return suggestion === undefined ? { kind: 'unknown' } : { kind: 'unknown', suggestion };
    },
  };
}

let bundled: AliasChecker | undefined;
/** The checker over the vendored catalog (loaded once, on first use). */
export function bundledAliasChecker(): AliasChecker {
  bundled ??= aliasCheckerFrom(loadBundledAliases());
  return bundled;
}
