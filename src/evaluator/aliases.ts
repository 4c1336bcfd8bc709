/**
 * Alias catalogs for the evaluator. Input shape: the Get-AzPolicyAlias / `az provider list --expand
 * resourceTypes/aliases` JSON (namespace -> resourceTypes -> aliases with defaultPath, per-api-version
 * paths and metadata). A catalog passed by the caller wins over the bundled one for every alias it defines.
 *
 * Lookups are keyed by (resource type, alias name), both case-insensitive: the same short alias resolves to
 * different paths on different types (Microsoft.Compute/imagePublisher on VMs vs VM scale sets), and built-ins
 * write alias names in varying case (aliases-and-arrays.md §1).
 */
import { fold } from './case-fold.js';
import { EvaluatorCode, PolicyDefinitionError } from './errors.js';
import { isObject } from './values.js';

export interface AliasPathEntry {
  readonly path: string;
  readonly apiVersions: readonly string[];
}

export interface EvaluatorAlias {
  readonly name: string;
  readonly defaultPath: string;
  readonly paths?: readonly AliasPathEntry[];
  /** true/false when the catalog carries metadata attributes; undefined when unknown. */
  readonly modifiable?: boolean;
}

export interface EvaluatorResourceType {
  /** Full type, e.g. Microsoft.Storage/storageAccounts. */
  readonly type: string;
  /** "SupportsTags, SupportsLocation" style flags when known (decides Indexed mode). */
  readonly capabilities?: string;
  readonly aliases: ReadonlyMap<string, EvaluatorAlias>;
}

/** What the evaluator needs from any catalog. */
export interface AliasSource {
  /** Aliases and capabilities of one resource type (lower-cased lookup), or undefined. */
  getType(resourceType: string): EvaluatorResourceType | undefined;
  /** Finds an alias by name in any type (used to check Modifiable at compile time). */
  findAlias(aliasName: string): EvaluatorAlias | undefined;
}

/** Shape of helper A's bundled catalog (src/catalog/aliases.ts). */
export interface BundledAliasCatalogLike {
  get(resourceType: string): ReadonlyMap<string, { name: string; defaultPath: string; paths?: readonly AliasPathEntry[] }> | undefined;
  find?(aliasName: string): { name: string; defaultPath: string; paths?: readonly AliasPathEntry[] } | undefined;
}

class MapAliasSource implements AliasSource {
  constructor(
    private readonly types: Map<string, EvaluatorResourceType>,
    private readonly byName: Map<string, EvaluatorAlias>,
  ) {}
  getType(resourceType: string): EvaluatorResourceType | undefined {
    return this.types.get(fold(resourceType));
  }
  findAlias(aliasName: string): EvaluatorAlias | undefined {
    return this.byName.get(fold(aliasName));
  }
}

function attributesModifiable(meta: unknown): boolean | undefined {
  if (!isObject(meta)) return undefined;
  const attrs = meta['attributes'];
  if (typeof attrs !== 'string') return undefined;
  return attrs.split(',').some((a) => a.trim().toLowerCase() === 'modifiable');
}

/**
 * Reads a Get-AzPolicyAlias style catalog: an array of providers, or `{ value: [...] }` as the REST API
 * returns it. Throws ZT5006 with the JSON path of the first malformed entry.
 */
