/**
 * Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources (the `resources` operation of
 * @azure/arm-resourcegraph, api-version 2021-06-01-preview as 5.0.0-beta.4 sends it). The query runs through the
 * KQL subset in ../kql.ts over the tables in RESOURCE_GRAPH_TABLES; add a table there to answer more queries.
 *
 * Behaviour modelled on Microsoft's Resource Graph docs (governance/resource-graph/concepts/work-with-data.md and
 * paging-results.md):
 * - scope: `managementGroups` (every subscription below them) or `subscriptions`, else every subscription of the
 *   tenant the caller can see (here: all);
 * - paging: `options.$top` rows per page (default 100, at most 1000), `options.$skip`, and an opaque `$skipToken`
 *   in the response while rows remain; the next request must repeat the same query and scopes with the token
 *   (a token for another query is 400 here); a query with `limit`/`take` is not paged (resultTruncated instead);
 * - response: `{ totalRecords, count, resultTruncated, $skipToken?, data: [rows], facets: [] }` (objectArray;
 *   the table format is not emulated);
 * - freshness: ARM notifies Resource Graph of every change and a periodic full scan catches up, so Resource Graph
 *   trails ARM ("How Resource Graph is kept current", governance/resource-graph/overview.md). The emulator's
 *   `resourceGraph` options model that: `indexDelayMs` (a pricing write shows up only this long after it happened;
 *   until then the previous value) and `unindexedSubscriptions` (subscriptions not scanned yet: no rows at all);
 * - tables: `securityresources` (Defender pricings), `policyresources` (policy-resources.ts), `resources` (the
 *   seeded estate: `resources` options, ARM GET
 *   documents turned into Resource Graph rows by argRow) and `resourcecontainers` (the scope's subscriptions and
 *   resource groups);
 * - quota: every answer carries x-ms-user-quota-remaining and x-ms-user-quota-resets-after (hh:mm:ss), and a
 *   query over the window's quota is 429 with Retry-After ("Guidance for throttled requests in Azure Resource
 *   Graph", governance/resource-graph/concepts/guidance-for-throttled-requests.md); off unless `quota` is set.
 */
import { createHash } from 'node:crypto';
import { ArmError, badRequest } from '../arm-error.js';
import type { Reply, RequestContext, Route } from '../context.js';
import { ok } from '../context.js';
import { KqlError, parseKql, runKql, type Row } from '../kql.js';
import { DEFENDER_PLANS, type EmulatorState, type SubscriptionNode } from '../state.js';
import { isObject, type JsonObject } from '../util.js';
import { policyAssignmentRows } from './policy-resources.js';

/** Options of the emulator's Resource Graph (EmulatorOptions.resourceGraph). */
export interface ResourceGraphOptions {
  /** A write shows in Resource Graph only this many ms after it happened (default 0: at once). */
  indexDelayMs?: number;
  /** Subscriptions Resource Graph has not indexed yet (a new subscription before its first scan). */
  unindexedSubscriptions?: string[];
  /** The estate in the `resources` table: ARM GET documents (ids under seeded subscriptions). */
  resources?: JsonObject[];
  /** Resource groups with their location and tags; groups only named by a resource id are added with the resource's location. */
  resourceGroups?: Array<{ subscriptionId: string; name: string; location: string; tags?: Record<string, string>; managedBy?: string }>;
  /** Subscription tags (resourcecontainers rows), by subscription id. */
  subscriptionTags?: Record<string, Record<string, string>>;
  /** Resource Graph's per-user quota: this many queries per window (default: no limit, no headers). */
  quota?: { queries: number; windowMs: number };
}

export interface TableContext {
  state: EmulatorState;
  tenantId: string;
  /** The subscriptions in the query's scope that Resource Graph has indexed. */
  subscriptions: SubscriptionNode[];
  options: ResourceGraphOptions;
  now: number;
}

