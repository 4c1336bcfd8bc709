/**
 * ARM emulator: an HTTPS server on 127.0.0.1 that the real Azure SDK clients talk to in tests.
 *
 * ```ts
 * import { startArmEmulator, emulatorClientOptions, staticTokenCredential } from '../emulator/index.js';
 * const emu = await startArmEmulator({ latencyMs: 0 });
 * const policy = new PolicyClient(staticTokenCredential(), { ...emulatorClientOptions(emu) });
 * await policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'my-def', {...});
 * expect(emu.writes()).toHaveLength(1);
 * await emu.close();
 * ```
 *
 * API (stable):
 * - `startArmEmulator(options?: EmulatorOptions): Promise<ArmEmulator>`: random port, self-signed
 *   certificate created in memory (once per process).
 * - `EmulatorOptions`: latencyMs, tenantId, token (expected bearer; default any), hierarchy
 *   ({managementGroups: {id, displayName?, parent?}[], subscriptions: {id, displayName, managementGroup}[]}),
 *   principalReplicationDelayMs (ms or {failuresBeforeVisible}), principalTypeBypassesReplication,
 *   acceptUnknownPrincipals, definitionVisibilityFailures, parameterUpdateCheck, pageSize, builtinsDir,
 *   throttling (true = ARM's documented token buckets; or tiny {reads, writes, deletes: {capacity,
 *   refillPerSecond}, preciseRetryAfter}), validateBodies (REST-spec schema check, default on), specsDir,
 *   callerObjectId. See types.ts.
 * - `ArmEmulator`: url, ca (PEM), caFile (PEM on disk), tenantId, requests (RecordedRequest[]), writes(),
 *   resetRequests(), faults.add/clear/fired, latencyMs (mutable), state (EmulatorState: maps keyed by
 *   lower-cased resource id; snapshot()/restore()), call(method, path, body) (in-process, for seeding),
 *   close().
 * - `FaultRule`: {match: {method?, pathIncludes?, pathRegex?, apiVersion?}, kind: '429' | '500' | '503' |
 *   'reset' | 'latency' | 'status' | 'hangUp' | 'malformedJson', times? (default: until cleared), skip?,
 *   retryAfterSeconds? (default 0; null = no header), retryAfterMs?, extraMs?, status?, code?, message?,
 *   afterHandling? (reset after the write was applied)}. First matching rule wins.
 * - Default hierarchy (defaults.ts): tenant root group (= tenant id) > root > {platform, landing-zones >
 *   {corp, online}}, plus sandbox beside root; one subscription under platform, corp, online and sandbox
 *   (DEFAULT_SUBSCRIPTIONS). A group literally named `root` is what a tenant has only if someone created one:
 *   `azureLikeHierarchy()` is the same tenant as Azure seeds it (no `root` group; everything under the tenant
 *   root group), which `--mg root` resolves to (issue 8.1). Managed identities exist from the moment their assignment is created; role
 *   assignments for any other principal get PrincipalNotFound unless acceptUnknownPrincipals.
 *
 * - `emulatorClients(emulator, {fastRetries?, maxRetries?, token?})`: the six real SDK clients wired to it.
 *
 * Trusting the certificate:
 * - in-process SDK clients: pass `tlsOptions: { ca: emulator.ca }` in the client options
 *   (core-rest-pipeline's tlsPolicy); `emulatorClientOptions(emulator)` returns
 *   `{ endpoint, tlsOptions }` with one shared tlsOptions object per emulator (shared keep-alive agent).
 * - child processes (the CLI): `NODE_EXTRA_CA_CERTS=<emulator.caFile>` (read at Node start-up);
 *   `emulatorChildEnv(emulator)` also sets ZTPOLICY_ACCESS_TOKEN.
 * - never NODE_TLS_REJECT_UNAUTHORIZED=0.
 *
 * Emulated operations (status codes as the SDKs accept them, publisher-mechanics §1):
 * - Microsoft.Authorization policyDefinitions / policySetDefinitions at MG or subscription: PUT (definition
 *   201; set 201 create / 200 update), GET, DELETE (200 / 204), list (paged, `$filter=atExactScope()`,
 *   `policyType eq`, `category eq`; unfiltered = this scope + ancestors + built-ins); built-ins at
 *   `/providers/Microsoft.Authorization/policyDefinitions|policySetDefinitions[/{guid}]`.
 * - policyAssignments at any scope: PUT 201, GET, PATCH 200, DELETE 200 (body) / 204, list (`atScope()`,
 *   `atExactScope()`, `policyDefinitionId eq`). SystemAssigned identity gets principalId/tenantId
 *   (stable across updates, new after delete + create). policyExemptions at any scope.
 * - roleAssignments (2022-04-01): PUT 201 / 200 idempotent, GET, DELETE, listForScope (`atScope()`,
 *   `principalId eq`, `assignedTo()`); roleDefinitions GET for well-known built-in roles.
 * - management groups: GET (`$expand=children|path|ancestors`, `$recurse=true`), list, descendants (paged),
 *   subscriptions under an MG; `/subscriptions`, `/subscriptions/{id}`, `/tenants`.
 * - Microsoft.Security pricings per subscription: list, GET, PUT (2022-03-01: 200; 2023-01-01+: 201 first
 *   PUT, 200 after; enforce/extensions stored).
 * - Microsoft.ResourceGraph resources (POST, handlers/resource-graph.ts): KQL subset (kql.ts) over the tables in
 *   RESOURCE_GRAPH_TABLES (securityresources: Defender pricings), scoped by management groups or subscriptions,
 *   paged by $top/$skipToken; `resourceGraph` options model its lag behind ARM. `subscriptions: {count}` seeds
 *   generated subscriptions (defaults.ts withSeededSubscriptions) for scale tests.
 * - Microsoft.PolicyInsights remediations at MG/subscription (PUT 201/200, GET advancing Accepted ->
 *   Evaluating -> Succeeded, DELETE, cancel, listDeployments) and policyStates summarize (empty).
 * PUT/PATCH bodies are validated against the REST specs (spec-validation.ts) before the handlers run.
 * Validation and error codes: see the handler files' headers; codes ARM does not document are marked
 * "inferred" or are clearly fake (LocationRequired, RequestBodyTooLarge, UnsupportedByEmulator).
 */
import { startServer } from './server.js';
import type { ArmEmulator, EmulatorOptions } from './types.js';

export type { ArmEmulator, EmulatorOptions, FaultKind, FaultRule, RecordedRequest } from './types.js';
export type { ArmResource, EmulatorState, HierarchySeed, StateSnapshot } from './state.js';
export { azureLikeHierarchy, DEFAULT_HIERARCHY, DEFAULT_SUBSCRIPTIONS, DEFAULT_TENANT_ID, seededSubscriptionId, withSeededSubscriptions } from './defaults.js';
export { RESOURCE_GRAPH_TABLES, type ResourceGraphOptions, type TableContext } from './handlers/resource-graph.js';
export { parseKql, runKql, KqlError, type KqlQuery, type Row } from './kql.js';
export { emulatorChildEnv, emulatorClientOptions, staticTokenCredential } from './sdk.js';
export { emulatorClients, type EmulatorClients } from './clients.js';
export { BUILTIN_ROLES } from './roles.js';

export function startArmEmulator(options: EmulatorOptions = {}): Promise<ArmEmulator> {
  return startServer(options);
}
