/**
 * PolicyStates (Microsoft.PolicyInsights 2024-10-01; ../shared/azure/rest-specs/specification/policyinsights/
 * resource-manager/Microsoft.PolicyInsights/stable/2024-10-01/policyStates.json) over the compliance records a test
 * seeds in `state.policyStates`: the emulator does not evaluate resources itself, so Azure's results are scripted.
 * - POST {scope}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize (PolicyStates_SummarizeFor*): the
 *   response shape of the spec's examples (PolicyStates_SummarizeManagementGroupScope.json,
 *   PolicyStates_SummarizeSubscriptionLevelPolicyAssignmentScope.json): `results` over the scope, then per
 *   assignment its `results` and per member definition (`policyDefinitions[]`, by policyDefinitionReferenceId) its
 *   own. An assignment without records is absent (Azure has not evaluated it).
 * - POST {scope}/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults: the records, paged.
 * A resource's state across several records is the highest ranked one: non-compliant, compliant, error,
 * conflicting, exempt, unknown (Learn, "Azure Policy compliance states", aggregated compliance).
 * `$filter`: the clauses ztpolicy sends, joined by `and`: `policyAssignmentId eq '…'`, `IsCompliant eq true|false`,
 * `complianceState eq '…'`, `policyDefinitionReferenceId eq '…'`; anything else is 400 (an answer the emulator cannot
 * give correctly is refused, not guessed).
 */
import { badRequest } from '../arm-error.js';
import type { Reply, RequestContext } from '../context.js';
import { ok, page } from '../context.js';
import type { Scope } from '../scope.js';
import type { PolicyStateRecord } from '../types.js';

const RANK = ['noncompliant', 'compliant', 'error', 'conflict', 'exempt', 'unknown'];

type Clause = (r: PolicyStateRecord) => boolean;

function parseFilter(raw: string | undefined): Clause[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(/\s+and\s+/i).map((part): Clause => {
    const m = /^\s*\(?\s*(\w+)\s+eq\s+(?:'([^']*)'|(true|false))\s*\)?\s*$/i.exec(part);
    if (!m) throw badRequest('InvalidFilterInQueryString', `The emulator does not understand the filter clause '${part}'.`);
    const field = m[1]!.toLowerCase();
    const value = (m[2] ?? m[3]!).toLowerCase();
    switch (field) {
      case 'policyassignmentid':
        return (r) => r.policyAssignmentId.toLowerCase() === value;
      case 'policydefinitionreferenceid':
        return (r) => (r.policyDefinitionReferenceId ?? '').toLowerCase() === value;
      case 'compliancestate':
        return (r) => r.complianceState.toLowerCase() === value;
      case 'iscompliant':
        return (r) => (r.complianceState.toLowerCase() === 'compliant') === (value === 'true');
      default:
        throw badRequest('InvalidFilterInQueryString', `The emulator does not filter policy states on '${m[1]}'.`);
    }
  });
}

function inScope(ctx: RequestContext, scope: Scope): (r: PolicyStateRecord) => boolean {
  if (scope.kind === 'managementGroup') {
    const subs = new Set(ctx.state.subscriptionsUnder(scope.managementGroup).map((s) => s.subscriptionId.toLowerCase()));
    return (r) => subs.has(subscriptionOf(r));
  }
  if (scope.kind === 'subscription') return (r) => subscriptionOf(r) === scope.subscriptionId.toLowerCase();
  return (r) => r.resourceId.toLowerCase().startsWith(scope.key);
}

function subscriptionOf(r: PolicyStateRecord): string {
  return (/^\/subscriptions\/([^/]+)/i.exec(r.resourceId)?.[1] ?? '').toLowerCase();
}

function records(ctx: RequestContext, scope: Scope): PolicyStateRecord[] {
  const clauses = parseFilter(ctx.query.get('$filter'));
  const here = inScope(ctx, scope);
  return ctx.state.policyStates.filter((r) => here(r) && clauses.every((c) => c(r)));
}