/** Rows of `securityresources` for Defender pricings: one per plan per subscription (Free until set), as ARG holds them. */
function pricingRows(t: TableContext): Row[] {
  const rows: Row[] = [];
  const delay = t.options.indexDelayMs ?? 0;
  for (const sub of t.subscriptions) {
    const stored = t.state.pricingsFor(sub.subscriptionId);
    for (const plan of DEFENDER_PLANS) {
      const id = `/subscriptions/${sub.subscriptionId}/providers/Microsoft.Security/pricings/${plan}`;
      const history = t.state.pricingWrites.get(id.toLowerCase());
      // Not yet indexed: Resource Graph still shows what was there before the last write.
      const current = history && t.now < history.at + delay ? history.before : stored.get(plan.toLowerCase());
      const properties = current?.properties ?? { pricingTier: 'Free', freeTrialRemainingTime: 'PT0S', enforce: 'False', inherited: 'False' };
      rows.push({
        id,
        name: plan,
        // Resource Graph stores resource types in lower case (queries compare with ==).
        type: 'microsoft.security/pricings',
        tenantId: t.tenantId,
        kind: '',
        location: '',
        resourceGroup: '',
        subscriptionId: sub.subscriptionId,
        managementGroup: sub.managementGroup,
        properties,
      });
    }
  }
  return rows;
}

const ID_SCOPE = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i;

/**
 * An ARM GET document as a Resource Graph `resources` row: the type lower-cased (Resource Graph stores and
 * returns types in lower case), the envelope columns every row has (absent ones as "" or null, as `az graph query`
 * prints them), and the row-only columns tenantId, resourceGroup and subscriptionId.
 */
export function argRow(doc: JsonObject, tenantId: string): Row {
  const scope = ID_SCOPE.exec(String(doc.id ?? '')) ?? [];
  return {
    id: doc.id,
    name: doc.name,
    type: String(doc.type).toLowerCase(),
    tenantId,
    kind: doc.kind ?? '',
    location: doc.location ?? '',
    resourceGroup: scope[2] ?? '',
    subscriptionId: scope[1] ?? '',
    managedBy: doc.managedBy ?? '',
    sku: doc.sku ?? null,
    plan: doc.plan ?? null,
    properties: doc.properties ?? null,
    tags: doc.tags ?? null,
    identity: doc.identity ?? null,
    zones: doc.zones ?? null,
    extendedLocation: doc.extendedLocation ?? null,
  };
}

function inScope(t: TableContext): Set<string> {
  return new Set(t.subscriptions.map((s) => s.subscriptionId.toLowerCase()));
}

function resourceRows(t: TableContext): Row[] {
  const subs = inScope(t);
  return (t.options.resources ?? []).filter((r) => subs.has((ID_SCOPE.exec(String(r.id))?.[1] ?? '').toLowerCase())).map((r) => argRow(r, t.tenantId));
}

/** Management group chain of a subscription, nearest first (properties.managementGroupAncestorsChain). */
function ancestors(t: TableContext, mg: string): Array<{ name: string; displayName: string }> {
  const out: Array<{ name: string; displayName: string }> = [];
  for (let g = t.state.getManagementGroup(mg); g; g = g.parent ? t.state.getManagementGroup(g.parent) : undefined) out.push({ name: g.name, displayName: g.displayName });
  return out;
}

