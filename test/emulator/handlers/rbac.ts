/**
 * Microsoft.Authorization roleAssignments (2022-04-01) and roleDefinitions.
 *
 * Behaviour (publisher-mechanics §1.3, §3.2, §3.4, §3.5):
 * - the assignment name must be a GUID (400 InvalidRoleAssignmentId), principalId too (400 InvalidPrincipalId);
 * - the same (scope, role, principal) under another name is 409 RoleAssignmentExists;
 * - the same name with the same body is idempotent (200); with another role or principal 409
 *   RoleAssignmentUpdateNotPermitted (inferred);
 * - a principal that does not exist, or has not "replicated" yet (knob), is 400 PrincipalNotFound;
 * - 500 role assignments per management group: 400 RoleAssignmentLimitExceeded.
 */
import { ArmError, badRequest, conflict, notFound } from '../arm-error.js';
import type { Reply, RequestContext, Route } from '../context.js';
import { ok, page } from '../context.js';
import { BUILTIN_ROLES, builtinRoleDefinition } from '../roles.js';
import { parseScopeId, type Scope } from '../scope.js';
import type { ArmResource } from '../state.js';
import { GUID_RE, isObject, nowIso, type JsonObject } from '../util.js';

export const ROLE_ASSIGNMENTS_PER_MG = 500;