/** Per compliance state, the number of distinct resources whose highest ranked state it is. */
function resourceDetails(rs: PolicyStateRecord[]): { complianceState: string; count: number }[] {
  const byResource = new Map<string, string>();
  for (const r of rs) {
    const k = r.resourceId.toLowerCase();
    const s = r.complianceState.toLowerCase();
    const prev = byResource.get(k);
    if (prev === undefined || RANK.indexOf(s) < RANK.indexOf(prev)) byResource.set(k, s);
  }
  const counts = new Map<string, number>();
  for (const s of byResource.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return RANK.filter((s) => counts.has(s)).map((complianceState) => ({ complianceState, count: counts.get(complianceState)! }));
}

function results(rs: PolicyStateRecord[]) {
  const details = resourceDetails(rs);
  const nonCompliantPolicies = new Set(rs.filter((r) => r.complianceState.toLowerCase() === 'noncompliant').map((r) => `${r.policyAssignmentId}|${r.policyDefinitionReferenceId ?? r.policyDefinitionId}`.toLowerCase())).size;
  return {
    nonCompliantResources: details.find((d) => d.complianceState === 'noncompliant')?.count ?? 0,
    nonCompliantPolicies,
    resourceDetails: details,
    policyDetails: nonCompliantPolicies > 0 ? [{ complianceState: 'noncompliant', count: nonCompliantPolicies }] : [],
    policyGroupDetails: [],
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

export function summarize(ctx: RequestContext, scope: Scope): Reply {
  const rs = records(ctx, scope);
  const assignments = [...groupBy(rs, (r) => r.policyAssignmentId.toLowerCase()).values()].map((ars) => ({
    policyAssignmentId: ars[0]!.policyAssignmentId,
    policySetDefinitionId: ars[0]!.policySetDefinitionId ?? '',
    results: results(ars),
    policyDefinitions: [...groupBy(ars, (r) => (r.policyDefinitionReferenceId ?? r.policyDefinitionId).toLowerCase()).values()].map((drs) => ({
      policyDefinitionId: drs[0]!.policyDefinitionId,
      policyDefinitionReferenceId: drs[0]!.policyDefinitionReferenceId ?? '',
      policyDefinitionGroupNames: [],
      effect: drs[0]!.effect ?? '',
      results: { nonCompliantResources: results(drs).nonCompliantResources, resourceDetails: resourceDetails(drs) },
    })),
    policyGroups: [],
  }));
  return ok({
    '@odata.context': 'https://management.azure.com/providers/Microsoft.PolicyInsights/policyStates/$metadata#summary',
    '@odata.count': 1,
    value: [
      {
        '@odata.id': null,
        '@odata.context': 'https://management.azure.com/providers/Microsoft.PolicyInsights/policyStates/$metadata#summary/$entity',
        results: results(rs),
        policyAssignments: assignments,
      },
    ],
  });
}

export function queryResults(ctx: RequestContext, scope: Scope): Reply {
  const rows = records(ctx, scope).map((r) => ({
    '@odata.id': null,
    timestamp: r.timestamp ?? '2024-01-01T00:00:00Z',
    resourceId: r.resourceId,
    policyAssignmentId: r.policyAssignmentId,
    policyDefinitionId: r.policyDefinitionId,
    policySetDefinitionId: r.policySetDefinitionId ?? '',
    policyDefinitionReferenceId: r.policyDefinitionReferenceId ?? '',
    subscriptionId: subscriptionOf(r),
    isCompliant: r.complianceState.toLowerCase() === 'compliant',
    complianceState: r.complianceState,
    policyDefinitionAction: r.effect ?? '',
  }));
  const reply = page(ctx, rows);
  // PolicyStatesQueryResults carries the OData context and count beside `value` (spec PolicyStates_QueryManagementGroupScope.json);
  // its next page link is `@odata.nextLink`.
  const body = reply.body as { value: unknown[]; nextLink?: string };
  return ok({
    '@odata.context': 'https://management.azure.com/providers/Microsoft.PolicyInsights/policyStates/$metadata#latest',
    '@odata.count': body.value.length,
    value: body.value,
    ...(body.nextLink ? { '@odata.nextLink': body.nextLink } : {}),
  });
}
