/**
 * The Azure gateway: the only module that imports the Azure SDKs. It builds the real clients (PolicyClient 6.0.0,
 * AuthorizationManagementClient, PolicyInsightsClient, ResourceGraphClient, and a bare core-client ServiceClient for
 * the management-group read and the calls no SDK models at the api-version needed)
 * on one shared set of options (endpoint, credential, TLS trust, retry policy, per-scope throttling gate, request
 * log) and converts their flattened models to and from ARM's wire shape for the planner. Each SDK package is
 * imported when its client is first used, so the first request (the management group read) leaves without waiting
 * for the other SDKs to load (issue 8 point 4: first request within 0.5 s of process start).
 */
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { PolicyClient } from '@azure/arm-policy';
import type { PolicyInsightsClient } from '@azure/arm-policyinsights';
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ServiceClient } from '@azure/core-client';
import {
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  RestError,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import { BadInputError } from '../errors.js';
import { plain } from './normalize.js';
import type {
  ComplianceSummary,
  RemediationState,
  LivePolicyAssignment,
  LivePolicyDefinition,
  LivePolicyExemption,
  LivePricing,
  LiveRoleAssignment,
  ManagementGroupInfo,
  PricingExtension,
} from './types.js';
import { PublisherCode } from './codes.js';
import { RetryWaits } from './retry-waits.js';

export const DEFAULT_ENDPOINT = 'https://management.azure.com';
/**
 * Exemptions api-version (REST specs: Microsoft.Authorization preview 2022-07-01-preview, the one with exemptions).
 * @azure/arm-policy 6.0.0 has no policyExemptions operations (publisher-mechanics.md 1.1), so they go as raw requests
 * through a client pipeline (same auth, retry and log).
 */
export const EXEMPTIONS_API_VERSION = '2022-07-01-preview';
/** Subscriptions one Resource Graph request may name (Learn: "Troubleshoot errors using Azure Resource Graph"). */
export const RESOURCE_GRAPH_MAX_SUBSCRIPTIONS = 1000;
/** Microsoft.Authorization policy api-version (the one @azure/arm-policy 6.0.0 speaks), for its raw calls. */
export const POLICY_API_VERSION = '2024-05-01';
/** Pricings api-version with `enforce` and `extensions` (arm-security 5.0.0 speaks 2022-03-01 and drops both). */
export const PRICINGS_API_VERSION = '2024-01-01';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export interface RetrySettings {
  /** Retries of throttled (429/503) and transient (5xx, 408, connection reset) failures per call. */
  maxRetries: number;
  /** Retries of eventual-consistency errors (identity not replicated, definition not yet visible) per call. */
  consistencyRetries: number;
  /** First backoff; doubles per retry (jittered to [d/2, d]). */
  baseDelayMs: number;
  /** Cap of a backoff delay. */
  maxDelayMs: number;
  /** Cap of a server-requested Retry-After wait (core's own policy waits whatever the server says, even an hour). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 6,
  consistencyRetries: 12,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface GatewayOptions {
  /** ARM base URL; https only, except loopback emulators. */
  endpoint?: string;
  /** Explicit credential; default: ZTPOLICY_ACCESS_TOKEN as a static bearer token, else DefaultAzureCredential. */
  credential?: TokenCredential;
  /** Extra CA certificate(s) to trust (an emulator's self-signed cert, in-process); the CLI uses NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  retry?: Partial<RetrySettings>;
  /** Verbose request log (method, path, status, time): never headers or bodies, so never a token. */
  log?: (line: string) => void;
  /** Environment to read ZTPOLICY_ACCESS_TOKEN from (tests). */
  env?: NodeJS.ProcessEnv;
  /** Where the gateway counts the requests waiting before a retry (the CLI's progress display shows them). */
  waits?: RetryWaits;
}

/** Validates an endpoint: https anywhere, http only on loopback (emulators). Returns the normalized origin URL. */
export function checkEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new BadInputError(PublisherCode.endpointNotUrl, `--endpoint '${endpoint}' is not a URL`, { hint: 'give the ARM base URL, e.g. https://management.azure.com' });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new BadInputError(PublisherCode.endpointNotHttps, `refusing ${url.protocol}//${url.host}: ztpolicy talks to ARM over https only (plain http is allowed for loopback emulators)`, {
    hint: 'use an https:// endpoint',
  });
}

/** A static bearer token (pipelines that mint their own, emulators). The token value is never logged or printed. */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }),
  };
}

/** Identity claims of a JWT access token (never the token itself): tenant, object id, a display name. */
export interface TokenClaims {
  tid?: string;
  oid?: string;
  /** upn / unique_name / appid: who it is, for messages. */
  who?: string;
}

/** The identity claims `init` reports (unverified, like tokenClaims: informative only). */
export function identityClaims(token: string): TokenClaims {
  const p = tokenClaims(token) ?? {};
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  const out: TokenClaims = {};
  const tid = str('tid');
  const oid = str('oid');
  const who = str('upn') ?? str('unique_name') ?? str('appid') ?? str('azp');
  if (tid) out.tid = tid;
  if (oid) out.oid = oid;
  if (who) out.who = who;
  return out;
}

/** Tenant id claim (`tid`) of a JWT access token, if it is one; used to refuse a token for another tenant. */
export function tokenTenant(token: string): string | undefined {
  const tid = tokenClaims(token)?.tid;
  return typeof tid === 'string' ? tid : undefined;
}

/** Claims of a JWT access token (unverified: only used to refuse a token, never to trust one). */
function tokenClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ARM endpoints of the Azure clouds and the token audiences each honours: the resourceManager URL and the
 * older activeDirectoryResourceId (`az cloud show`: AzureCloud, AzureUSGovernment, AzureChinaCloud; a token from
 * `az account get-access-token` carries the latter by default).
 */
const ARM_AUDIENCES: Record<string, string[]> = {
  'management.azure.com': ['https://management.azure.com', 'https://management.core.windows.net'],
  'management.usgovcloudapi.net': ['https://management.usgovcloudapi.net', 'https://management.core.usgovcloudapi.net'],
  'management.chinacloudapi.cn': ['https://management.chinacloudapi.cn', 'https://management.core.chinacloudapi.cn'],
};
const EVERY_ARM_AUDIENCE = new Set(Object.values(ARM_AUDIENCES).flat());

/**
 * A static token (ZTPOLICY_ACCESS_TOKEN) is a bearer secret: it must only go to the service it was minted for.
 * Its `aud` claim must be an ARM audience of the endpoint's cloud (or, for any other https endpoint, the endpoint
 * itself); an opaque token is refused for a real endpoint. A loopback emulator takes an opaque test token or one
 * minted for it, but never one minted for real Azure (that would hand a live credential to a local process).
 * Checked before the credential exists, so before any request. Messages never contain the token.
 */
