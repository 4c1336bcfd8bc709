/**
 * Microsoft.Management management groups (2021-04-01 for @azure/arm-managementgroups 2.0.2) and the
 * subscriptions / tenants lists (@azure/arm-resources-subscriptions 2.1.1, 2022-12-01).
 * Response shapes follow publisher-mechanics §1.2 and the management.json spec: `properties.details.parent`,
 * `children` (type `Microsoft.Management/managementGroups` or `/subscriptions`), descendants paged by nextLink.
 */
import { ArmError, badRequest, notFound } from '../arm-error.js';
import type { Reply, RequestContext, Route } from '../context.js';
import { ok, page } from '../context.js';
import { mgScopeId } from '../scope.js';
import type { ManagementGroupNode, SubscriptionNode } from '../state.js';
import type { JsonObject } from '../util.js';

const MG_TYPE = 'Microsoft.Management/managementGroups';
const SUB_TYPE = '/subscriptions';

function requireGet(ctx: RequestContext): void {
  if (ctx.method !== 'GET') {
    throw new ArmError(405, 'MethodNotAllowed', `The ARM emulator serves the management group hierarchy read-only ('${ctx.method} ${ctx.path}').`);
  }
}

function mgNotFound(name: string): ArmError {
  // As Azure answers GET .../managementGroups/root in a tenant without such a group (issue 8.1).
  return notFound('ManagementGroupNotFound', `'${mgScopeId(name)}' not found`);
}

export function handleManagementGroups(ctx: RequestContext, route: Route): Reply {
  if (route.scope.kind !== 'tenant') throw badRequest('InvalidScope', 'Management groups are a tenant-level resource.');
  const [groupId, sub, subId, ...extra] = route.rest;
  if (extra.length > 0) throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.path}'.`);
  requireGet(ctx);
  if (groupId === undefined) {
    const items = [...ctx.state.managementGroups.values()].map((mg) => ({
      id: mgScopeId(mg.name),
      type: MG_TYPE,
      name: mg.name,
      properties: { tenantId: ctx.options.tenantId, displayName: mg.displayName },
    }));
    return page(ctx, items, { useTop: false });
  }
  const mg = ctx.state.getManagementGroup(groupId);
  if (!mg) throw mgNotFound(groupId);
  if (sub === undefined) return ok(getGroup(ctx, mg));
  switch (sub.toLowerCase()) {
    case 'descendants':
      return page(ctx, descendants(ctx, mg), { useTop: true });
    case 'subscriptions': {
      const subs = ctx.state.childSubscriptions(mg.name);
      if (subId === undefined) return page(ctx, subs.map((s) => mgSubscription(ctx, mg, s)), { useTop: false });
      const found = subs.find((s) => s.subscriptionId.toLowerCase() === subId.toLowerCase());
      if (!found) throw notFound('NotFound', `Subscription '${subId}' is not under management group '${mg.name}'.`);
      return ok(mgSubscription(ctx, mg, found));
    }
    default:
      throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.path}'.`);
  }
}

function parentRef(ctx: RequestContext, mg: ManagementGroupNode): JsonObject | null {
  if (mg.parent === undefined) return null;
  const parent = ctx.state.getManagementGroup(mg.parent)!;
  return { id: mgScopeId(parent.name), name: parent.name, displayName: parent.displayName };
}