export function aliasSourceFromJson(json: unknown, label = 'alias catalog'): AliasSource {
  const providers = Array.isArray(json) ? json : isObject(json) && Array.isArray(json['value']) ? json['value'] : undefined;
  if (!providers) {
    throw new PolicyDefinitionError(EvaluatorCode.aliasCatalog, `${label}: expected an array of resource providers (Get-AzPolicyAlias JSON)`, {
      hint: 'export it with `az provider list --expand resourceTypes/aliases` or Get-AzPolicyAlias | ConvertTo-Json -Depth 10',
    });
  }
  const types = new Map<string, EvaluatorResourceType>();
  const byName = new Map<string, EvaluatorAlias>();
  providers.forEach((p: unknown, i) => {
    const ns = isObject(p) ? p['namespace'] : undefined;
    const rts = isObject(p) ? p['resourceTypes'] : undefined;
    if (typeof ns !== 'string' || !Array.isArray(rts)) {
      throw new PolicyDefinitionError(EvaluatorCode.aliasCatalog, `${label}: provider entry needs "namespace" and "resourceTypes"`, { jsonPath: `$[${i}]` });
    }
    rts.forEach((rt: unknown, j) => {
      const rtName = isObject(rt) ? rt['resourceType'] : undefined;
      if (typeof rtName !== 'string') {
        throw new PolicyDefinitionError(EvaluatorCode.aliasCatalog, `${label}: resource type entry needs "resourceType"`, { jsonPath: `$[${i}].resourceTypes[${j}]` });
      }
      const full = `${ns}/${rtName}`;
      const key = fold(full);
      const existing = types.get(key);
      const aliases = new Map<string, EvaluatorAlias>(existing?.aliases ?? []);
      const list = isObject(rt) && Array.isArray(rt['aliases']) ? (rt['aliases'] as unknown[]) : [];
      list.forEach((a: unknown, k) => {
        if (!isObject(a) || typeof a['name'] !== 'string') {
          throw new PolicyDefinitionError(EvaluatorCode.aliasCatalog, `${label}: alias entry needs "name"`, {
            jsonPath: `$[${i}].resourceTypes[${j}].aliases[${k}]`,
          });
        }
        const paths = Array.isArray(a['paths'])
          ? (a['paths'] as unknown[]).filter(isObject).map((x) => ({
              path: String(x['path'] ?? ''),
              apiVersions: Array.isArray(x['apiVersions']) ? (x['apiVersions'] as unknown[]).map(String) : [],
            }))
          : [];
        const defaultPath = typeof a['defaultPath'] === 'string' ? a['defaultPath'] : (paths[0]?.path ?? '');
        const entry: EvaluatorAlias = {
          name: a['name'],
          defaultPath,
          paths,
          modifiable: attributesModifiable(a['defaultMetadata']),
        };
        aliases.set(fold(a['name']), entry);
        if (!byName.has(fold(a['name']))) byName.set(fold(a['name']), entry);
      });
      const capabilities = isObject(rt) && typeof rt['capabilities'] === 'string' ? rt['capabilities'] : existing?.capabilities;
      types.set(key, { type: full, ...(capabilities !== undefined ? { capabilities } : {}), aliases });
    });
  });
  return new MapAliasSource(types, byName);
}

/** Adapts helper A's bundled catalog (get/find) to an AliasSource. */
export function aliasSourceFromCatalog(catalog: BundledAliasCatalogLike): AliasSource {
  const typeCache = new Map<string, EvaluatorResourceType | undefined>();
  return {
    getType(resourceType) {
      const key = fold(resourceType);
      if (typeCache.has(key)) return typeCache.get(key);
      const m = catalog.get(resourceType);
      let out: EvaluatorResourceType | undefined;
      if (m) {
        const aliases = new Map<string, EvaluatorAlias>();
        for (const [k, v] of m) aliases.set(fold(k), { name: v.name, defaultPath: v.defaultPath, ...(v.paths ? { paths: v.paths } : {}) });
        out = { type: resourceType, aliases };
      }
      typeCache.set(key, out);
      return out;
    },
    findAlias(aliasName) {
      const v = catalog.find?.(aliasName);
      return v ? { name: v.name, defaultPath: v.defaultPath, ...(v.paths ? { paths: v.paths } : {}) } : undefined;
    },
  };
}

/** Layers catalogs: the first that defines an alias wins; capabilities from the first that has them. */
export function layeredAliasSource(sources: readonly AliasSource[]): AliasSource {
  if (sources.length === 1) return sources[0]!;
  const cache = new Map<string, EvaluatorResourceType | undefined>();
  return {
    getType(resourceType) {
      const key = fold(resourceType);
      if (cache.has(key)) return cache.get(key);
      const found = sources.map((s) => s.getType(resourceType)).filter((t): t is EvaluatorResourceType => t !== undefined);
      let out: EvaluatorResourceType | undefined;
      if (found.length === 1) out = found[0];
      else if (found.length > 1) {
        const aliases = new Map<string, EvaluatorAlias>();
        for (const t of [...found].reverse()) for (const [k, v] of t.aliases) aliases.set(k, v);
        const capabilities = found.find((t) => t.capabilities !== undefined)?.capabilities;
        out = { type: found[0]!.type, ...(capabilities !== undefined ? { capabilities } : {}), aliases };
      }
      cache.set(key, out);
      return out;
    },
    findAlias(aliasName) {
      for (const s of sources) {
        const a = s.findAlias(aliasName);
        if (a) return a;
      }
      return undefined;
    },
  };
}

export const EMPTY_ALIAS_SOURCE: AliasSource = { getType: () => undefined, findAlias: () => undefined };

/** Path of an alias for an API version: the paths[] entry listing it, else defaultPath (Learn, aliases). */
export function aliasPathFor(alias: EvaluatorAlias, apiVersion: string | undefined): string {
  if (apiVersion && alias.paths) {
    const v = fold(apiVersion);
    for (const p of alias.paths) if (p.apiVersions.some((x) => fold(x) === v)) return p.path;
  }
  return alias.defaultPath;
}
