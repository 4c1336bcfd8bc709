/**
 * Microsoft.Security pricings per subscription (Defender for Cloud plans).
 *
 * @azure/arm-security 5.0.0 talks 2022-03-01 and accepts only 200 on PUT; 2023-01-01 and later (the
 * 2024-01-01 spec) answer 201 on a plan's first PUT and 200 after, and carry `enforce`/`extensions`
 * (publisher-mechanics §1.4). Responses at 2022-03-01 hold only the fields that version knows, as the SDK
 * at that version drops the rest anyway.
 */
import { ArmError, badRequest, notFound } from '../arm-error.js';
import type { Reply, RequestContext, Route } from '../context.js';
import { ok } from '../context.js';
import { DEFENDER_PLANS, type ArmResource } from '../state.js';
import { clone, isObject, nowIso, type JsonObject } from '../util.js';

/** Sub-plans documented for the plans that have them (2024-01-01 pricings.json descriptions). */
const SUB_PLANS: Record<string, string[]> = {
  virtualmachines: ['P1', 'P2'],
  storageaccounts: ['PerTransaction', 'DefenderForStorageV2', 'PerStorageAccount'],
  keyvaults: ['PerTransaction', 'PerKeyVault'],
  arm: ['PerSubscription', 'PerApiCall'],
};

/** What ARM picks when Standard is set without a sub-plan (Defender for Cloud docs: P2, the V2 storage plan). */
const DEFAULT_SUB_PLAN: Record<string, string> = {
  virtualmachines: 'P2',
  storageaccounts: 'DefenderForStorageV2',
  keyvaults: 'PerKeyVault',
  arm: 'PerSubscription',
};

function isLegacy(apiVersion: string): boolean {
  return apiVersion < '2023-01-01';
}

function canonicalPlan(name: string): string | undefined {
  return DEFENDER_PLANS.find((p) => p.toLowerCase() === name.toLowerCase());
}

function defaultPricing(subscriptionId: string, plan: string): ArmResource {
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${plan}`,
    name: plan,
    type: 'Microsoft.Security/pricings',
    properties: { pricingTier: 'Free', freeTrialRemainingTime: 'PT0S', enforce: 'False', inherited: 'False' },
  };
}

function view(res: ArmResource, apiVersion: string): ArmResource {
  if (!isLegacy(apiVersion)) return res;
  const p = res.properties as JsonObject;
  const legacy: JsonObject = { pricingTier: p.pricingTier ?? 'Free', freeTrialRemainingTime: p.freeTrialRemainingTime ?? 'PT0S' };
  if (p.subPlan !== undefined) legacy.subPlan = p.subPlan;
  return { ...res, properties: legacy };
}

/** POST /subscriptions/{id}/providers/Microsoft.Security/register (Providers - Register, 2021-04-01). */
export function handleSecurityRegister(ctx: RequestContext, route: Route): Reply {
  const scope = ctx.state.canonical(route.scope);
  if (scope.kind !== 'subscription' || ctx.method !== 'POST' || route.rest.length > 0) {
    throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.method} ${ctx.path}'.`);
  }
  ctx.state.assertScopeExists(scope);
  const registration = ctx.state.securityRegistration.get(scope.subscriptionId.toLowerCase());
  if (registration) registration.registered = true;
  const pending = registration !== undefined && registration.failuresLeft > 0;
  return ok({ id: `${scope.id}/providers/Microsoft.Security`, namespace: 'Microsoft.Security', registrationState: pending ? 'Registering' : 'Registered' });
}