function getGroup(ctx: RequestContext, mg: ManagementGroupNode): JsonObject {
  const expand = ctx.query.get('$expand')?.toLowerCase();
  const recurse = ctx.query.get('$recurse')?.toLowerCase() === 'true';
  if (recurse && expand !== 'children') {
    // "$recurse=true requires $expand=children" (arm-managementgroups doc comment, §1.2).
    throw badRequest('BadRequest', "The '$recurse' query parameter can only be used with '$expand=children'.");
  }
  if (expand !== undefined && !['children', 'path', 'ancestors'].includes(expand)) {
    throw badRequest('BadRequest', `The value '${expand}' of '$expand' is invalid. Allowed: children, path, ancestors.`);
  }
  const chain = ctx.state.mgChain(mg.name).slice(1);
  const details: JsonObject = {
    version: 1,
    updatedTime: '2024-01-01T00:00:00.0000000Z',
    updatedBy: ctx.options.callerObjectId,
    parent: parentRef(ctx, mg),
  };
  if (expand === 'path') details.path = chain.reverse().map((p) => ({ name: p.name, displayName: p.displayName }));
  if (expand === 'ancestors') details.managementGroupAncestors = chain.map((p) => p.name);
  const properties: JsonObject = { tenantId: ctx.options.tenantId, displayName: mg.displayName, details };
  if (expand === 'children') properties.children = children(ctx, mg, recurse);
  return { id: mgScopeId(mg.name), type: MG_TYPE, name: mg.name, properties };
}

function children(ctx: RequestContext, mg: ManagementGroupNode, recurse: boolean): JsonObject[] {
  const out: JsonObject[] = [];
  for (const child of ctx.state.childGroups(mg.name)) {
    out.push({
      type: MG_TYPE,
      id: mgScopeId(child.name),
      name: child.name,
      displayName: child.displayName,
      children: recurse ? children(ctx, child, true) : null,
    });
  }
  for (const s of ctx.state.childSubscriptions(mg.name)) {
    out.push({ type: SUB_TYPE, id: `/subscriptions/${s.subscriptionId}`, name: s.subscriptionId, displayName: s.displayName, children: null });
  }
  return out;
}

function descendants(ctx: RequestContext, mg: ManagementGroupNode): JsonObject[] {
  const out: JsonObject[] = [];
  const walk = (node: ManagementGroupNode): void => {
    for (const child of ctx.state.childGroups(node.name)) {
      out.push({ id: mgScopeId(child.name), type: MG_TYPE, name: child.name, properties: { displayName: child.displayName, parent: { id: mgScopeId(node.name) } } });
      walk(child);
    }
    for (const s of ctx.state.childSubscriptions(node.name)) {
      out.push({ id: `/subscriptions/${s.subscriptionId}`, type: SUB_TYPE, name: s.subscriptionId, properties: { displayName: s.displayName, parent: { id: mgScopeId(node.name) } } });
    }
  };
  walk(mg);
  return out;
}

function mgSubscription(ctx: RequestContext, mg: ManagementGroupNode, s: SubscriptionNode): JsonObject {
  return {
    id: `${mgScopeId(mg.name)}/subscriptions/${s.subscriptionId}`,
    type: 'Microsoft.Management/managementGroups/subscriptions',
    name: s.subscriptionId,
    properties: { tenant: ctx.options.tenantId, displayName: s.displayName, parent: { id: mgScopeId(mg.name) }, state: 'Active' },
  };
}

function subscriptionJson(ctx: RequestContext, s: SubscriptionNode): JsonObject {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    tenantId: ctx.options.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
    managedByTenants: [],
  };
}

/** GET /subscriptions and GET /subscriptions/{id} (no provider segment). */
export function handleSubscriptions(ctx: RequestContext, subscriptionId: string | undefined): Reply {
  requireGet(ctx);
  if (subscriptionId === undefined) {
    return page(ctx, [...ctx.state.subscriptions.values()].map((s) => subscriptionJson(ctx, s)), { useTop: false });
  }
  const s = ctx.state.getSubscription(subscriptionId);
  if (!s) throw notFound('SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  return ok(subscriptionJson(ctx, s));
}

export function handleTenants(ctx: RequestContext): Reply {
  requireGet(ctx);
  return page(
    ctx,
    [{ id: `/tenants/${ctx.options.tenantId}`, tenantId: ctx.options.tenantId, tenantCategory: 'Home', displayName: 'Emulated tenant', defaultDomain: 'emulated.onmicrosoft.com' }],
    { useTop: false },
  );
}