const ROLE_DEF_ID_RE = /^(?:\/subscriptions\/[^/]+|\/providers\/Microsoft\.Management\/managementGroups\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i;

function key(scope: Scope, name: string): string {
  return `${scope.key}/providers/microsoft.authorization/roleassignments/${name.toLowerCase()}`;
}

function scopeOf(res: ArmResource): Scope {
  const p = res.properties;
  return parseScopeId(isObject(p) && typeof p.scope === 'string' ? p.scope : '');
}

function roleGuid(roleDefinitionId: string): string | undefined {
  return ROLE_DEF_ID_RE.exec(roleDefinitionId)?.[1]?.toLowerCase();
}

export function handleRoleAssignments(ctx: RequestContext, route: Route): Reply {
  const scope = ctx.state.canonical(route.scope);
  if (scope.kind === 'tenant') throw badRequest('InvalidScope', 'Role assignments are not supported at tenant scope by the emulator.');
  ctx.state.assertScopeExists(scope);
  const [name, ...extra] = route.rest;
  if (extra.length > 0) throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.path}'.`);
  if (name === undefined) {
    if (ctx.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', `The HTTP method '${ctx.method}' is not supported for '${ctx.path}'.`);
    return list(ctx, scope);
  }
  if (!GUID_RE.test(name)) {
    throw badRequest('InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const k = key(scope, name);
  switch (ctx.method) {
    case 'GET': {
      const found = ctx.state.roleAssignments.get(k);
      if (!found) throw notFound('RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
      return ok(found);
    }
    case 'DELETE': {
      const found = ctx.state.roleAssignments.get(k);
      if (!found) return { status: 204 };
      ctx.state.roleAssignments.delete(k);
      return ok(found, 200);
    }
    case 'PUT':
      return put(ctx, scope, name, k);
    default:
      throw new ArmError(405, 'MethodNotAllowed', `The HTTP method '${ctx.method}' is not supported for '${ctx.path}'.`);
  }
}

function put(ctx: RequestContext, scope: Scope, name: string, k: string): Reply {
  const body = ctx.body;
  if (!isObject(body) || !isObject(body.properties)) {
    throw badRequest('InvalidRequestContent', "The request content was invalid and could not be deserialized: required member 'properties' is missing.");
  }
  const p = body.properties;
  if (typeof p.roleDefinitionId !== 'string' || roleGuid(p.roleDefinitionId) === undefined) {
    throw badRequest('InvalidRoleDefinitionId', `The role definition ID '${String(p.roleDefinitionId)}' is not valid.`);
  }
  if (typeof p.principalId !== 'string' || !GUID_RE.test(p.principalId)) {
    throw badRequest('InvalidPrincipalId', `A valid principal ID must be provided for role assignment. '${String(p.principalId)}' is not a GUID.`);
  }
  const principalType = typeof p.principalType === 'string' ? p.principalType : undefined;
  if (principalType !== undefined && !['user', 'group', 'serviceprincipal', 'foreigngroup', 'device'].includes(principalType.toLowerCase())) {
    throw badRequest('InvalidRequestContent', `The principalType '${principalType}' is not one of User, Group, ServicePrincipal, ForeignGroup, Device.`);
  }
  const role = roleGuid(p.roleDefinitionId)!;
  const principalId = p.principalId.toLowerCase();
  const existing = ctx.state.roleAssignments.get(k);

  if (existing) {
    const ep = existing.properties as JsonObject;
    if (roleGuid(String(ep.roleDefinitionId)) !== role || String(ep.principalId).toLowerCase() !== principalId) {
      // inferred code: ARM does not allow changing the role or principal of an existing assignment.
      throw conflict('RoleAssignmentUpdateNotPermitted', `Tenant ID, application ID, principal ID, and scope are not allowed to be updated. The role assignment '${name}' already exists with another role or principal.`);
    }
  } else {
    const prefix = `${scope.key}/providers/microsoft.authorization/roleassignments/`;
    for (const [raKey, ra] of ctx.state.roleAssignments) {
      const rp = ra.properties as JsonObject;
      // cheapest comparison first: this loop runs over every role assignment
      if (
        String(rp.principalId).toLowerCase() === principalId &&
        raKey.startsWith(prefix) &&
        roleGuid(String(rp.roleDefinitionId)) === role
      ) {
        throw conflict('RoleAssignmentExists', 'The role assignment already exists.');
      }
    }
    if (scope.kind === 'managementGroup') {
      let n = 0;
      for (const raKey of ctx.state.roleAssignments.keys()) if (raKey.startsWith(prefix)) n++;
      if (n >= ROLE_ASSIGNMENTS_PER_MG) {
        throw badRequest('RoleAssignmentLimitExceeded', `No more role assignments can be created at management group '${scope.managementGroup}': the limit is ${ROLE_ASSIGNMENTS_PER_MG}.`);
      }
    }
  }

  checkPrincipal(ctx, principalId, principalType);

  const now = nowIso();
  const prev = existing?.properties as JsonObject | undefined;
  const res: ArmResource = {
    id: `${scope.id}/providers/Microsoft.Authorization/roleAssignments/${name.toLowerCase()}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: name.toLowerCase(),
    properties: {
      roleDefinitionId: p.roleDefinitionId,
      principalId: p.principalId,
      // ARM resolves the type from the directory when it is not sent; the emulator knows its managed identities.
      principalType: principalType ?? (ctx.state.principals.has(principalId) ? 'ServicePrincipal' : 'User'),
      scope: scope.id,
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      ...(typeof p.condition === 'string' ? { condition: p.condition, conditionVersion: typeof p.conditionVersion === 'string' ? p.conditionVersion : '2.0' } : {}),
      createdOn: prev?.createdOn ?? now,
      updatedOn: now,
      createdBy: prev?.createdBy ?? ctx.options.callerObjectId,
      updatedBy: ctx.options.callerObjectId,
    },
  };
  ctx.state.roleAssignments.set(k, res);
  return ok(res, existing ? 200 : 201);
}

/**
 * PrincipalNotFound (§3.4/§3.5): the principal is unknown or deleted, or it is a new managed identity
 * that has not replicated yet. By default the replication knob applies even with principalType set (so
 * publisher retries get exercised); `principalTypeBypassesReplication` models ARM skipping the lookup.
 */
function checkPrincipal(ctx: RequestContext, principalId: string, principalType: string | undefined): void {
  const rec = ctx.state.principals.get(principalId);
  const fail = (): never => {
    throw badRequest(
      'PrincipalNotFound',
      `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${ctx.options.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  };
  if (!rec) {
    if (ctx.options.acceptUnknownPrincipals) return;
    fail();
    return;
  }
  if (rec.deleted) {
    fail();
    return;
  }
  if (principalType !== undefined && ctx.options.principalTypeBypassesReplication) return;
  if (rec.failuresLeft > 0) {
    rec.failuresLeft--;
    fail();
  }
  if (Date.now() < rec.visibleAt) fail();
}

/**
 * listForScope filters (2022-04-01): none = at, above and below the scope; atScope() = at and above;
 * principalId eq '…' / assignedTo('…') = that principal at, above and below; combinable with `and`.
 */
function list(ctx: RequestContext, scope: Scope): Reply {
  const raw = ctx.query.get('$filter')?.trim() ?? '';
  let atScope = false;
  let principal: string | undefined;
  if (raw !== '') {
    for (const part of raw.split(/\s+and\s+/i)) {
      const t = part.trim();
      let m: RegExpExecArray | null;
      if (/^atScope\(\)$/i.test(t)) atScope = true;
      else if ((m = /^principalId\s+eq\s+'([^']+)'$/i.exec(t)) || (m = /^assignedTo\('([^']+)'\)$/i.exec(t))) principal = m[1]!.toLowerCase();
      else throw badRequest('InvalidFilterInQueryString', `The filter '${raw}' is not supported. Supported: atScope(), principalId eq '{id}', assignedTo('{id}').`);
    }
  }
  const ancestors = ctx.state.ancestorKeys(scope);
  const items = [...ctx.state.roleAssignments.values()]
    .filter((ra) => {
      const s = scopeOf(ra);
      const above = ancestors.includes(s.key);
      if (!above && (atScope || !ctx.state.isAtOrBelow(s, scope))) return false;
      if (principal !== undefined && String((ra.properties as JsonObject).principalId).toLowerCase() !== principal) return false;
      return true;
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return page(ctx, items, { useTop: false });
}

export function handleRoleDefinitions(ctx: RequestContext, route: Route): Reply {
  const scope = ctx.state.canonical(route.scope);
  if (ctx.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', 'The ARM emulator serves role definitions read-only.');
  const [id] = route.rest;
  if (id === undefined) {
    const raw = ctx.query.get('$filter');
    const m = raw ? /^roleName\s+eq\s+'([^']+)'$/i.exec(raw.trim()) : null;
    const all: ArmResource[] = [];
    for (const guid of Object.keys(BUILTIN_ROLES)) {
      const r = builtinRoleDefinition(guid, scope.id);
      if (r) all.push(r);
    }
    all.push(...ctx.state.roleDefinitions.values());
    const items = m ? all.filter((r) => String((r.properties as JsonObject).roleName).toLowerCase() === m[1]!.toLowerCase()) : all;
    return page(ctx, items, { useTop: false });
  }
  const found = ctx.state.roleDefinitions.get(id.toLowerCase()) ?? builtinRoleDefinition(id, scope.id);
  if (!found) throw notFound('RoleDefinitionDoesNotExist', `The specified role definition with ID '${id}' does not exist.`);
  return ok(found);
}