export function handlePricings(ctx: RequestContext, route: Route): Reply {
  const scope = ctx.state.canonical(route.scope);
  if (scope.kind !== 'subscription') {
    throw new ArmError(404, 'UnsupportedByEmulator', 'The ARM emulator serves pricings at subscription scope only.');
  }
  ctx.state.assertScopeExists(scope);
  const registration = ctx.state.securityRegistration.get(scope.subscriptionId.toLowerCase());
  if (registration && (!registration.registered || registration.failuresLeft-- > 0)) {
    // What a new subscription without the provider answers (Azure/azure-sdk-for-go#19900, Azure/terraform-provider-azapi#252).
    throw new ArmError(404, 'Subscription Not Registered', 'Please register to Microsoft.Security in order to view your security status');
  }
  const stored = ctx.state.pricingsFor(scope.subscriptionId);
  const [name, ...extra] = route.rest;
  if (extra.length > 0) throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.path}'.`);
  if (name === undefined) {
    if (ctx.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', `'${ctx.method}' is not supported on the pricings list.`);
    let plans: string[] = [...DEFENDER_PLANS];
    const filter = ctx.query.get('$filter');
    if (filter) {
      const m = /^name\s+in\s+\((.*)\)$/i.exec(filter.trim());
      if (!m) throw badRequest('InvalidFilterInQueryString', `The filter '${filter}' is not supported; use name in ('Plan1', 'Plan2').`);
      const wanted = [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!.toLowerCase());
      plans = plans.filter((p) => wanted.includes(p.toLowerCase()));
    }
    // Not paged: the list operation returns every plan in one response.
    return ok({ value: plans.map((p) => view(stored.get(p.toLowerCase()) ?? defaultPricing(scope.subscriptionId, p), ctx.apiVersion)) });
  }
  const plan = canonicalPlan(name);
  if (!plan) throw notFound('NotFound', `The pricing '${name}' does not exist. Known plans: ${DEFENDER_PLANS.join(', ')}.`);
  const key = plan.toLowerCase();
  switch (ctx.method) {
    case 'GET':
      return ok(view(stored.get(key) ?? defaultPricing(scope.subscriptionId, plan), ctx.apiVersion));
    case 'PUT':
      return put(ctx, scope.subscriptionId, plan, stored);
    default:
      throw new ArmError(405, 'MethodNotAllowed', `'${ctx.method}' is not supported on a subscription pricing.`);
  }
}

function put(ctx: RequestContext, subscriptionId: string, plan: string, stored: Map<string, ArmResource>): Reply {
  const body = ctx.body;
  if (!isObject(body) || !isObject(body.properties)) {
    throw badRequest('InvalidInputJson', "The request content was invalid: required member 'properties' is missing.");
  }
  const p = body.properties;
  const tier = String(p.pricingTier ?? '');
  if (!['free', 'standard'].includes(tier.toLowerCase())) {
    throw badRequest('InvalidInputJson', `pricingTier '${tier}' is invalid; expected 'Free' or 'Standard'.`);
  }
  const subPlans = SUB_PLANS[plan.toLowerCase()];
  if (p.subPlan !== undefined && p.subPlan !== null) {
    if (!subPlans || !subPlans.some((s) => s.toLowerCase() === String(p.subPlan).toLowerCase())) {
      throw badRequest('InvalidInputJson', `subPlan '${String(p.subPlan)}' is not valid for plan '${plan}'${subPlans ? `; expected one of ${subPlans.join(', ')}` : ' (the plan has no sub-plans)'}.`);
    }
  }
  if (p.enforce !== undefined && !['true', 'false'].includes(String(p.enforce).toLowerCase())) {
    throw badRequest('InvalidInputJson', `enforce '${String(p.enforce)}' is invalid; expected 'True' or 'False'.`);
  }
  if (p.extensions !== undefined) {
    if (!Array.isArray(p.extensions) || p.extensions.some((e) => !isObject(e) || typeof e.name !== 'string' || !['true', 'false'].includes(String(e.isEnabled).toLowerCase()))) {
      throw badRequest('InvalidInputJson', "extensions must be an array of { name, isEnabled: 'True' | 'False' }.");
    }
  }
  const key = plan.toLowerCase();
  const existing = stored.get(key);
  const standard = tier.toLowerCase() === 'standard';
  const prevProps = existing ? (existing.properties as JsonObject) : undefined;
  const props: JsonObject = {
    pricingTier: standard ? 'Standard' : 'Free',
    freeTrialRemainingTime: 'PT0S',
    enforce: p.enforce !== undefined ? String(p.enforce) : String(prevProps?.enforce ?? 'False'),
    inherited: 'False',
  };
  if (standard) {
    if (p.subPlan !== undefined && p.subPlan !== null) props.subPlan = p.subPlan;
    else if (DEFAULT_SUB_PLAN[key] !== undefined) props.subPlan = prevProps?.subPlan ?? DEFAULT_SUB_PLAN[key]!;
    props.enablementTime = prevProps?.pricingTier === 'Standard' && typeof prevProps.enablementTime === 'string' ? prevProps.enablementTime : nowIso();
    if (p.extensions !== undefined) props.extensions = clone(p.extensions);
    else if (prevProps?.extensions !== undefined) props.extensions = clone(prevProps.extensions);
  }
  const res: ArmResource = {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${plan}`,
    name: plan,
    type: 'Microsoft.Security/pricings',
    properties: props,
  };
  ctx.state.pricingWrites.set(res.id.toLowerCase(), { before: existing, at: Date.now() });
  stored.set(key, res);
  const status = isLegacy(ctx.apiVersion) || existing ? 200 : 201;
  return ok(view(res, ctx.apiVersion), status);
}
