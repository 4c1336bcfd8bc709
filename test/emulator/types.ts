import type { EmulatorState, HierarchySeed } from './state.js';
import type { ResourceGraphOptions } from './handlers/resource-graph.js';
import type { SubscriptionSeedOptions } from './defaults.js';
import type { ThrottlingOptions } from './throttle.js';

export interface EmulatorOptions {
  /** Delay before every response (ms). Default 0. Also settable later through `emulator.latencyMs`. */
  latencyMs?: number;
  /** Tenant id; the tenant root management group is named after it. */
  tenantId?: string;
  /** Expected bearer token. Default: any non-empty `Bearer <token>` is accepted. */
  token?: string;
  /** Replaces the default hierarchy (see defaults.ts). MGs without `parent` hang under the tenant root group. */
  hierarchy?: HierarchySeed;
  /**
   * Managed-identity replication: role-assignment PUTs for a new SystemAssigned principal answer 400
   * PrincipalNotFound for this many ms after the assignment created it, or for the first N PUTs.
   */
  principalReplicationDelayMs?: number | { failuresBeforeVisible: number };
  /** When true, a role assignment that sends principalType skips the replication knob (as ARM does). Default false. */
  principalTypeBypassesReplication?: boolean;
  /** Role assignments to principals the emulator never created: accept (true) or 400 PrincipalNotFound (default). */
  acceptUnknownPrincipals?: boolean;
  /** Eventual consistency: the first N references to each definition/set (from a set or an assignment) fail as not found. */
  definitionVisibilityFailures?: number;
  /**
   * How a set PUT answers a member not visible yet: 404 PolicyDefinitionNotFound (default), or 400
   * InvalidCreatePolicySetDefinitionRequest "...should be specified only at or above the policy set definition's
   * scope..." as Azure Landing Zones deployments see it (Azure/ALZ-Bicep#885, Azure/Azure-Landing-Zones#2734).
   */
  definitionVisibilityAnswer?: 'notFound' | 'outOfScope';
  /**
   * New subscriptions without the Microsoft.Security provider: their pricings answer 404 'Subscription Not
   * Registered' (Azure/azure-sdk-for-go#19900) until POST .../providers/Microsoft.Security/register, and for
   * `failuresAfterRegister` more requests while the registration completes.
   */
  unregisteredSubscriptions?: { subscriptions: string[]; failuresAfterRegister?: number };
  /**
   * Compliance scans (issue 8.6): nothing is evaluated until a subscription's scan is triggered (policyStates/latest/
   * triggerEvaluation, an LRO whose Location answers 202 this many times, then 200). A remediation with
   * ExistingNonCompliant finds only subscriptions already evaluated; ReEvaluateCompliance evaluates as it goes.
   */
  complianceEvaluationPolls?: number;
  /** When parameter updates are checked for InvalidPolicy(Set)ParameterUpdate: only for definitions in use (default) or always. */
  parameterUpdateCheck?: 'inUse' | 'always';
  /** Page size for list operations (ARM pages at 500). `$top` lowers it per request. */
  pageSize?: number;
  /** Built-in policies folder. Default ../shared/azure/builtins/built-in-policies from the repo root. */
  builtinsDir?: string;
  /**
   * ARM token-bucket throttling (off by default): `true` uses the documented sizes (reads 250 @25/s, writes
   * and deletes 200 @10/s, per tenant and per subscription); an object sets tiny buckets for tests.
   */
  throttling?: boolean | ThrottlingOptions;
  /** Validate PUT/PATCH bodies against the REST spec schemas (default true). */
  validateBodies?: boolean;
  /** REST specs folder. Default ../shared/azure/rest-specs/specification from the repo root. */
  specsDir?: string;
  /** Adds `count` generated subscriptions to the hierarchy, spread over the given management groups (scale tests). */
  subscriptions?: SubscriptionSeedOptions;
  /** Resource Graph's lag behind ARM (handlers/resource-graph.ts): index delay, subscriptions not indexed yet. */
  resourceGraph?: ResourceGraphOptions;
  /** Object id the emulator records as the caller in createdBy/updatedBy/systemData. */
  callerObjectId?: string;
}

export type FaultKind = '429' | '500' | '503' | 'reset' | 'latency' | 'status' | 'hangUp' | 'malformedJson';

