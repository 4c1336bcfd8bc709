/**
 * The live estate as a preview source: Azure Resource Graph rows under a management group or subscriptions,
 * read page by page through the publisher's gateway (same credential, endpoint checks, retry and throttling
 * pipeline) and turned into the ARM GET documents Azure Policy evaluates, each with its resource group and
 * subscription (from `resourcecontainers`) as the evaluator's context.
 *
 * Where a Resource Graph row differs from an ARM GET document, and what is done about it:
 * - `type` is lower case in Resource Graph (it stores and compares types in lower case; the rows of
 *   `az graph query` show `microsoft.storage/storageaccounts`): restored to the catalog's casing, so findings
 *   read like ARM ids and type conditions (case-insensitive in Azure Policy anyway) see ARM's spelling.
 * - every row has every envelope column (kind, managedBy, sku, plan, identity, zones, tags, extendedLocation,
 *   location), "" or null when the resource has none, where ARM GET omits the field: dropped, because `exists`
 *   tells a missing field from an empty one (normalize.ts). An empty `location` is dropped too: it is how a row
 *   says the resource has no location, which matters for mode Indexed.
 * - the row-only columns tenantId, resourceGroup and subscriptionId are not part of a resource's ARM GET
 *   document: dropped (the context carries them).
 * - child resources that ARM returns inline in their parent (a VNet's subnets, an NSG's security rules, a route
 *   table's routes) have no rows of their own; a compliance scan evaluates them as resources, so the preview
 *   expands them from the parent (--expand-children is on for Resource Graph).
 * - `properties` are what the resource provider registered for Resource Graph, at the API version it
 *   registered (ProviderHub's resourceGraphConfiguration { enabled, apiVersion }), which need not be the API
 *   version of the catalog's default alias paths; a property a provider does not send to Resource Graph reads
 *   as missing. The preview cannot tell such a field from one the resource lacks: a condition on it may differ
 *   from Azure's compliance scan, which reads the provider's GET.
 * - extension resources such as Microsoft.Insights/diagnosticSettings have no Resource Graph table at all
 *   (github.com/Azure/Azure-Proactive-Resiliency-Library-v2/issues/53, github.com/Azure/bicep/issues/18820):
 *   an auditIfNotExists/deployIfNotExists member that asks for them cannot be previewed from Resource Graph, and
 *   is reported as such instead of reporting every resource as missing its settings.
 */
import type { JsonObject } from '../compiler/canonical-json.js';
import { loadBundledAliases } from '../catalog/aliases.js';
import type { InputProblem, ResourceEntry } from '../io/evaluate-inputs.js';
import { CONTAINER_TYPES, ContainerContexts, GROUP_TYPE, SUBSCRIPTION_TYPE } from './containers.js';
import type { ResourceSource } from './engine.js';
import { normaliseExportedResource } from './normalize.js';

export interface GraphScope {
  managementGroups?: string[];
  subscriptions?: string[];
}

/** A paged Resource Graph query (AzureGateway.resourceGraphPages). */
export type GraphPages = (query: string, scope: GraphScope) => AsyncIterable<JsonObject[]>;

/**
 * Microsoft.Security types (Defender pricings, assessments, ...) live in the `securityresources` table, not in
 * `resources` (governance/resource-graph/reference/supported-tables-resources.md lists them there; the
 * publisher reads pricings from it too, publisher/pricings.ts).
 */
function tableOf(type: string): 'resources' | 'securityresources' {
  return type.startsWith('microsoft.security/') ? 'securityresources' : 'resources';
}

/** Types Resource Graph has no table for: existence checks on them cannot be answered from it. */
export const NOT_IN_RESOURCE_GRAPH: ReadonlySet<string> = new Set(['microsoft.insights/diagnosticsettings']);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** KQL string literal (single quotes; a quote or backslash escaped). */
function kqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The query for a table: only the wanted types, sorted by id (Resource Graph pages reliably only a sorted result). */
export function graphQuery(table: 'resources' | 'resourcecontainers' | 'securityresources', types: ReadonlySet<string> | undefined): string {
  const lines: string[] = [table];
  if (types !== undefined) lines.push(`| where type in~ (${[...types].sort().map(kqlString).join(', ')})`);
  lines.push('| order by id asc');
  return lines.join('\n');
}

let canonical: ((type: string) => string | undefined) | undefined;
function canonicalType(type: string): string {
  if (type === SUBSCRIPTION_TYPE) return 'Microsoft.Resources/subscriptions';
  if (type === GROUP_TYPE) return 'Microsoft.Resources/subscriptions/resourceGroups';
  canonical ??= ((catalog) => (t: string) => catalog.canonicalResourceType(t))(loadBundledAliases());
  return canonical(type) ?? type;
}