/** `resourcecontainers`: the scope's subscriptions and resource groups. */
function containerRows(t: TableContext): Row[] {
  const subs = inScope(t);
  const rows: Row[] = [];
  for (const sub of t.subscriptions) {
    rows.push({
      id: `/subscriptions/${sub.subscriptionId}`,
      // A subscription row is named by its display name; the GUID is in subscriptionId.
      name: sub.displayName,
      type: 'microsoft.resources/subscriptions',
      tenantId: t.tenantId,
      kind: '',
      location: '',
      resourceGroup: '',
      subscriptionId: sub.subscriptionId,
      managedBy: '',
      sku: null,
      plan: null,
      properties: {
        state: sub.state,
        subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
        managementGroupAncestorsChain: ancestors(t, sub.managementGroup),
      },
      tags: t.options.subscriptionTags?.[sub.subscriptionId] ?? null,
      identity: null,
      zones: null,
      extendedLocation: null,
    });
  }
  const groups = new Map<string, { subscriptionId: string; name: string; location: string; tags?: Record<string, string>; managedBy?: string }>();
  for (const g of t.options.resourceGroups ?? []) groups.set(`${g.subscriptionId}/${g.name}`.toLowerCase(), g);
  for (const r of t.options.resources ?? []) {
    const m = ID_SCOPE.exec(String(r.id));
    if (!m?.[2]) continue;
    const key = `${m[1]}/${m[2]}`.toLowerCase();
    if (!groups.has(key)) groups.set(key, { subscriptionId: m[1]!, name: m[2], location: String(r.location ?? 'westeurope') });
  }
  for (const g of groups.values()) {
    if (!subs.has(g.subscriptionId.toLowerCase())) continue;
    rows.push({
      id: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}`,
      name: g.name,
      type: 'microsoft.resources/subscriptions/resourcegroups',
      tenantId: t.tenantId,
      kind: '',
      location: g.location,
      resourceGroup: g.name,
      subscriptionId: g.subscriptionId,
      managedBy: g.managedBy ?? '',
      sku: null,
      plan: null,
      properties: { provisioningState: 'Succeeded' },
      tags: g.tags ?? null,
      identity: null,
      zones: null,
      extendedLocation: null,
    });
  }
  return rows;
}

/** Tables the emulator answers, by lower-cased name. */
export const RESOURCE_GRAPH_TABLES: Record<string, (t: TableContext) => Row[]> = {
  securityresources: pricingRows,
  resources: resourceRows,
  resourcecontainers: containerRows,
  policyresources: policyAssignmentRows,
};

/** Queries answered in the current quota window (per emulator: the tests have one caller). */
const quotaWindows = new WeakMap<ResourceGraphOptions, { start: number; used: number }>();

function hhmmss(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Counts the query against the window; 429 beyond it. Returns the headers of the answer. */
function chargeQuota(options: ResourceGraphOptions, now: number): Record<string, string> {
  const q = options.quota;
  if (!q) return {};
  let w = quotaWindows.get(options);
  if (!w || now >= w.start + q.windowMs) quotaWindows.set(options, (w = { start: now, used: 0 }));
  const resetsIn = w.start + q.windowMs - now;
  if (w.used >= q.queries) {
    throw new ArmError(429, 'RateLimiting', 'Please provide below info when asking for support: ... The request was throttled by Resource Graph.', {
      'retry-after': String(Math.max(1, Math.ceil(resetsIn / 1000))),
      'x-ms-user-quota-remaining': '0',
      'x-ms-user-quota-resets-after': hhmmss(resetsIn),
    });
  }
  w.used++;
  return { 'x-ms-user-quota-remaining': String(q.queries - w.used), 'x-ms-user-quota-resets-after': hhmmss(resetsIn) };
}

const MAX_TOP = 1000;
const DEFAULT_TOP = 100;

interface SkipToken {
  offset: number;
  /** Hash of query + scopes: a token is valid only for the request that produced it. */
  request: string;
}

function requestHash(query: string, scopes: unknown): string {
  return createHash('sha256').update(JSON.stringify([query, scopes])).digest('hex').slice(0, 16);
}

function scopeSubscriptions(ctx: RequestContext, body: Record<string, unknown>, options: ResourceGraphOptions): SubscriptionNode[] {
  const unindexed = new Set((options.unindexedSubscriptions ?? []).map((s) => s.toLowerCase()));
  let subs: SubscriptionNode[];
  if (Array.isArray(body.managementGroups) && body.managementGroups.length > 0) {
    subs = [];
    for (const mg of body.managementGroups) {
      if (!ctx.state.getManagementGroup(String(mg))) {
        throw badRequest('BadRequest', `Management group '${String(mg)}' was not found or the caller has no access to it.`);
      }
      subs.push(...ctx.state.subscriptionsUnder(String(mg)));
    }
  } else if (Array.isArray(body.subscriptions) && body.subscriptions.length > 0) {
    // Learn ("Troubleshoot errors using Azure Resource Graph", "Too many subscriptions"): the REST API accepts at most
    // 1,000 subscriptions per request. The status and code of its refusal are not documented: 400 BadRequest is
    // inferred.
    if (body.subscriptions.length > 1000) {
      throw badRequest('BadRequest', `A query can name at most 1000 subscriptions; this one names ${body.subscriptions.length}. Batch the query over subsets of the subscriptions.`);
    }
    subs = body.subscriptions.map((id) => ctx.state.getSubscription(String(id))).filter((s): s is SubscriptionNode => s !== undefined);
  } else {
    subs = [...ctx.state.subscriptions.values()];
  }
  return [...new Map(subs.map((s) => [s.subscriptionId.toLowerCase(), s])).values()].filter((s) => !unindexed.has(s.subscriptionId.toLowerCase()));
}

export function handleResourceGraph(ctx: RequestContext, route: Route, options: ResourceGraphOptions): Reply {
  if (route.scope.kind !== 'tenant' || route.type !== 'resources' || route.rest.length > 0) {
    throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.method} ${ctx.path}'.`);
  }
  if (ctx.method !== 'POST') throw new ArmError(405, 'MethodNotAllowed', `'${ctx.method}' is not supported on Resource Graph queries; use POST.`);
  const body = ctx.body;
  if (!isObject(body) || typeof body.query !== 'string' || body.query.trim() === '') {
    throw badRequest('BadRequest', "The request body must be a QueryRequest with a non-empty 'query'.");
  }
  const opts = isObject(body.options) ? body.options : {};
  if (opts.resultFormat !== undefined && opts.resultFormat !== 'objectArray') {
    throw badRequest('UnsupportedByEmulator', "The ARM emulator answers Resource Graph queries in resultFormat 'objectArray' only.");
  }
  const top = opts.$top === undefined ? DEFAULT_TOP : Number(opts.$top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    throw badRequest('BadRequest', `Option '$top' must be an integer between 1 and ${MAX_TOP}.`);
  }
  const quotaHeaders = chargeQuota(options, Date.now());
  const hash = requestHash(body.query, [body.managementGroups ?? null, body.subscriptions ?? null]);
  let offset = opts.$skip === undefined ? 0 : Number(opts.$skip);
  if (typeof opts.$skipToken === 'string') {
    let token: SkipToken;
    try {
      token = JSON.parse(Buffer.from(opts.$skipToken, 'base64url').toString('utf8')) as SkipToken;
    } catch {
      throw badRequest('BadRequest', 'The $skipToken is not valid.');
    }
    if (token.request !== hash) throw badRequest('BadRequest', 'The $skipToken belongs to another query or scope; repeat the same request with it.');
    offset = token.offset;
  }
  let result;
  try {
    const query = parseKql(body.query);
    const table = RESOURCE_GRAPH_TABLES[query.table];
    if (!table) throw new KqlError(`table '${query.table}' is not emulated (known: ${Object.keys(RESOURCE_GRAPH_TABLES).join(', ')})`);
    const tableCtx: TableContext = { state: ctx.state, tenantId: ctx.options.tenantId, subscriptions: scopeSubscriptions(ctx, body, options), options, now: Date.now() };
    result = runKql(query, table(tableCtx));
  } catch (e) {
    if (e instanceof KqlError) throw badRequest('BadRequest', `Query is invalid: ${e.message}`);
    throw e;
  }
  const data = result.rows.slice(offset, offset + top);
  const more = offset + top < result.rows.length;
  const reply: Record<string, unknown> = {
    totalRecords: result.rows.length,
    count: data.length,
    resultTruncated: more && !result.pageable ? 'true' : 'false',
    data,
    facets: [],
  };
  if (more && result.pageable) reply.$skipToken = Buffer.from(JSON.stringify({ offset: offset + top, request: hash } satisfies SkipToken)).toString('base64url');
  return { ...ok(reply), headers: { ...(ok(reply).headers ?? {}), ...quotaHeaders } };
}
