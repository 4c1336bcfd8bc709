/**
 * Typed built-in policy catalog (for the DSL) and runtime access to the built-in definitions (for the evaluator
 * and the publisher).
 *
 *   import { builtin, getBuiltinPolicy, getBuiltinDefinitionJson, builtinPolicies } from '../catalog/builtins.js';
 *   builtin.storageAccountsShouldPreventSharedKeyAccess   // BuiltinPolicy<{ effect: {...allowedValues: ['Audit','Deny','Disabled']} }>
 *   getBuiltinPolicy('8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54') // same object, by GUID or full id, case-insensitive
 *   getBuiltinDefinitionJson(guid)                          // { name, id, properties: { policyRule, parameters, mode, ... } }
 *
 * - `builtin`: every public-cloud built-in policy definition of ../shared/azure/builtins (3,594: all categories;
 *   the 7 definitions that exist only in `Azure Government/` are left out), keyed by a camelCase form of its display
 *   name ("[Preview]: X" -> previewX). When display names collide, the one non-deprecated definition keeps the plain
 *   key and the others get `_<first 8 hex digits of the GUID>`. Each value is typed with the BuiltinPolicy<P>
 *   contract of ./types.ts with literal allowedValues, so a wrong parameter name or value is a compile error.
 * - `effects` are lower-case; `deprecated`/`preview` come from metadata or the "[Deprecated]"/"[Preview]" display
 *   name prefix; `version` is metadata.version; `mode` is 'Indexed' when the definition omits it (documented
 *   default for a null mode).
 * - Runtime data is vendored in ./data (builtin-index.json.gz: the summaries; builtins.json.gz: full documents),
 *   read lazily on first use and cached. See data/SOURCES.md.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { packagePath } from '../io/paths.js';
import type { BuiltinPolicy } from './types.js';
import type { BuiltinCatalog } from './generated/builtin-types.js';

export type { BuiltinCatalog };

/** Key of the typed catalog (camelCase display name). */
export type BuiltinKey = keyof BuiltinCatalog;

/** A full built-in definition document as Azure publishes it. */
export interface BuiltinDefinitionDocument {
  readonly name: string;
  readonly id?: string;
  readonly properties: {
    readonly displayName?: string;
    readonly description?: string;
    readonly policyType?: string;
    readonly mode?: string;
    readonly metadata?: Readonly<Record<string, unknown>>;
    readonly version?: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
    readonly policyRule: { readonly if: unknown; readonly then: unknown };
    readonly [key: string]: unknown;
  };
}

function readGzJson(file: string): unknown {
  const path = packagePath('src', 'catalog', 'data', file);
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch (e) {
    throw new Error(`catalog data ${path} is unreadable (${(e as Error).message}); re-run: node --import tsx src/catalog/generate.ts`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`catalog data ${path} is not valid JSON (${(e as Error).message}); re-run: node --import tsx src/catalog/generate.ts`);
  }
}

let index: Readonly<Record<string, BuiltinPolicy>> | undefined;
let byGuid: Map<string, BuiltinPolicy> | undefined;
let documents: Map<string, BuiltinDefinitionDocument> | undefined;

function loadIndex(): Readonly<Record<string, BuiltinPolicy>> {
  if (index) return index;
  const data = readGzJson('builtin-index.json.gz') as { format?: number; builtins?: Record<string, BuiltinPolicy> };
  if (data.format !== 1 || typeof data.builtins !== 'object' || data.builtins === null) {
    throw new Error('catalog data builtin-index.json.gz: unexpected format; re-run the generator');
  }
  for (const p of Object.values(data.builtins)) deepFreeze(p);
  index = Object.freeze(data.builtins);
  byGuid = new Map(Object.values(index).map((p) => [p.name.toLowerCase(), p]));
  return index;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * The typed catalog. A Proxy so that importing this module costs nothing until a built-in is used; property
 * access, `in`, Object.keys() and iteration all see the full, frozen catalog.
 */
export const builtin: BuiltinCatalog = new Proxy({} as Record<string, BuiltinPolicy>, {
  get: (_t, key) => (typeof key === 'string' ? loadIndex()[key] : undefined),
  has: (_t, key) => typeof key === 'string' && key in loadIndex(),
  ownKeys: () => Reflect.ownKeys(loadIndex()),
  getOwnPropertyDescriptor: (_t, key) => {
    const value = typeof key === 'string' ? loadIndex()[key] : undefined;
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
}) as unknown as BuiltinCatalog;

/** All built-ins of the catalog as [key, policy] pairs, sorted by key. */
export function builtinPolicies(): readonly (readonly [string, BuiltinPolicy])[] {
  return Object.entries(loadIndex());
}

const ID_PREFIX = '/providers/microsoft.authorization/policydefinitions/';

function guidOf(guidOrId: string): string {
  const lower = guidOrId.trim().toLowerCase();
  return lower.startsWith(ID_PREFIX) ? lower.slice(ID_PREFIX.length) : lower;
}

/** The typed summary of a built-in by GUID or full id (/providers/Microsoft.Authorization/policyDefinitions/<guid>). */
export function getBuiltinPolicy(guidOrId: string): BuiltinPolicy | undefined {
  loadIndex();
  return byGuid!.get(guidOf(guidOrId));
}

/** The catalog key of a built-in by GUID or id (for messages such as "use builtin.x"). */
export function getBuiltinKey(guidOrId: string): string | undefined {
  const p = getBuiltinPolicy(guidOrId);
  if (!p) return undefined;
  return Object.keys(loadIndex()).find((k) => index![k] === p);
}

/**
 * The full definition document of a built-in by GUID or id, as published in Azure/azure-policy (frozen; clone it
 * before changing it). The first call reads and parses all 3,594 documents (about 1.2 MB gzip).
 */
export function getBuiltinDefinitionJson(guidOrId: string): BuiltinDefinitionDocument | undefined {
  if (!documents) {
    const data = readGzJson('builtins.json.gz') as { format?: number; definitions?: Record<string, BuiltinDefinitionDocument> };
    if (data.format !== 1 || typeof data.definitions !== 'object' || data.definitions === null) {
      throw new Error('catalog data builtins.json.gz: unexpected format; re-run the generator');
    }
    documents = new Map(Object.entries(data.definitions));
  }
  const doc = documents.get(guidOf(guidOrId));
  // Frozen on first hand-out rather than at load: freezing all 3,594 documents up front doubles the load time.
  return doc && !Object.isFrozen(doc) ? deepFreeze(doc) : doc;
}
