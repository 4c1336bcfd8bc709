/**
 * Microsoft.PolicyInsights (2024-10-01, @azure/arm-policyinsights 6.0.0): remediations at management
 * group / subscription scope, policyStates summarize and queryResults over seeded records (policy-states.ts).
 *
 * Remediation rules (publisher-mechanics §4, remediation-structure docs): the assignment must exist and
 * be at or above the remediation scope; for an initiative assignment `policyDefinitionReferenceId` is
 * required and must name a member; the member (or definition) must be deployIfNotExists or modify. Codes
 * for these are not documented: they are marked inferred. A remediation starts `Accepted` and advances one
 * step per GET (Evaluating, then Succeeded) so pollers terminate.
 */
import { ArmError, badRequest, notFound } from '../arm-error.js';
import type { Reply, RequestContext, Route } from '../context.js';
import { ok, page } from '../context.js';
import type { Scope } from '../scope.js';
import type { ArmResource } from '../state.js';
import { clone, isObject, newGuid, nowIso, type JsonObject } from '../util.js';
import { effectiveEffects, lookupRef, needsIdentity, parsePolicyRef, scopeOfId } from './policy.js';
import { queryResults, summarize } from './policy-states.js';

const PROGRESSION = ['Accepted', 'Evaluating', 'Succeeded'];
const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

function key(scope: Scope, name: string): string {
  return `${scope.key}/providers/microsoft.policyinsights/remediations/${name.toLowerCase()}`;
}

function advance(res: ArmResource): void {
  const p = res.properties as JsonObject;
  const state = String(p.provisioningState);
  const i = PROGRESSION.indexOf(state);
  if (i >= 0 && i < PROGRESSION.length - 1) {
    p.provisioningState = PROGRESSION[i + 1]!;
    p.lastUpdatedOn = nowIso();
    // Every deployment the task started succeeds once it is done (the emulator deploys nothing itself).
    const status = p.deploymentStatus as JsonObject;
    if (p.provisioningState === 'Succeeded') status.successfulDeployments = status.totalDeployments ?? 0;
  }
}

/**
 * What a remediation task finds to deploy: the subscriptions under its scope that a compliance scan has evaluated
 * (ExistingNonCompliant acts on the existing compliance results: remediate-resources docs; a new assignment has
 * none until its scan ran), or all of them with ReEvaluateCompliance. The emulator holds no other resources, so
 * a member that targets anything but subscriptions finds nothing.
 */
function discovered(ctx: RequestContext, scope: Scope, mode: string, target: ArmResource | undefined): number {
  const rule = target ? (target.properties as JsonObject).policyRule : undefined;
  if (!JSON.stringify(rule ?? {}).includes('Microsoft.Resources/subscriptions')) return 0;
  const subs =
    scope.kind === 'subscription' ? [scope.subscriptionId] : scope.kind === 'managementGroup' ? ctx.state.subscriptionsUnder(scope.managementGroup).map((s) => s.subscriptionId) : [];
  if (mode.toLowerCase() === 'reevaluatecompliance') return subs.length;
  return subs.filter((s) => ctx.state.evaluatedSubscriptions.has(s.toLowerCase())).length;
}