export function checkTokenAudience(token: string, endpoint: URL): void {
  const normalize = (a: string) => a.replace(/\/+$/, '').toLowerCase();
  const claims = tokenClaims(token);
  const aud = claims === undefined ? undefined : typeof claims.aud === 'string' ? normalize(claims.aud) : '';
  const origin = normalize(endpoint.origin);
  const loopback = LOOPBACK_HOSTS.has(endpoint.hostname);
  const allowed = ARM_AUDIENCES[endpoint.hostname.toLowerCase()] ?? [origin];
  const ok = loopback ? aud === undefined || (aud === origin && !EVERY_ARM_AUDIENCE.has(aud)) : aud !== undefined && allowed.includes(aud);
  if (ok) return;
  const what = aud === undefined ? 'is not a JWT, so its audience cannot be checked' : aud === '' ? 'has no audience (aud) claim' : `was minted for '${aud}'`;
  throw new BadInputError(PublisherCode.tokenAudience, `ZTPOLICY_ACCESS_TOKEN ${what}; refusing to send it to ${endpoint.origin}`, {
    hint: loopback
      ? 'use a test token for an emulator (never a token for real Azure), or unset ZTPOLICY_ACCESS_TOKEN'
      : `mint the token for ${allowed[0]} (az account get-access-token --resource ${allowed[0]}/), or check --endpoint`,
  });
}