export interface FaultRule {
  /** All given conditions must hold. Path tests run against the normalised path (no query). */
  match?: { method?: string; pathIncludes?: string; pathRegex?: RegExp; apiVersion?: string };
  /**
   * '429' / '500' / '503' / 'status': answer with that error instead of handling; 'reset': drop the connection;
   * 'latency': wait `extraMs`, then handle; 'hangUp': handle, send the headers and half of the body, then drop
   * the connection; 'malformedJson': handle, then answer the real status with a body that is not JSON.
   */
  kind: FaultKind;
  /** Fire on this many matching requests, then stay quiet. Default: every matching request until `faults.clear()`. */
  times?: number;
  /** Let this many matching requests through before firing (to hit the nth occurrence). */
  skip?: number;
  /** 429/503: `Retry-After` in seconds (default 0); `null` sends no retry header at all (the SDK then does not retry a 429). */
  retryAfterSeconds?: number | null;
  /** 429/503: send `x-ms-retry-after-ms` instead of `Retry-After`. */
  retryAfterMs?: number;
  /** 'latency': extra delay before handling normally. */
  extraMs?: number;
  /** 'status': the status to answer; with `code`/`message` for the error body (also override codes for 429/500/503). */
  status?: number;
  code?: string;
  message?: string;
  /** 'reset': apply the request to the state first, then drop the connection (a write whose response is lost). */
  afterHandling?: boolean;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Normalised path: duplicate slashes collapsed, no query. */
  path: string;
  /** The path exactly as received. */
  rawPath: string;
  /** How many runs of duplicate slashes the raw path had (`//providers/...` = 1). */
  doubleSlashes: number;
  /** Decoded query, keys lower-cased (`$filter`, `$top`, `api-version`, ...). */
  query: Record<string, string>;
  apiVersion: string;
  /** Response status; 0 when the connection was dropped ('reset' fault). */
  status: number;
  /** `error.code` of an error response. */
  errorCode?: string;
  /** Set when a fault rule answered (or delayed/dropped) this request, or 'throttled' for the token bucket. */
  injected?: FaultKind | 'throttled';
  /** 'reset' with afterHandling: the status the handler produced before the connection was dropped. */
  handledStatus?: number;
  /** Parsed JSON request body. */
  body?: unknown;
  requestBytes: number;
  /** Whether an Authorization header was present (the token itself is never recorded). */
  authorization: boolean;
  /** Same across the SDK's retries of one call: group by it to count logical calls. */
  clientRequestId?: string;
  userAgent?: string;
  /** Arrival time (ms since epoch). */
  at: number;
  durationMs: number;
}

export interface ArmEmulator {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the self-signed certificate (it is its own CA). */
  ca: string;
  /** The same PEM in a temp file, for NODE_EXTRA_CA_CERTS of child processes. Removed by close(). */
  caFile: string;
  tenantId: string;
  /** Every request, in arrival order of completion. */
  requests: RecordedRequest[];
  /** PUT/PATCH/POST/DELETE requests, except Resource Graph queries (a POST that reads). */
  writes(): RecordedRequest[];
  resetRequests(): void;
  faults: { add(rule: FaultRule): void; clear(): void; fired(): number };
  /** Delay applied before every response; mutable. */
  latencyMs: number;
  /** In-memory objects, to inspect (and snapshot/restore). */
  state: EmulatorState;
  /**
   * Runs one request in-process with the emulator's validation but without HTTP, auth, latency, faults
   * or recording: for seeding state. `target` is a path with `?api-version=`.
   */
  call(method: string, target: string, body?: unknown): Promise<{ status: number; body?: unknown }>;
  close(): Promise<void>;
}

/**
 * One compliance record (a PolicyState of the 'latest' set): how Azure evaluated one resource against one member of
 * an assignment. Tests seed them in `state.policyStates`; the emulator evaluates nothing itself.
 */
export interface PolicyStateRecord {
  resourceId: string;
  policyAssignmentId: string;
  policyDefinitionId: string;
  policySetDefinitionId?: string;
  policyDefinitionReferenceId?: string;
  /** 'Compliant', 'NonCompliant', 'Exempt', 'Conflict', 'Error' or 'Unknown', as Azure spells them. */
  complianceState: string;
  effect?: string;
  timestamp?: string;
}