export async function handleRemediations(ctx: RequestContext, route: Route): Promise<Reply> {
  const scope = ctx.state.canonical(route.scope);
  if (scope.kind !== 'managementGroup' && scope.kind !== 'subscription') {
    throw new ArmError(404, 'UnsupportedByEmulator', 'The ARM emulator serves remediations at management group and subscription scope only.');
  }
  ctx.state.assertScopeExists(scope);
  const [name, action, ...extra] = route.rest;
  if (extra.length > 0) throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.path}'.`);
  if (name === undefined) {
    if (ctx.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', `'${ctx.method}' is not supported on the remediations list.`);
    const items = [...ctx.state.remediations.values()].filter((r) => r.id.toLowerCase().startsWith(`${scope.key}/providers/microsoft.policyinsights/`));
    return page(ctx, items);
  }
  const k = key(scope, name);
  const existing = ctx.state.remediations.get(k);
  if (action !== undefined) {
    if (ctx.method !== 'POST') throw new ArmError(405, 'MethodNotAllowed', `'${ctx.method}' is not supported on '${action}'.`);
    if (!existing) throw notFound('RemediationNotFound', `The remediation '${name}' could not be found.`);
    switch (action.toLowerCase()) {
      case 'cancel': {
        const p = existing.properties as JsonObject;
        if (!TERMINAL.has(String(p.provisioningState).toLowerCase())) p.provisioningState = 'Canceled';
        return ok(existing);
      }
      case 'listdeployments':
        return page(ctx, []);
      default:
        throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement remediation action '${action}'.`);
    }
  }
  switch (ctx.method) {
    case 'GET':
      if (!existing) throw notFound('RemediationNotFound', `The remediation '${name}' could not be found.`);
      advance(existing);
      return ok(existing);
    case 'DELETE':
      if (!existing) return { status: 204 };
      ctx.state.remediations.delete(k);
      return ok(existing);
    case 'PUT':
      return put(ctx, scope, name, k, existing);
    default:
      throw new ArmError(405, 'MethodNotAllowed', `'${ctx.method}' is not supported on a remediation.`);
  }
}

async function put(ctx: RequestContext, scope: Scope, name: string, k: string, existing: ArmResource | undefined): Promise<Reply> {
  const body = ctx.body;
  if (!isObject(body) || !isObject(body.properties)) {
    throw badRequest('InvalidRequestContent', "The request content was invalid: required member 'properties' is missing.");
  }
  const p = body.properties;
  if (typeof p.policyAssignmentId !== 'string') {
    throw badRequest('InvalidRemediationRequest', `The remediation '${name}' request is invalid: 'policyAssignmentId' is required.`); // inferred code
  }
  const assignment = ctx.state.policyAssignments.get(p.policyAssignmentId.toLowerCase());
  if (!assignment) throw notFound('PolicyAssignmentNotFound', `The policy assignment '${p.policyAssignmentId}' is not found.`);
  if (!ctx.state.isAtOrBelow(scope, scopeOfId(assignment.id))) {
    throw badRequest('InvalidRemediationRequest', `The remediation '${name}' scope '${scope.id}' is not at or below the policy assignment '${assignment.id}'.`); // inferred code
  }
  const ap = assignment.properties as JsonObject;
  const ref = parsePolicyRef(String(ap.policyDefinitionId));
  const target = ref ? await lookupRef(ctx, ref) : undefined;
  if (!ref || !target) throw notFound('PolicyDefinitionNotFound', `The policy definition of assignment '${assignment.id}' could not be found.`);
  const values: Record<string, unknown> = {};
  if (isObject(ap.parameters)) for (const [pk, pv] of Object.entries(ap.parameters)) if (isObject(pv)) values[pk] = pv.value;
  const effects = await effectiveEffects(ctx, target, ref.kind, values);
  const refId = typeof p.policyDefinitionReferenceId === 'string' ? p.policyDefinitionReferenceId : undefined;
  let effect: string | undefined;
  let memberDefinition: ArmResource | undefined = target;
  if (ref.kind === 'policySetDefinitions') {
    if (refId === undefined) {
      throw badRequest('InvalidRemediationRequest', `The remediation '${name}' targets an initiative assignment: 'policyDefinitionReferenceId' is required.`); // inferred code
    }
    const member = effects.find((e) => e.referenceId?.toLowerCase() === refId.toLowerCase());
    if (!member) {
      throw badRequest('InvalidRemediationRequest', `The policy definition reference '${refId}' does not exist in the initiative of assignment '${assignment.id}'.`); // inferred code
    }
    effect = member.effect;
    memberDefinition = member.definition;
  } else {
    effect = effects[0]?.effect;
  }
  if (!needsIdentity(effect)) {
    throw badRequest('InvalidRemediationRequest', `The remediation '${name}' is invalid: only deployIfNotExists and modify policies can be remediated (effect is '${effect ?? 'unknown'}').`); // inferred code
  }
  const mode = String(p.resourceDiscoveryMode ?? 'ExistingNonCompliant');
  if (!['existingnoncompliant', 'reevaluatecompliance'].includes(mode.toLowerCase())) {
    throw badRequest('InvalidRequestContent', `resourceDiscoveryMode '${mode}' is invalid.`);
  }
  const now = nowIso();
  const prev = existing?.properties as JsonObject | undefined;
  const res: ArmResource = {
    id: `${scope.id}/providers/Microsoft.PolicyInsights/remediations/${name}`,
    type: 'Microsoft.PolicyInsights/remediations',
    name,
    systemData: { createdBy: ctx.options.callerObjectId, createdByType: 'Application', createdAt: prev?.createdOn ?? now, lastModifiedBy: ctx.options.callerObjectId, lastModifiedByType: 'Application', lastModifiedAt: now },
    properties: {
      ...clone(p),
      resourceDiscoveryMode: mode,
      provisioningState: 'Accepted',
      createdOn: prev?.createdOn ?? now,
      lastUpdatedOn: now,
      deploymentStatus: { totalDeployments: discovered(ctx, scope, mode, memberDefinition), successfulDeployments: 0, failedDeployments: 0 },
      correlationId: newGuid(),
    },
  };
  ctx.state.remediations.set(k, res);
  return ok(res, existing ? 200 : 201);
}

/** GET of a compliance scan's Location: 202 while it runs, 200 when the subscription is evaluated. */
export function handleEvaluationResult(ctx: RequestContext, route: Route): Reply {
  const [id, ...extra] = route.rest;
  const run = id === undefined || extra.length > 0 ? undefined : ctx.state.evaluations.get(id);
  if (ctx.method !== 'GET' || !run) throw notFound('NotFound', `The operation '${id ?? ''}' could not be found.`);
  if (run.pollsLeft-- > 0) return { status: 202, headers: { location: `${ctx.baseUrl}${ctx.path}?api-version=${ctx.apiVersion}` } };
  ctx.state.evaluatedSubscriptions.add(run.subscriptionId.toLowerCase());
  return { status: 200 };
}

/** POST …/policyStates/latest/summarize and queryResults over the seeded records (policy-states.ts); triggerEvaluation. */
export function handlePolicyStates(ctx: RequestContext, route: Route): Reply {
  const [resource, action] = route.rest;
  if (ctx.method === 'POST' && resource?.toLowerCase() === 'latest' && action?.toLowerCase() === 'summarize') {
    return summarize(ctx, ctx.state.canonical(route.scope));
  }
  if (ctx.method === 'POST' && resource?.toLowerCase() === 'latest' && action?.toLowerCase() === 'queryresults') {
    return queryResults(ctx, ctx.state.canonical(route.scope));
  }
  if (ctx.method === 'POST' && resource?.toLowerCase() === 'latest' && action?.toLowerCase() === 'triggerevaluation') {
    // An LRO (spec PolicyStates_TriggerSubscriptionEvaluation: 202 with Location and Retry-After, "final-state-via:
    // location"): the Location answers 202 while the scan runs, then 200.
    const scope = ctx.state.canonical(route.scope);
    if (scope.kind !== 'subscription') throw new ArmError(404, 'UnsupportedByEmulator', 'The ARM emulator triggers evaluations at subscription scope only.');
    ctx.state.assertScopeExists(scope);
    const id = newGuid();
    ctx.state.evaluations.set(id, { subscriptionId: scope.subscriptionId, pollsLeft: ctx.options.complianceEvaluationPolls });
    const location = `${ctx.baseUrl}/subscriptions/${scope.subscriptionId}/providers/Microsoft.PolicyInsights/asyncOperationResults/${id}?api-version=${ctx.apiVersion}`;
    // No Retry-After (the spec example sends 30 s): the client's own poll interval paces the emulator's scans.
    return { status: 202, headers: { location } };
  }
  throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.method} ${ctx.path}'.`);
}