async function defaultCredential(env: NodeJS.ProcessEnv, endpoint: URL): Promise<TokenCredential> {
  const token = env.ZTPOLICY_ACCESS_TOKEN;
  if (token) {
    checkTokenAudience(token, endpoint);
    return staticTokenCredential(token);
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  return prefetchedToken(new DefaultAzureCredential(), `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/.default`);
}

/**
 * Asks for the ARM token at once, while the caller goes on (loads the SDK, builds the first request): signing in
 * through the Azure CLI or a managed identity takes from a few hundred ms to seconds, and would otherwise start only
 * when the first request is signed (issue 8 point 4). The first getToken for that scope takes the answer in flight
 * (its failure included); later calls go to the credential, whose own cache and the pipeline's token cycler apply.
 */
export function prefetchedToken(credential: TokenCredential, scope: string): TokenCredential {
  let early: Promise<AccessToken | null> | undefined = credential.getToken(scope);
  // Not awaited yet: keep a failure from being reported as unhandled before the first request asks for it.
  early.catch(() => undefined);
  return {
    getToken(scopes, options) {
      const wanted = Array.isArray(scopes) ? scopes : [scopes];
      if (early && wanted.length === 1 && wanted[0] === scope) {
        const answer = early;
        early = undefined;
        return answer;
      }
      return credential.getToken(scopes, options);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Retry policy

const TRANSIENT_SYSTEM_ERRORS = new Set(['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);

function armErrorOf(response: PipelineResponse | undefined): { code?: string; message?: string } {
  if (!response?.bodyAsText) return {};
  try {
    const body = JSON.parse(response.bodyAsText) as { error?: { code?: string; message?: string } };
    return body.error ?? {};
  } catch {
    return {};
  }
}

/** Retry-After as ms from retry-after-ms, x-ms-retry-after-ms (ms) or Retry-After (seconds or an HTTP-date). */
export function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const h of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = response.headers.get(h);
    if (v !== undefined && v !== '' && Number.isFinite(Number(v))) return Math.max(0, Number(v));
  }
  const ra = response.headers.get('retry-after');
  if (ra === undefined || ra === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

type RetryKind = 'throttled' | 'transient' | 'consistency';

/**
 * One ARM answer that means "not yet visible" (eventual consistency), not "wrong": retried with the consistency
 * budget (RetrySettings.consistencyRetries). `when` says what makes it a delay rather than a mistake.
 */
export interface NotYetVisible {
  dependency: 'definition -> set' | 'definition or set -> assignment' | 'identity -> role assignment' | 'new subscription -> pricing';
  methods: readonly string[];
  /** The resource type the request is for (its path). */
  path: RegExp;
  status: readonly number[];
  code: string;
  message?: RegExp;
  /**
   * fresh: the write references a definition or set this run created (for any other id the same answer is a wrong
   * reference, failed at once: issue 11.11); registered: this run registered Microsoft.Security on the subscription;
   * always: the subscription comes from the hierarchy ARM just listed, so it exists.
   */
  when: 'fresh' | 'registered' | 'always';
  evidence: string;
}

/**
 * EVERY answer ztpolicy treats as "not yet visible", with its evidence (issue 8.2). The retry policy classifies by
 * this list only; test/emulator/consistency.test.ts switches each delay on in the emulator and publishes once.
 */
export const NOT_YET_VISIBLE: readonly NotYetVisible[] = [
  {
    dependency: 'definition -> set',
    methods: ['PUT'],
    path: /\/policySetDefinitions\/[^/]+$/i,
    status: [400, 404],
    code: 'PolicyDefinitionNotFound',
    when: 'fresh',
    evidence: "'The following policy definition could not be found' right after creating it: Azure-Landing-Zones#219; status undocumented (publisher-mechanics.md 3.4)",
  },
  {
    dependency: 'definition -> set',
    methods: ['PUT'],
    path: /\/policySetDefinitions\/[^/]+$/i,
    status: [400],
    code: 'InvalidCreatePolicySetDefinitionRequest',
    message: /specified only at or above the policy set definition's scope/i,
    when: 'fresh',
    evidence: 'a different set each first deployment, gone on re-run: Azure/ALZ-Bicep#885, Azure/Azure-Landing-Zones#2734, #3541',
  },
  {
    dependency: 'definition or set -> assignment',
    methods: ['PUT'],
    path: /\/policyAssignments\/[^/]+$/i,
    status: [400, 404],
    code: 'PolicySetDefinitionNotFound',
    when: 'fresh',
    evidence: 'GET/PUT of a set not propagated yet answers not found (Azure-Landing-Zones#2884; publisher-mechanics.md 3.5)',
  },
  {
    dependency: 'definition or set -> assignment',
    methods: ['PUT'],
    path: /\/policyAssignments\/[^/]+$/i,
    status: [400, 404],
    code: 'PolicyDefinitionNotFound',
    when: 'fresh',
    evidence: 'as for sets (caf-enterprise-scale#32)',
  },
  {
    dependency: 'definition or set -> assignment',
    methods: ['PUT'],
    path: /\/policyAssignments\/[^/]+$/i,
    status: [400],
    code: 'InvalidCreatePolicyAssignmentRequest',
    message: /out of scope/i,
    when: 'fresh',
    evidence: "'...please allow up to 30 minutes...': Azure-Landing-Zones#1157, Enterprise-Scale#901",
  },
  {
    dependency: 'identity -> role assignment',
    methods: ['PUT'],
    path: /\/roleAssignments\/[^/]+$/i,
    status: [400],
    code: 'PrincipalNotFound',
    when: 'always',
    evidence: "'...this error might be related to a replication delay' (aka.ms/docs-principaltype); Learn remediate-resources: the identity 'must complete replication'",
  },
  {
    dependency: 'new subscription -> pricing',
    methods: ['GET', 'PUT'],
    path: /\/providers\/Microsoft\.Security\/pricings/i,
    status: [404],
    code: 'SubscriptionNotFound',
    when: 'always',
    evidence: "ARM's own hierarchy message: 'if assigning ... to new subscription, please allow up to 30 minutes' (publisher-mechanics.md 3.4)",
  },
  {
    dependency: 'new subscription -> pricing',
    methods: ['GET', 'PUT'],
    path: /\/providers\/Microsoft\.Security\/pricings/i,
    status: [404, 409],
    code: 'Subscription Not Registered',
    when: 'registered',
    evidence: "a new subscription without the Microsoft.Security provider: 404 'Please register to Microsoft.Security' (Azure/azure-sdk-for-go#19900, Azure/terraform-provider-azapi#252); ztpolicy registers it, then waits",
  },
  {
    dependency: 'new subscription -> pricing',
    methods: ['GET', 'PUT'],
    path: /\/providers\/Microsoft\.Security\/pricings/i,
    status: [409],
    code: 'MissingSubscriptionRegistration',
    when: 'registered',
    evidence: "ARM's generic answer for an unregistered provider (aka.ms/rps-not-found)",
  },
];

/** The answers that need Microsoft.Security registered on the subscription before a retry can succeed. */
export const SECURITY_NOT_REGISTERED = new Set(NOT_YET_VISIBLE.filter((e) => e.when === 'registered').map((e) => e.code));

/** The entry of NOT_YET_VISIBLE a failed response matches, if any. */
export function notYetVisible(request: PipelineRequest, response: PipelineResponse): NotYetVisible | undefined {
  const { code, message } = armErrorOf(response);
  const path = new URL(request.url).pathname;
  return NOT_YET_VISIBLE.find(
    (e) => e.code === code && e.methods.includes(request.method) && e.status.includes(response.status) && e.path.test(path) && (e.message === undefined || e.message.test(message ?? '')),
  );
}

/**
 * Which failures are worth another attempt:
 * - throttled: 429 (with or without Retry-After; core's default policy gives up on a 429 without the header) and 503;
 * - transient: 408 and 5xx except 501/505 (not implemented / version not supported), connection resets and timeouts;
 * - consistency: an answer of NOT_YET_VISIBLE whose condition holds (`isDelay`).
 */
function classify(
  request: PipelineRequest,
  response: PipelineResponse | undefined,
  error: RestError | undefined,
  isDelay: (entry: NotYetVisible, request: PipelineRequest) => boolean,
): RetryKind | undefined {
  if (!response) {
    const code = error?.code ?? '';
    return TRANSIENT_SYSTEM_ERRORS.has(code) || code === 'REQUEST_SEND_ERROR' ? 'transient' : undefined;
  }
  const s = response.status;
  if (s === 429 || s === 503) return 'throttled';
  if (s === 408 || (s >= 500 && s !== 501 && s !== 505)) return 'transient';
  const entry = s >= 400 ? notYetVisible(request, response) : undefined;
  return entry && (entry.when === 'always' || isDelay(entry, request)) ? 'consistency' : undefined;
}

/**
 * Replaces core's defaultRetryPolicy (see publisher-mechanics.md 2.3): that one retries 429 only with a header,
 * waits any Retry-After uncapped, and knows nothing of ARM's consistency errors. One budget for throttling and
 * transient failures, a separate (longer) one for consistency errors, bounded exponential backoff with jitter.
 */
export function ztRetryPolicy(
  settings: RetrySettings,
  log?: (line: string) => void,
  isDelay: (entry: NotYetVisible, request: PipelineRequest) => boolean = () => false,
  waits: RetryWaits = new RetryWaits(),
): PipelinePolicy {
  return {
    name: 'ztpolicyRetryPolicy',
    async sendRequest(request, next) {
      let retries = 0;
      let consistency = 0;
      for (;;) {
        let response: PipelineResponse | undefined;
        let error: RestError | undefined;
        try {
          response = await next(request);
        } catch (e) {
          if (!isRestError(e)) throw e;
          error = e;
          response = e.response;
        }
        const kind = classify(request, response, error, isDelay);
        const exhausted = kind === 'consistency' ? consistency >= settings.consistencyRetries : retries >= settings.maxRetries;
        if (kind === undefined || exhausted) {
          if (error) throw error;
          return response!;
        }
        const attempt = kind === 'consistency' ? consistency++ : retries++;
        const backoff = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
        let wait = backoff / 2 + (Math.random() * backoff) / 2;
        if (kind === 'throttled' && response) {
          const ra = retryAfterMs(response);
          if (ra !== undefined) wait = Math.min(ra, settings.maxRetryAfterMs);
        }
        log?.(
          `  retry ${request.method} ${new URL(request.url).pathname} after ${response ? response.status : (error?.code ?? 'error')} (${kind}) in ${Math.round(wait)} ms`,
        );
        await waits.wait(kind, wait);
      }
    },
  };
}

/** Lower-cased ARM id without a leading slash run, for comparing ids from bodies with ids we built. */
function idKey(id: string): string {
  return `/${id.replace(/^\/+/, '')}`.toLowerCase();
}

/** Definition and set ids a set or assignment PUT body references (members, or the assigned definition). */
function referencedIds(request: PipelineRequest): string[] {
  if (typeof request.body !== 'string') return [];
  try {
    const body = JSON.parse(request.body) as { properties?: { policyDefinitionId?: unknown; policyDefinitions?: unknown } };
    const p = body.properties ?? {};
    const ids = Array.isArray(p.policyDefinitions) ? p.policyDefinitions.map((m) => (m as { policyDefinitionId?: unknown }).policyDefinitionId) : [p.policyDefinitionId];
    return ids.filter((id): id is string => typeof id === 'string').map(idKey);
  } catch {
    return [];
  }
}

/**
 * ARM throttles per subscription and per tenant (token buckets, publisher-mechanics.md 3.3): a 429/503 with
 * Retry-After from one subscription says nothing about another. This gate remembers the wait per scope (the
 * subscription in the URL, else the tenant) and holds back further attempts to that scope only until it has passed,
 * so requests queued for a throttled subscription do not run into the same 429 while the rest go on.
 */
export function scopeGatePolicy(maxWaitMs = DEFAULT_RETRY.maxRetryAfterMs, waits: RetryWaits = new RetryWaits()): PipelinePolicy {
  const pausedUntil = new Map<string, number>();
  return {
    name: 'ztpolicyScopeGate',
    async sendRequest(request, next) {
      const scope = /\/subscriptions\/([^/?]+)/i.exec(new URL(request.url).pathname)?.[1]?.toLowerCase() ?? '';
      const until = pausedUntil.get(scope) ?? 0;
      if (until > Date.now()) await waits.wait('throttled', until - Date.now());
      const response = await next(request);
      if (response.status === 429 || response.status === 503) {
        const wait = retryAfterMs(response);
        if (wait !== undefined) pausedUntil.set(scope, Math.max(pausedUntil.get(scope) ?? 0, Date.now() + Math.min(wait, maxWaitMs)));
      }
      return response;
    },
  };
}

function subscriptionOf(request: PipelineRequest): string {
  return /^\/subscriptions\/([^/]+)/i.exec(new URL(request.url).pathname)?.[1]?.toLowerCase() ?? '';
}

/** Resource Graph's quota headers: queries left in the window, and the window's reset as ms (from hh:mm:ss). */
export function resourceGraphQuota(remaining: string | undefined, resetsAfter: string | undefined): { remaining?: number; resetsAfterMs?: number } {
  const out: { remaining?: number; resetsAfterMs?: number } = {};
  if (remaining !== undefined && /^\d+$/.test(remaining.trim())) out.remaining = Number(remaining.trim());
  const m = resetsAfter === undefined ? null : /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(resetsAfter.trim());
  if (m) out.resetsAfterMs = Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
  return out;
}

/** Per-attempt request log and counter; sees the URL and status only (never headers, so never the token). */
function requestLogPolicy(counter: { requests: number }, log?: (line: string) => void): PipelinePolicy {
  return {
    name: 'ztpolicyRequestLog',
    async sendRequest(request, next) {
      counter.requests += 1;
      const started = Date.now();
      const u = new URL(request.url);
      try {
        const response = await next(request);
        log?.(`${request.method} ${u.pathname}${u.search} -> ${response.status} (${Date.now() - started} ms)`);
        return response;
      } catch (e) {
        log?.(`${request.method} ${u.pathname}${u.search} -> ${isRestError(e) ? (e.statusCode ?? e.code) : 'error'} (${Date.now() - started} ms)`);
        throw e;
      }
    },
  };
}

/**
 * core-rest-pipeline's bearer policy refuses non-https URLs even with allowInsecureConnection
 * (publisher-mechanics.md 2.2); for an http loopback emulator this policy signs requests instead.
 */
function loopbackBearerPolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  return {
    name: 'ztpolicyLoopbackBearer',
    async sendRequest(request, next) {
      const token = await credential.getToken(scope);
      if (token) request.headers.set('authorization', `Bearer ${token.token}`);
      request.allowInsecureConnection = true;
      return next(request);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Model conversion

const DEFINITION_KEYS = ['policyType', 'mode', 'displayName', 'description', 'policyRule', 'metadata', 'parameters', 'version'] as const;
const SET_KEYS = ['policyType', 'displayName', 'description', 'metadata', 'parameters', 'policyDefinitions', 'policyDefinitionGroups', 'version'] as const;
const ASSIGNMENT_KEYS = [
  'displayName',
  'description',
  'policyDefinitionId',
  'definitionVersion',
  'scope',
  'notScopes',
  'parameters',
  'metadata',
  'enforcementMode',
  'nonComplianceMessages',
  'resourceSelectors',
  'overrides',
] as const;

function pickProps(model: object, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  const m = model as Record<string, unknown>;
  for (const k of keys) if (m[k] !== undefined && m[k] !== null) out[k] = plain(m[k]);
  return out;
}

function mgOfId(id: string): string {
  const m = /\/managementGroups\/([^/]+)/i.exec(id);
  return m ? m[1]! : '';
}

async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

function sameOrigin(url: string, endpoint: string): string {
  if (new URL(url).origin !== new URL(endpoint).origin) throw new Error(`nextLink ${new URL(url).origin} is not on the endpoint ${new URL(endpoint).origin}`);
  return url;
}

function noLeadingSlash(scope: string): string {
  // The SDK path template is `/{scope}/providers/...` with scope unescaped: a leading slash would produce `//providers`.
  return scope.replace(/^\/+/, '');
}

/**
 * A child in a management group's `properties.children` as ARM sends it (REST spec Microsoft.Management 2021-04-01,
 * ManagementGroups_Get with $expand=children&$recurse=true): a group with its own children, or a subscription.
 */
interface ManagementGroupChildInfo {
  type?: string;
  id?: string;
  name?: string;
  children?: ManagementGroupChildInfo[] | null;
}

/** api-version of the management-group read (the one @azure/arm-managementgroups 2.0.2 speaks). */
export const MANAGEMENT_GROUPS_API_VERSION = '2021-04-01';

function isSubscriptionChild(c: ManagementGroupChildInfo): boolean {
  return (c.type ?? '').toLowerCase().endsWith('/subscriptions') || /^\/subscriptions\//i.test(c.id ?? '');
}

/** A management group's subtree (from a recursive `$expand=children` read) as the planner needs it. */
function groupInfo(name: string, tenantId: string, children: ManagementGroupChildInfo[] | null | undefined): ManagementGroupInfo {
  const descendantGroups: string[] = [];
  const leafGroups: string[] = [];
  const subscriptions: string[] = [];
  const walk = (group: string, kids: ManagementGroupChildInfo[] | null | undefined) => {
    let groups = 0;
    for (const c of kids ?? []) {
      if (isSubscriptionChild(c)) subscriptions.push(c.name ?? (c.id ?? '').split('/').pop()!);
      else {
        groups += 1;
        descendantGroups.push(c.name ?? '');
        walk(c.name ?? '', c.children);
      }
    }
    if (groups === 0) leafGroups.push(group);
  };
  walk(name, children);
  return { name, tenantId, descendantGroups, leafGroups, subscriptions };
}

/**
 * A policy assignment at a subscription as ARM sends it (the wire shape: `properties`, `identity`, `location`), from
 * a list at the subscription or a Resource Graph `policyresources` row, which holds the same document. Anything
 * that is not exactly at a subscription (a management group's, a resource group's) is not one: undefined.
 */
export function subscriptionAssignment(o: JsonObject): LivePolicyAssignment | undefined {
  const id = String(o.id ?? '');
  const m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/policyAssignments\/([^/]+)$/i.exec(id);
  if (!m) return undefined;
  const out: LivePolicyAssignment = { id, name: m[2]!, managementGroupId: '', subscriptionId: m[1]!, properties: (o.properties ?? {}) as JsonObject };
  if (typeof o.location === 'string' && o.location) out.location = o.location;
  const identity = o.identity as JsonObject | null | undefined;
  if (identity && typeof identity.type === 'string') {
    out.identity = { type: identity.type };
    if (typeof identity.principalId === 'string') out.identity.principalId = identity.principalId;
  }
  return out;
}

/** A pricing as ARM's 2024-01-01 GET (or a Resource Graph row, which holds the same properties) returns it. */
export function livePricing(subscriptionId: string, o: JsonObject): LivePricing {
  const p = (o.properties ?? {}) as JsonObject;
  const out: LivePricing = { subscriptionId, name: String(o.name ?? ''), pricingTier: String(p.pricingTier ?? 'Free') };
  if (typeof p.subPlan === 'string') out.subPlan = p.subPlan;
  if (typeof p.enforce === 'string') out.enforce = p.enforce;
  if (Array.isArray(p.extensions)) {
    out.extensions = p.extensions.map((e) => {
      const x = e as JsonObject;
      const ext: PricingExtension = { name: String(x.name), isEnabled: x.isEnabled === 'True' ? 'True' : 'False' };
      if (x.additionalExtensionProperties && typeof x.additionalExtensionProperties === 'object') {
        ext.additionalExtensionProperties = x.additionalExtensionProperties as Record<string, JsonValue>;
      }
      return ext;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The gateway

/**
 * One tlsOptions object per trusted CA: the Node HTTP client caches its keep-alive https.Agent by the identity of
 * this object, so sharing it lets every client (and every session in one process) reuse open TLS connections.
 */
const tlsByCa = new Map<string | Buffer, { ca: string | Buffer }>();
function tlsOptionsFor(ca: string | Buffer): { ca: string | Buffer } {
  let t = tlsByCa.get(ca);
  if (!t) tlsByCa.set(ca, (t = { ca }));
  return t;
}

export class AzureGateway {
  readonly endpoint: string;
  /** Attempts sent (retries included), for the no-op budget and the bench. */
  readonly counter = { requests: 0 };
  /** Ids of definitions and sets this run created: only references to them are retried as "not yet visible". */
  private readonly created = new Set<string>();
  /** Clients by SDK, created (and their package imported) on first use. */
  private readonly clients = new Map<string, Promise<unknown>>();
  private readonly wire: (pipeline: Pipeline) => void;
  private readonly make: { credential: TokenCredential; options: object };
  /** Resource Graph's quota as its last answer announced it (resourceGraphPages). */
  private graphQuota: { remaining: number; resetAt: number } | undefined;
  /** Requests waiting before a retry now, by why (throttling, transient failure, consistency), for progress displays. */
  readonly waits: RetryWaits;
  /** Subscriptions (lower case) this run registered Microsoft.Security on, and the registration in flight. */
  private readonly registered = new Map<string, Promise<void>>();

  private constructor(endpoint: URL, credential: TokenCredential, options: GatewayOptions) {
    this.endpoint = endpoint.origin + endpoint.pathname.replace(/\/+$/, '');
    const retry: RetrySettings = { ...DEFAULT_RETRY, ...options.retry };
    const waits = (this.waits = options.waits ?? new RetryWaits());
    this.make = {
      credential,
      options: {
        credential,
        endpoint: this.endpoint,
        ...(options.ca !== undefined ? { tlsOptions: tlsOptionsFor(options.ca) } : {}),
        // One explicit token audience: the endpoint's, as the SDK would derive, but also for sovereign clouds.
        credentialScopes: [`${this.endpoint}/.default`],
        userAgentOptions: { userAgentPrefix: 'ztpolicy' },
      },
    };
    const loopbackHttp = endpoint.protocol === 'http:';
    // One gate for every client: a Retry-After from one subscription pauses that subscription's requests only.
    const gate = scopeGatePolicy(DEFAULT_RETRY.maxRetryAfterMs, waits);
    this.wire = (p) => {
      p.removePolicy({ name: 'defaultRetryPolicy' });
      p.addPolicy(
        ztRetryPolicy(retry, options.log, (entry, request) =>
          entry.when === 'fresh'
            ? referencedIds(request).some((id) => this.created.has(id))
            : this.registered.has(subscriptionOf(request)),
          waits,
        ),
        { phase: 'Retry' },
      );
      p.addPolicy(gate, { afterPhase: 'Retry' });
      p.addPolicy(requestLogPolicy(this.counter, options.log), { afterPhase: 'Retry' });
      if (loopbackHttp) {
        p.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
        p.addPolicy(loopbackBearerPolicy(credential, `${this.endpoint}/.default`), { phase: 'Sign' });
      }
    };
  }

  private client<T extends { pipeline: Pipeline }>(name: string, create: () => Promise<T>): Promise<T> {
    let c = this.clients.get(name) as Promise<T> | undefined;
    if (!c) {
      c = create().then((client) => {
        this.wire(client.pipeline);
        return client;
      });
      this.clients.set(name, c);
    }
    return c;
  }

  private policy(): Promise<PolicyClient> {
    return this.client('policy', async () => new (await import('@azure/arm-policy')).PolicyClient(this.make.credential, this.make.options));
  }

  /**
   * A bare client on the same options and policies, for requests the SDKs do not model (pricings at 2024-01-01,
   * provider registration) and for the management-group read. That read is the first request of every plan, and
   * @azure/arm-managementgroups ships CommonJS only: importing it loads a second (CommonJS) copy of core-client and
   * core-rest-pipeline plus core-lro, about 0.2 s before the first request could leave (issue 8 point 4).
   */
  private arm(): Promise<ServiceClient> {
    // Imported statically (ESM, light beside core-rest-pipeline, which the gateway needs anyway).
    return this.client('arm', async () => new ServiceClient(this.make.options));
  }

  // subscriptionId is required by these constructors but unused by scope-based calls (publisher-mechanics.md 1.3).
  private authorization(): Promise<AuthorizationManagementClient> {
    return this.client('authorization', async () =>
      new (await import('@azure/arm-authorization')).AuthorizationManagementClient(this.make.credential, '00000000-0000-0000-0000-000000000000', this.make.options),
    );
  }


  private insights(): Promise<PolicyInsightsClient> {
    return this.client('insights', async () => new (await import('@azure/arm-policyinsights')).PolicyInsightsClient(this.make.credential, this.make.options));
  }

  private resourceGraph(): Promise<ResourceGraphClient> {
    return this.client('resourceGraph', async () => new (await import('@azure/arm-resourcegraph')).ResourceGraphClient(this.make.credential, this.make.options));
  }

  /**
   * Starts loading the SDKs every plan reads with (policy, authorization) while the first request, the
   * management-group read, is on the wire: their import takes longer than that round trip.
   */
  preload(): void {
    for (const c of [this.policy(), this.authorization()]) c.catch(() => undefined);
  }

  static async create(options: GatewayOptions = {}): Promise<AzureGateway> {
    const endpoint = checkEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
    const credential = options.credential ?? (await defaultCredential(options.env ?? process.env, endpoint));
    return new AzureGateway(endpoint, credential, options);
  }

  /** The target MG with its tenant and everything below it, in one call ($expand=children&$recurse=true). */
  async getManagementGroup(mg: string): Promise<ManagementGroupInfo> {
    const g = await this.readGroupTree(mg);
    return groupInfo(g.name ?? mg, g.properties?.tenantId ?? '', g.properties?.children);
  }

  private async readGroupTree(mg: string): Promise<{ name?: string; properties?: { tenantId?: string; children?: ManagementGroupChildInfo[] | null } }> {
    return (await this.raw('GET', `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(mg)}`, MANAGEMENT_GROUPS_API_VERSION, undefined, {
      $expand: 'children',
      $recurse: 'true',
    })) as never;
  }

  /**
   * `root` names the Tenant Root Group, whose name in Azure is the tenant id: there is no group called `root` unless
   * someone created one (GET .../managementGroups/root answers 404). One read of the Tenant Root Group's whole tree
   * tells both: if a group literally named `root` is in it, that group is the target (its name was given exactly; the
   * Tenant Root Group stays reachable by its id) and `literalRoot` says so; otherwise the Tenant Root Group is.
   * Without read access at the Tenant Root Group, a literal `root` group is read directly.
   */
  async resolveRootAlias(alias: string, tenantId: string): Promise<{ info: ManagementGroupInfo; literalRoot: boolean }> {
    let tree: Awaited<ReturnType<AzureGateway['readGroupTree']>>;
    try {
      tree = await this.readGroupTree(tenantId);
    } catch (e) {
      if (!isRestError(e) || (e.statusCode !== 403 && e.statusCode !== 404)) throw e;
      return { info: { ...(await this.getManagementGroup(alias)), requestedAs: alias }, literalRoot: true };
    }
    const find = (children: ManagementGroupChildInfo[] | null | undefined): ManagementGroupChildInfo | undefined => {
      for (const c of children ?? []) {
        if (isSubscriptionChild(c)) continue;
        if ((c.name ?? '').toLowerCase() === alias.toLowerCase()) return c;
        const below = find(c.children);
        if (below) return below;
      }
      return undefined;
    };
    const literal = find(tree.properties?.children ?? undefined);
    const tid = tree.properties?.tenantId ?? tenantId;
    if (literal) return { info: { ...groupInfo(literal.name ?? alias, tid, literal.children), requestedAs: alias }, literalRoot: true };
    return { info: { ...groupInfo(tree.name ?? tenantId, tid, tree.properties?.children), requestedAs: alias, tenantRoot: true }, literalRoot: false };
  }

  /**
   * Gets a token for the endpoint and returns only its identity claims (the token never leaves this method), so
   * `init` can say whether the credential works, which tenant and which principal it is.
   */
  async whoAmI(): Promise<TokenClaims> {
    const token = await this.make.credential.getToken(`${this.endpoint}/.default`);
    if (!token) throw new Error('the credential returned no access token');
    return identityClaims(token.token);
  }

  /**
   * Every management group the caller can see: name and display name (to resolve "Tenant Root Group"). Raw, like
   * the group-tree read (Management Groups - List, 2021-04-01: `properties.displayName`), so no SDK loads for it.
   */
  async listManagementGroups(): Promise<{ name: string; displayName: string }[]> {
    const rows = await this.rawList('/providers/Microsoft.Management/managementGroups', MANAGEMENT_GROUPS_API_VERSION);
    return rows.map((g) => ({ name: String(g.name ?? ''), displayName: String((g.properties as JsonObject | undefined)?.displayName ?? '') }));
  }

  /**
   * The caller's effective permissions at a scope from its role assignments there and above (`assignedTo()`
   * includes those through groups: roleAssignments listForScope docs) and their role definitions. Deny
   * assignments are not read, so a permission this reports may still be denied.
   */
  async permissionsOf(scope: string, principalId: string): Promise<{ roleName: string; actions: string[]; notActions: string[] }[]> {
    const auth = await this.authorization();
    const assignments = await collect(auth.roleAssignments.listForScope(noLeadingSlash(scope), { filter: `assignedTo('${principalId}')` }));
    const ids = [...new Set(assignments.map((a) => a.roleDefinitionId ?? '').filter(Boolean))];
    return Promise.all(
      ids.map(async (id) => {
        const d = await auth.roleDefinitions.getById(id);
        return {
          roleName: d.roleName ?? id,
          actions: (d.permissions ?? []).flatMap((p) => p.actions ?? []),
          notActions: (d.permissions ?? []).flatMap((p) => p.notActions ?? []),
        };
      }),
    );
  }

  async listDefinitions(mg: string): Promise<LivePolicyDefinition[]> {
    const list = await collect((await this.policy()).policyDefinitions.listByManagementGroup(mg, { filter: 'atExactScope()' }));
    return list
      .filter((d) => d.policyType === 'Custom')
      .map((d) => ({ id: d.id ?? '', name: d.name ?? '', properties: pickProps(d, DEFINITION_KEYS) }));
  }

  /**
   * Sets at exactly `mg`, each member reference with `latestDefinitionVersion` (the `$expand` of 2024-05-01): the
   * current version of every built-in member at no extra request, which keys the cached answer about built-ins.
   */
  async listSetDefinitions(mg: string): Promise<LivePolicyDefinition[]> {
    const list = await collect((await this.policy()).policySetDefinitions.listByManagementGroup(mg, { filter: 'atExactScope()', expand: 'LatestDefinitionVersion' }));
    return list
      .filter((d) => d.policyType === 'Custom')
      .map((d) => ({ id: d.id ?? '', name: d.name ?? '', properties: pickProps(d, SET_KEYS) }));
  }

  /**
   * Assignments at `mg` (`atExactScope()`) or, with `andAbove`, at `mg` and every ancestor (`atScope()`: "assigned to
   * the management group or the management group's ancestors", listForManagementGroup's doc comment).
   */
  async listAssignments(mg: string, andAbove = false): Promise<LivePolicyAssignment[]> {
    const list = await collect((await this.policy()).policyAssignments.listForManagementGroup(mg, { filter: andAbove ? 'atScope()' : 'atExactScope()' }));
    return list.map((a) => {
      const out: LivePolicyAssignment = {
        id: a.id ?? '',
        name: a.name ?? '',
        managementGroupId: mgOfId(a.scope ?? a.id ?? '') || mg,
        properties: pickProps(a, ASSIGNMENT_KEYS),
      };
      if (a.location) out.location = a.location;
      if (a.identity?.type) {
        out.identity = { type: a.identity.type };
        if (a.identity.principalId) out.identity.principalId = a.identity.principalId;
      }
      return out;
    });
  }

  async listRoleAssignments(scope: string): Promise<LiveRoleAssignment[]> {
    // atScope() returns assignments at and above the scope; the planner keeps those exactly at it.
    const list = await collect((await this.authorization()).roleAssignments.listForScope(noLeadingSlash(scope), { filter: 'atScope()' }));
    return list.map((r) => {
      const out: LiveRoleAssignment = {
        id: r.id ?? '',
        name: r.name ?? '',
        scope: r.scope ?? '',
        roleDefinitionId: r.roleDefinitionId ?? '',
        principalId: r.principalId ?? '',
      };
      if (r.principalType) out.principalType = r.principalType;
      if (r.description) out.description = r.description;
      return out;
    });
  }

  /**
   * Assignments exactly at a subscription (Policy Assignments - List with `$filter=atExactScope()`, 2024-05-01), all
   * pages, as a raw GET: arm-policy 6.0.0's list takes its subscription from the client, built once for every scope.
   */
  async listSubscriptionAssignments(subscriptionId: string): Promise<LivePolicyAssignment[]> {
    const rows = await this.rawList(`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/policyAssignments`, POLICY_API_VERSION, { $filter: 'atExactScope()' });
    return rows.map(subscriptionAssignment).filter((a): a is LivePolicyAssignment => a !== undefined);
  }

  /** A built-in definition by id (/providers/Microsoft.Authorization/policyDefinitions/<guid>), wire-shaped. */
  async getBuiltinDefinition(id: string): Promise<{ id: string; properties: JsonObject }> {
    const d = await (await this.policy()).policyDefinitions.getBuiltIn(id.split('/').pop()!);
    return { id: d.id ?? id, properties: pickProps(d, DEFINITION_KEYS) };
  }

  private async raw(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, apiVersion: string, body?: JsonValue, query: Record<string, string> = {}): Promise<JsonObject> {
    // Names as ARM documents them (`$expand`, not `%24expand`), values encoded.
    const search = Object.entries({ 'api-version': apiVersion, ...query })
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    const request = createPipelineRequest({
      // A nextLink is a complete URL with its own api-version and skip token (ARM paging): used as it is, after
      // checking it stays on this endpoint (a list answer must not send the token elsewhere).
      url: /^https?:\/\//i.test(path) ? sameOrigin(path, this.endpoint) : `${this.endpoint}${path}?${search}`,
      method,
      headers: createHttpHeaders({ accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const response = await (await this.arm()).sendRequest(request);
    let parsed: unknown;
    try {
      parsed = response.bodyAsText ? JSON.parse(response.bodyAsText) : {};
    } catch {
      parsed = {};
    }
    if (response.status !== 200 && response.status !== 201 && !(method === 'DELETE' && response.status === 204)) {
      const err = (parsed as { error?: { code?: string; message?: string } }).error ?? {};
      throw new RestError(err.message ?? `HTTP ${response.status}`, {
        statusCode: response.status,
        ...(err.code !== undefined ? { code: err.code } : {}),
        request,
        response,
      });
    }
    return (parsed ?? {}) as JsonObject;
  }

  /**
   * Pricings of a subscription at 2024-01-01 through the bare client (same pipeline: auth, retry, log): arm-security
   * 5.0.0's pricings.list speaks 2022-03-01 and drops `enforce` and `extensions`.
   */
  async listPricings(subscriptionId: string): Promise<LivePricing[]> {
    let body: JsonObject;
    try {
      body = await this.raw('GET', `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings`, PRICINGS_API_VERSION);
    } catch (e) {
      // Microsoft.Security not registered yet (a new subscription): no plan can be on, so every plan is Free. Reading
      // registers nothing (plan is read-only); putPricing registers the provider when a plan must change.
      if (isRestError(e) && SECURITY_NOT_REGISTERED.has(e.code ?? '')) return [];
      throw e;
    }
    const value = Array.isArray(body.value) ? body.value : [];
    return value.map((v) => livePricing(subscriptionId, v as JsonObject));
  }

  /**
   * Every row of a Resource Graph query over the subscriptions below `managementGroup`, page by page (1,000 rows a
   * page, the service's maximum; Resource Graph docs, paging-results.md), through the same pipeline as every other
   * call. `onPage` sees each page's rows as they arrive.
   */
  async queryResourceGraph(query: string, managementGroup: string, onPage?: (rows: JsonObject[]) => void): Promise<JsonObject[]> {
    const rows: JsonObject[] = [];
    for await (const pageRows of this.resourceGraphPages(query, { managementGroups: [managementGroup] })) {
      rows.push(...pageRows);
      onPage?.(pageRows);
    }
    return rows;
  }

  /**
   * A Resource Graph query's rows page by page (skip tokens), so a caller can process a large estate without
   * holding it. Scope: management groups, or subscriptions. Resource Graph's own quota (a window of queries per
   * user) is announced on every response in x-ms-user-quota-remaining and x-ms-user-quota-resets-after
   * (hh:mm:ss) ("Guidance for throttled requests in Azure Resource Graph", governance/resource-graph/concepts/
   * guidance-for-throttled-requests.md): when an answer says none is left, the next query or page waits for the
   * reset instead of running into a 429 (which the retry policy would still honour through Retry-After).
   */
  async *resourceGraphPages(query: string, scope: { managementGroups?: string[]; subscriptions?: string[] }, options: { top?: number } = {}): AsyncGenerator<JsonObject[]> {
    // One request names at most 1,000 subscriptions ("Troubleshoot errors using Azure Resource Graph", scenario "Too
    // many subscriptions": batch the query over subsets within the limit). Each batch pages on its own; the batches
    // are disjoint, so their rows are too.
    const subs = scope.subscriptions ?? [];
    if (!scope.managementGroups?.length && subs.length > RESOURCE_GRAPH_MAX_SUBSCRIPTIONS) {
      for (let i = 0; i < subs.length; i += RESOURCE_GRAPH_MAX_SUBSCRIPTIONS) {
        yield* this.resourceGraphPages(query, { subscriptions: subs.slice(i, i + RESOURCE_GRAPH_MAX_SUBSCRIPTIONS) }, options);
      }
      return;
    }
    const client = await this.resourceGraph();
    let skipToken: string | undefined;
    do {
      // The quota is per user, across queries: the last answer of any query says whether this one must wait.
      const wait = this.graphQuota && this.graphQuota.remaining === 0 ? this.graphQuota.resetAt - Date.now() : 0;
      if (wait > 0) await this.waits.wait('throttled', Math.min(wait, DEFAULT_RETRY.maxRetryAfterMs));
      const page = await client.resources(
        {
          query,
          ...(scope.managementGroups?.length ? { managementGroups: scope.managementGroups } : {}),
          ...(scope.subscriptions?.length ? { subscriptions: scope.subscriptions } : {}),
          options: { top: options.top ?? 1000, resultFormat: 'objectArray', ...(skipToken !== undefined ? { skipToken } : {}) },
        },
        {
          onResponse: (raw) => {
            const q = resourceGraphQuota(raw.headers.get('x-ms-user-quota-remaining'), raw.headers.get('x-ms-user-quota-resets-after'));
            this.graphQuota = q.remaining !== undefined && q.resetsAfterMs !== undefined ? { remaining: q.remaining, resetAt: Date.now() + q.resetsAfterMs } : undefined;
          },
        },
      );
      // 5.0.0-beta.4 maps `data` as a Dictionary: an objectArray page arrives as { "0": row, "1": row, ... }
      // (probe against the emulator); integer keys keep their order.
      const data = page.data as unknown;
      yield (Array.isArray(data) ? data : Object.values((data ?? {}) as object)) as JsonObject[];
      skipToken = page.skipToken;
    } while (skipToken);
  }

  /**
   * Exemptions at, above and below a management group, in one paged list (listPolicyExemptionsForManagementGroup;
   * publish reads it to plan, export to write the estate out). The spec's $filter text
   * (policyExemptions.json, PolicyExemptionFilterParameter) says the unfiltered list "includes all policy exemptions
   * associated with the scope, including those that apply directly or apply from containing scopes", and that
   * atScope() is the unfiltered list "except those applied to sub scopes contained within the given scope": so the
   * unfiltered list also holds the exemptions below (subscriptions, resource groups, resources). Not verified
   * against the live service; the planner keeps only exemptions of its own assignments either way.
   */
  async listExemptions(mg: string): Promise<LivePolicyExemption[]> {
    const rows = await this.rawList(`/providers/Microsoft.Management/managementGroups/${mg}/providers/Microsoft.Authorization/policyExemptions`, EXEMPTIONS_API_VERSION);
    return rows.map((o) => {
      const id = String(o.id ?? '');
      const at = id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/');
      return { id, name: String(o.name ?? ''), scope: at > 0 ? id.slice(0, at) : '', properties: (o.properties ?? {}) as JsonObject };
    });
  }

  /** Every row of a raw ARM list, following nextLink page by page (a nextLink carries its own query). */
  private async rawList(path: string, apiVersion: string, query: Record<string, string> = {}): Promise<JsonObject[]> {
    const out: JsonObject[] = [];
    let next: string | undefined = path;
    let first = query;
    while (next) {
      const body = await this.raw('GET', next, apiVersion, undefined, first);
      for (const v of Array.isArray(body.value) ? body.value : []) out.push(v as JsonObject);
      next = typeof body.nextLink === 'string' && body.nextLink ? body.nextLink : undefined;
      first = {};
    }
    return out;
  }

  async putExemption(scope: string, name: string, properties: JsonObject): Promise<void> {
    await this.raw('PUT', `/${noLeadingSlash(scope)}/providers/Microsoft.Authorization/policyExemptions/${name}`, EXEMPTIONS_API_VERSION, { properties });
  }

  async deleteExemption(scope: string, name: string): Promise<void> {
    await this.raw('DELETE', `/${noLeadingSlash(scope)}/providers/Microsoft.Authorization/policyExemptions/${name}`, EXEMPTIONS_API_VERSION);
  }

  async putPricing(subscriptionId: string, name: string, properties: JsonObject): Promise<void> {
    await this.withSecurityProvider(subscriptionId, () =>
      this.raw('PUT', `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${name}`, PRICINGS_API_VERSION, { properties }),
    );
  }

  /**
   * A new subscription may not have the Microsoft.Security provider registered (pricings answer 404 'Subscription Not
   * Registered': NOT_YET_VISIBLE). Register it once per subscription (Providers - Register, 2021-04-01; Security Admin
   * may: Microsoft.Security/register/action), then call again: the retry policy now waits out the registration.
   */
  private async withSecurityProvider<T>(subscriptionId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (!isRestError(e) || !SECURITY_NOT_REGISTERED.has(e.code ?? '')) throw e;
      const key = subscriptionId.toLowerCase();
      let registration = this.registered.get(key);
      if (!registration) {
        registration = this.raw('POST', `/subscriptions/${subscriptionId}/providers/Microsoft.Security/register`, '2021-04-01').then(() => undefined);
        this.registered.set(key, registration);
      }
      await registration;
      return call();
    }
  }

  /** `created`: the plan creates it (so a reference to it that ARM does not see yet is retried). */
  async putDefinition(mg: string, name: string, properties: JsonObject, options: { created?: boolean } = {}): Promise<void> {
    await (await this.policy()).policyDefinitions.createOrUpdateAtManagementGroup(mg, name, properties as never);
    if (options.created) this.created.add(idKey(`/providers/Microsoft.Management/managementGroups/${mg}/providers/Microsoft.Authorization/policyDefinitions/${name}`));
  }

  async putSetDefinition(mg: string, name: string, properties: JsonObject, options: { created?: boolean } = {}): Promise<void> {
    await (await this.policy()).policySetDefinitions.createOrUpdateAtManagementGroup(mg, name, properties as never);
    if (options.created) this.created.add(idKey(`/providers/Microsoft.Management/managementGroups/${mg}/providers/Microsoft.Authorization/policySetDefinitions/${name}`));
  }

  /** PUT an assignment; returns the system-assigned principal id ARM puts in the 201 response (if any). */
  async putAssignment(
    mg: string,
    name: string,
    body: { location?: string; identity: { type: 'SystemAssigned' | 'None' }; properties: JsonObject },
  ): Promise<string | undefined> {
    const result = await (await this.policy()).policyAssignments.create(noLeadingSlash(`/providers/Microsoft.Management/managementGroups/${mg}`), name, {
      ...(body.properties as object),
      identity: { type: body.identity.type },
      ...(body.location !== undefined ? { location: body.location } : {}),
    } as never);
    return result.identity?.principalId;
  }

  /** `scope` in ARM form: a management group's or a subscription's (assignmentScope in naming.ts). */
  async deleteAssignment(scope: string, name: string): Promise<void> {
    await (await this.policy()).policyAssignments.delete(noLeadingSlash(scope), name);
  }

  async deleteSetDefinition(mg: string, name: string): Promise<void> {
    await (await this.policy()).policySetDefinitions.deleteAtManagementGroup(mg, name);
  }

  async deleteDefinition(mg: string, name: string): Promise<void> {
    await (await this.policy()).policyDefinitions.deleteAtManagementGroup(mg, name);
  }

  async putRoleAssignment(
    scope: string,
    name: string,
    body: { roleDefinitionId: string; principalId: string; description: string },
  ): Promise<void> {
    await (await this.authorization()).roleAssignments.create(noLeadingSlash(scope), name, {
      roleDefinitionId: body.roleDefinitionId,
      principalId: body.principalId,
      // Set explicitly so ARM does not look the principal up in Entra before it has replicated (aka.ms/docs-principaltype).
      principalType: 'ServicePrincipal',
      description: body.description,
    });
  }

  async deleteRoleAssignment(scope: string, name: string): Promise<void> {
    await (await this.authorization()).roleAssignments.delete(noLeadingSlash(scope), name);
  }

  async createRemediation(mg: string, name: string, policyAssignmentId: string, policyDefinitionReferenceId: string): Promise<void> {
    await (await this.insights()).remediations.createOrUpdateAtManagementGroup(mg, name, {
      policyAssignmentId,
      policyDefinitionReferenceId,
      resourceDiscoveryMode: 'ExistingNonCompliant',
    });
  }

  /**
   * Runs a compliance scan of one subscription to its end: policyStates/latest/triggerEvaluation, a long-running
   * operation (202 + Location, polled until 200; spec PolicyStates_TriggerSubscriptionEvaluation, 2024-10-01). There is
   * no management-group trigger, so the executor runs one per subscription under the assignment.
   */
  async evaluateSubscription(subscriptionId: string, options: { pollIntervalMs: number; abortSignal?: AbortSignal }): Promise<void> {
    const poller = await (await this.insights()).policyStates.beginTriggerSubscriptionEvaluation(subscriptionId, { updateIntervalInMs: options.pollIntervalMs });
    await poller.pollUntilDone(options.abortSignal ? { abortSignal: options.abortSignal } : {});
  }

  /**
   * Azure Policy's latest compliance summary of one assignment, as seen from management group `mg` (PolicyStates -
   * Summarize For Management Group, 2024-10-01, filtered by `policyAssignmentId eq '<id>'`): per compliance state the
   * number of resources, overall and per member definition (by reference id). Undefined when Azure holds no
   * compliance record for the assignment (not evaluated yet).
   */
  async summarizeAssignment(mg: string, assignmentId: string): Promise<ComplianceSummary | undefined> {
    const r = await (await this.insights()).policyStates.summarizeForManagementGroup('latest', mg, {
      queryOptions: { filter: `policyAssignmentId eq '${assignmentId}'` },
    });
    const a = (r.value ?? [])
      .flatMap((v) => v.policyAssignments ?? [])
      .find((x) => (x.policyAssignmentId ?? '').toLowerCase() === assignmentId.toLowerCase());
    if (!a) return undefined;
    const counts = (details: { complianceState?: string; count?: number }[] | undefined) =>
      Object.fromEntries((details ?? []).map((d) => [(d.complianceState ?? 'unknown').toLowerCase(), d.count ?? 0]));
    return {
      resources: counts(a.results?.resourceDetails),
      members: (a.policyDefinitions ?? []).map((d) => ({
        referenceId: d.policyDefinitionReferenceId ?? '',
        policyDefinitionId: d.policyDefinitionId ?? '',
        resources: counts(d.results?.resourceDetails),
      })),
    };
  }

  /**
   * Non-compliant resources of one assignment, (resource, member) pairs, at most `top` (PolicyStates - List Query
   * Results For Management Group, `ComplianceState eq 'NonCompliant' and PolicyAssignmentId eq '<id>'`; not IsCompliant,
   * which is false for exempt resources too).
   */
  async nonCompliantStates(mg: string, assignmentId: string, top: number): Promise<{ resourceId: string; referenceId: string }[]> {
    const out: { resourceId: string; referenceId: string }[] = [];
    const pages = (await this.insights()).policyStates.listQueryResultsForManagementGroup('latest', mg, {
      queryOptions: { filter: `ComplianceState eq 'NonCompliant' and PolicyAssignmentId eq '${assignmentId}'`, top, select: 'ResourceId, PolicyDefinitionReferenceId' },
    });
    for await (const s of pages) {
      out.push({ resourceId: s.resourceId ?? '', referenceId: s.policyDefinitionReferenceId ?? '' });
      if (out.length >= top) break;
    }
    return out;
  }

  /** Remediation tasks at management group `mg` (Remediations - List For Management Group), with their state. */
  async listRemediations(mg: string): Promise<RemediationState[]> {
    const out: RemediationState[] = [];
    for await (const r of (await this.insights()).remediations.listForManagementGroup(mg)) {
      out.push({
        name: r.name ?? '',
        policyAssignmentId: r.policyAssignmentId ?? '',
        referenceId: r.policyDefinitionReferenceId ?? '',
        state: r.provisioningState ?? 'Unknown',
        total: r.deploymentStatus?.totalDeployments ?? 0,
        succeeded: r.deploymentStatus?.successfulDeployments ?? 0,
        failed: r.deploymentStatus?.failedDeployments ?? 0,
      });
    }
    return out;
  }

  /** A remediation task's state and what it deployed so far. */
  async getRemediation(mg: string, name: string): Promise<{ state: string; total: number; succeeded: number; failed: number }> {
    const r = await (await this.insights()).remediations.getAtManagementGroup(mg, name);
    return {
      state: r.provisioningState ?? 'Unknown',
      total: r.deploymentStatus?.totalDeployments ?? 0,
      succeeded: r.deploymentStatus?.successfulDeployments ?? 0,
      failed: r.deploymentStatus?.failedDeployments ?? 0,
    };
  }
}