/** A `resources` row as the ARM GET document Azure Policy evaluates (see the module comment). */
export function armDocumentFromRow(row: JsonObject): JsonObject {
  const { tenantId: _t, resourceGroup: _g, subscriptionId: _s, ...rest } = row;
  const doc: JsonObject = { ...rest, type: canonicalType(String(row.type ?? '')) };
  if (doc.location === '') delete doc.location;
  return normaliseExportedResource(doc);
}

/** A subscription row as ARM's subscription GET document (Subscriptions - Get: id, subscriptionId, displayName, state, tenantId, tags). */
function subscriptionDocument(row: JsonObject): JsonObject {
  const props = isObject(row.properties) ? row.properties : {};
  return {
    id: String(row.id),
    subscriptionId: String(row.subscriptionId),
    // Resource Graph names a subscription row by its display name.
    displayName: String(row.name ?? row.subscriptionId),
    name: String(row.subscriptionId),
    type: 'Microsoft.Resources/subscriptions',
    ...(typeof props.state === 'string' ? { state: props.state } : {}),
    ...(isObject(props.subscriptionPolicies) ? { subscriptionPolicies: props.subscriptionPolicies } : {}),
    tenantId: String(row.tenantId ?? ''),
    ...(isObject(row.tags) ? { tags: row.tags } : {}),
  };
}

function groupDocument(row: JsonObject): JsonObject {
  return armDocumentFromRow({ ...row, properties: isObject(row.properties) ? row.properties : { provisioningState: 'Succeeded' } });
}

export interface ResourceGraphSourceOptions {
  pages: GraphPages;
  scope: GraphScope;
  /** Lower-cased types the policies can apply to; undefined: every type. */
  types: ReadonlySet<string> | undefined;
  problems: InputProblem[];
  progress?: (line: string) => void;
  /** Label for findings' `file` (e.g. "resource graph (mg contoso)"). */
  label: string;
}

/**
 * Reads `resourcecontainers` first (subscriptions and resource groups: context for every resource, and
 * resources themselves when a policy applies to them), then streams `resources` of the wanted types.
 */
export async function resourceGraphSource(options: ResourceGraphSourceOptions): Promise<ResourceSource & { subscriptions: number; resourceGroups: number }> {
  const subscriptions: JsonObject[] = [];
  const groups: JsonObject[] = [];
  const contexts = new ContainerContexts();
  for await (const page of options.pages(graphQuery('resourcecontainers', new Set([SUBSCRIPTION_TYPE, GROUP_TYPE])), options.scope)) {
    for (const row of page) {
      const type = String(row.type ?? '').toLowerCase();
      let doc: JsonObject;
      if (type === SUBSCRIPTION_TYPE) subscriptions.push((doc = subscriptionDocument(row)));
      else if (type === GROUP_TYPE) groups.push((doc = groupDocument(row)));
      else continue;
      contexts.add(doc);
    }
  }
  options.progress?.(`Resource Graph: ${contexts.subscriptionCount} subscription(s), ${contexts.groupCount} resource group(s) in scope`);
  const contextOf = (id: string) => contexts.contextOf(id);
  const label = options.label;
  async function* read(types: ReadonlySet<string> | undefined): AsyncGenerator<ResourceEntry> {
    let n = 0;
    const wants = (t: string) => types === undefined || types.has(t);
    // Containers first, when a policy applies to subscriptions or resource groups.
    if (wants(SUBSCRIPTION_TYPE)) for (const doc of subscriptions) yield { resource: doc, file: label, jsonPath: `resourcecontainers[${n++}]`, context: contextOf(String(doc.id)) ?? {} };
    if (wants(GROUP_TYPE)) for (const doc of groups) yield { resource: doc, file: label, jsonPath: `resourcecontainers[${n++}]`, context: contextOf(String(doc.id)) ?? {} };
    const rest = types === undefined ? undefined : [...types].filter((t) => !CONTAINER_TYPES.has(t));
    // Every type: the whole `resources` table (securityresources only holds what a security policy asks for).
    const tables: Array<['resources' | 'securityresources', Set<string> | undefined]> =
      rest === undefined
        ? [['resources', undefined]]
        : (['resources', 'securityresources'] as const).map((t): ['resources' | 'securityresources', Set<string>] => [t, new Set(rest.filter((x) => tableOf(x) === t))]).filter(([, s]) => s.size > 0);
    for (const [table, wanted] of tables) {
      let i = 0;
      for await (const page of options.pages(graphQuery(table, wanted), options.scope)) {
        for (const row of page) {
          const resource = armDocumentFromRow(row);
          const context = contextOf(String(row.id ?? ''));
          yield { resource, file: label, jsonPath: `${table}[${i++}]`, ...(context ? { context } : {}) };
        }
      }
    }
  }
  return {
    entries: () => read(options.types),
    ofTypes: (types) => read(types),
    cannotAnswer: (type) => (NOT_IN_RESOURCE_GRAPH.has(type) ? `its existence check asks for ${type}, which Azure Resource Graph has no table for` : undefined),
    subscriptions: contexts.subscriptionCount,
    resourceGroups: contexts.groupCount,
  };
}
