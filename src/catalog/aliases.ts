/**
 * Runtime alias catalog (for the evaluator, the DSL's build-time alias check and error messages).
 *
 *   import { loadBundledAliases, suggestAlias } from '../catalog/aliases.js';
 *   const cat = loadBundledAliases();                       // cached after the first call
 *   cat.get('microsoft.storage/storageaccounts')?.get('microsoft.storage/storageaccounts/minimumtlsversion')
 *     // -> { name: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', defaultPath: 'properties.minimumTlsVersion', resourceType: ... }
 *   cat.find('MICROSOFT.STORAGE/storageAccounts/minimumTlsVersion')  // case-insensitive by full name
 *   suggestAlias('Microsoft.Storage/storageAccounts', 'Microsoft.Storage/storageAccounts/minimumTlsVerson')
 *     // -> 'Microsoft.Storage/storageAccounts/minimumTlsVersion'
 *
 * - Complete: all 76,170 rows of ../shared/azure/aliases/aliases-by-resource-type.csv (1,454 resource types,
 *   2026-08-21 dump), vendored as data/aliases.json.gz by src/catalog/generate.ts (see data/SOURCES.md).
 * - Resource types and alias names are matched case-insensitively (Azure does). `get(type)` returns a map keyed by
 *   the lower-cased alias name. Names use the same canonical casing as the compile-time AliasOf<T>
 *   (./alias-types.ts): the type prefix of every alias is spelled like its resource type.
 * - The same alias name can exist on several types with different paths (Microsoft.Compute/imagePublisher on
 *   virtualMachines, virtualMachineScaleSets and disks): resolve with get(type); find(name) returns one of them
 *   and findAll(name) all of them.
 * - The source has defaultPath only; `paths` (per api-version) is present only in catalogs built from a
 *   Get-AzPolicyAlias dump with aliasCatalogFromPolicyAliasJson(); overlayAliasCatalog(custom, bundled) makes a
 *   caller-supplied catalog win for every alias it defines.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { distance } from 'fastest-levenshtein';
import { packagePath } from '../io/paths.js';
import type { AliasEntry } from './types.js';

/** An alias as the runtime catalog holds it: the contract's AliasEntry plus the resource type it belongs to. */
export interface CatalogAliasEntry extends AliasEntry {
  /** Canonical casing of the resource type, e.g. Microsoft.Storage/storageAccounts */
  readonly resourceType: string;
}

export interface AliasCatalog {
  /** Aliases of a resource type (any casing), keyed by lower-cased alias name; undefined for an unknown type. */
  get(resourceType: string): ReadonlyMap<string, CatalogAliasEntry> | undefined;
  /** All resource types, canonical casing, sorted case-insensitively. */
  resourceTypes(): readonly string[];
  /**
   * An alias by full name, case-insensitive. Prefers the type the name starts with; a namespace-level alias defined
   * by several types (Microsoft.Compute/imagePublisher) gives the first of them in sorted order: use get(type).
   */
  find(aliasName: string): CatalogAliasEntry | undefined;
  /** Every resource type's entry for this alias name (case-insensitive). */
  findAll(aliasName: string): readonly CatalogAliasEntry[];
  /** Canonical casing of a resource type, or undefined when the catalog does not know it. */
  canonicalResourceType(resourceType: string): string | undefined;
  /** Number of (resource type, alias) rows (builds every type's map). */
  readonly size: number;
}

/** A row of data/aliases.json.gz (format 2, see aliasRuntimeJson in ./generate.ts). */
export type EncodedAliasRow = readonly [string] | readonly [string, string] | readonly [string, string, 1];

/** Inverse of the generator's row encoding. */
export function decodeAliasRow(type: string, row: EncodedAliasRow): AliasEntry {
  if (row.length === 1) return { name: `${type}/${row[0]}`, defaultPath: `properties.${row[0]}` };
  if (row.length === 2) return { name: `${type}/${row[0]}`, defaultPath: row[1] };
  return { name: row[0], defaultPath: row[1] };
}

type Source = Iterable<AliasEntry> | (() => Iterable<AliasEntry>);

/**
 * Per-type maps are built on first use of the type, and the by-name index on the first find(): the evaluator
 * touches a handful of types, and building all 76,170 entries up front would triple the load time.
 */
class MapAliasCatalog implements AliasCatalog {
  readonly #sources = new Map<string, Source[]>();
  readonly #byType = new Map<string, ReadonlyMap<string, CatalogAliasEntry>>();
  readonly #canonical = new Map<string, string>();
  #byName: Map<string, CatalogAliasEntry[]> | undefined;
  readonly #types: readonly string[];
  #size: number | undefined;

  constructor(types: Iterable<readonly [string, Source]>) {
    const names: string[] = [];
    for (const [type, entries] of types) {
      const lowerType = type.toLowerCase();
      let list = this.#sources.get(lowerType);
      if (!list) {
        this.#sources.set(lowerType, (list = []));
        this.#canonical.set(lowerType, type);
        names.push(type);
      }
      list.push(entries);
    }
    this.#types = Object.freeze(names.sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase()) || cmp(a, b)));
  }

  get(resourceType: string): ReadonlyMap<string, CatalogAliasEntry> | undefined {
    const lowerType = resourceType.toLowerCase();
    const built = this.#byType.get(lowerType);
    if (built) return built;
    const sources = this.#sources.get(lowerType);
    if (!sources) return undefined;
    const canonicalType = this.#canonical.get(lowerType)!;
    const map = new Map<string, CatalogAliasEntry>();
    for (const source of sources) {
      for (const e of typeof source === 'function' ? source() : source) {
        const entry: CatalogAliasEntry = e.paths
          ? Object.freeze({ name: e.name, defaultPath: e.defaultPath, paths: e.paths, resourceType: canonicalType })
          : Object.freeze({ name: e.name, defaultPath: e.defaultPath, resourceType: canonicalType });
        map.set(e.name.toLowerCase(), entry); // a later source wins (overlay)
      }
    }
    this.#byType.set(lowerType, map);
    return map;
  }

  resourceTypes(): readonly string[] {
    return this.#types;
  }

  #index(): Map<string, CatalogAliasEntry[]> {
    if (this.#byName) return this.#byName;
    const byName = new Map<string, CatalogAliasEntry[]>();
    for (const t of this.#types) {
      for (const [key, entry] of this.get(t)!) {
        let list = byName.get(key);
        if (!list) byName.set(key, (list = []));
        list.push(entry);
      }
    }
    return (this.#byName = byName);
  }

  find(aliasName: string): CatalogAliasEntry | undefined {
    const key = aliasName.toLowerCase();
    if (!this.#byName) {
      // Fast path without building every type: an alias is normally named <type>/<property>, so try the types its
      // name starts with, longest first (Microsoft.Storage/storageAccounts/blobServices before .../storageAccounts).
      const parts = key.split('/');
      for (let n = parts.length - 1; n >= 2; n--) {
        const hit = this.get(parts.slice(0, n).join('/'))?.get(key);
        if (hit) return hit;
      }
    }
    return this.#index().get(key)?.[0];
  }

  findAll(aliasName: string): readonly CatalogAliasEntry[] {
    return this.#index().get(aliasName.toLowerCase()) ?? [];
  }

  canonicalResourceType(resourceType: string): string | undefined {
    return this.#canonical.get(resourceType.toLowerCase());
  }

  get size(): number {
    if (this.#size === undefined) {
      let n = 0;
      for (const t of this.#types) n += this.get(t)!.size;
      this.#size = n;
    }
    return this.#size;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds a catalog from (resource type, aliases) pairs; the aliases may be a function called on first use of the
 * type. Later pairs win for an alias defined twice.
 */
export function createAliasCatalog(types: Iterable<readonly [string, Source]>): AliasCatalog {
  return new MapAliasCatalog(types);
}

let bundled: AliasCatalog | undefined;
let bundledLoadMs: number | undefined;

/** The vendored catalog (all rows of the CSV), read and indexed on the first call, then cached. */
export function loadBundledAliases(): AliasCatalog {
  if (bundled) return bundled;
  const started = performance.now();
  const path = packagePath('src', 'catalog', 'data', 'aliases.json.gz');
  let data: { format?: number; types?: Record<string, EncodedAliasRow[]> };
  try {
    data = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as typeof data;
  } catch (e) {
    throw new Error(`catalog data ${path} is unreadable (${(e as Error).message}); re-run: node --import tsx src/catalog/generate.ts`);
  }
  if (data.format !== 2 || typeof data.types !== 'object' || data.types === null) {
    throw new Error(`catalog data ${path}: unexpected format; re-run: node --import tsx src/catalog/generate.ts`);
  }
  const types = data.types;
  bundled = createAliasCatalog(
    Object.keys(types).map((t) => [t, () => types[t]!.map((row) => decodeAliasRow(t, row))] as const),
  );
  bundledLoadMs = performance.now() - started;
  return bundled;
}

/** Milliseconds the first loadBundledAliases() took (undefined before it ran); for benchmarks and diagnostics. */
export function bundledAliasesLoadMs(): number | undefined {
  return bundledLoadMs;
}

/**
 * A catalog from Get-AzPolicyAlias / the providers API shape:
 * `[{ namespace, resourceTypes: [{ resourceType, aliases: [{ name, defaultPath, paths: [{ path, apiVersions }] }] }] }]`
 * (a single provider object is accepted too). Throws a message naming the JSON path of the first malformed part.
 */
export function aliasCatalogFromPolicyAliasJson(json: unknown, source = 'aliases'): AliasCatalog {
  const providers = Array.isArray(json) ? json : [json];
  const pairs: [string, AliasEntry[]][] = [];
  providers.forEach((p, i) => {
    const at = Array.isArray(json) ? `${source}[${i}]` : source;
    if (!isObject(p) || typeof p.namespace !== 'string' || !Array.isArray(p.resourceTypes)) {
      throw new Error(`${at}: expected { namespace: string, resourceTypes: [...] } (Get-AzPolicyAlias output)`);
    }
    p.resourceTypes.forEach((rt, j) => {
      const rat = `${at}.resourceTypes[${j}]`;
      if (!isObject(rt) || typeof rt.resourceType !== 'string' || !Array.isArray(rt.aliases)) {
        throw new Error(`${rat}: expected { resourceType: string, aliases: [...] }`);
      }
      const entries: AliasEntry[] = rt.aliases.map((a, k) => {
        const aat = `${rat}.aliases[${k}]`;
        if (!isObject(a) || typeof a.name !== 'string') throw new Error(`${aat}: expected an alias with a string name`);
        const paths = Array.isArray(a.paths)
          ? a.paths.map((x, n) => {
              if (!isObject(x) || typeof x.path !== 'string') throw new Error(`${aat}.paths[${n}]: expected { path, apiVersions }`);
              const apiVersions = Array.isArray(x.apiVersions) ? x.apiVersions.filter((v): v is string => typeof v === 'string') : [];
              return { path: x.path, apiVersions };
            })
          : undefined;
        // The providers API leaves defaultPath out when it equals the only path; fall back to the last path listed.
        const defaultPath = typeof a.defaultPath === 'string' ? a.defaultPath : paths?.[paths.length - 1]?.path;
        if (defaultPath === undefined) throw new Error(`${aat}: alias ${a.name} has neither defaultPath nor paths`);
        return paths ? { name: a.name, defaultPath, paths } : { name: a.name, defaultPath };
      });
      pairs.push([`${p.namespace}/${rt.resourceType}`, entries]);
    });
  });
  return createAliasCatalog(pairs);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A catalog where `over` wins for every alias it defines and `base` answers the rest (the evaluator's `aliases`
 * option over the bundled catalog). Resource type casing comes from `base` when both know the type.
 */
export function overlayAliasCatalog(over: AliasCatalog, base: AliasCatalog): AliasCatalog {
  const pairs: [string, () => AliasEntry[]][] = [];
  for (const t of base.resourceTypes()) pairs.push([t, () => [...base.get(t)!.values()].map(stripType)]);
  for (const t of over.resourceTypes()) pairs.push([base.canonicalResourceType(t) ?? t, () => [...over.get(t)!.values()].map(stripType)]);
  return createAliasCatalog(pairs);
}

function stripType(e: CatalogAliasEntry): AliasEntry {
  return e.paths ? { name: e.name, defaultPath: e.defaultPath, paths: e.paths } : { name: e.name, defaultPath: e.defaultPath };
}

/**
 * "Did you mean" for an unknown alias: the closest alias name of the resource type (Levenshtein distance on
 * lower-cased names), or undefined when nothing is close (more than a third of the name would have to change) or
 * the type is unknown. Pass a catalog to search another one than the bundled catalog.
 */
export function suggestAlias(resourceType: string, name: string, catalog: AliasCatalog = loadBundledAliases()): string | undefined {
  const aliases = catalog.get(resourceType);
  if (!aliases || name.length === 0) return undefined;
  const wanted = name.toLowerCase();
  if (aliases.has(wanted)) return aliases.get(wanted)!.name;
  // Authors often write only the property part ("minimumTlsVersion"): complete it with the type prefix.
  const prefixed = `${resourceType.toLowerCase()}/${wanted}`;
  const candidates = wanted.includes('/') ? [wanted] : [wanted, prefixed];
  let best: CatalogAliasEntry | undefined;
  let bestDistance = Infinity;
  for (const [key, entry] of aliases) {
    for (const c of candidates) {
      const d = distance(c, key);
      if (d < bestDistance || (d === bestDistance && best && entry.name < best.name)) {
        best = entry;
        bestDistance = d;
      }
    }
  }
  // The shared type prefix must not make a far-off property look close: the budget is a third of the property part.
  const typePrefix = `${resourceType.toLowerCase()}/`;
  const property = wanted.startsWith(typePrefix) ? wanted.slice(typePrefix.length) : wanted.slice(wanted.lastIndexOf('/') + 1);
  const limit = Math.max(2, Math.floor(property.length / 3));
  return best && bestDistance <= limit ? best.name : undefined;
}

/** "Did you mean" for an unknown resource type (among the types that have aliases). */
export function suggestResourceType(resourceType: string, catalog: AliasCatalog = loadBundledAliases()): string | undefined {
  const wanted = resourceType.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const t of catalog.resourceTypes()) {
    const d = distance(wanted, t.toLowerCase());
    if (d < bestDistance) {
      best = t;
      bestDistance = d;
    }
  }
  return best && bestDistance <= Math.max(2, Math.floor(wanted.length / 4)) ? best : undefined;
}
