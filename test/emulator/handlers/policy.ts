/**
 * Microsoft.Authorization policy resources: policyDefinitions, policySetDefinitions, policyAssignments
 * and policyExemptions, at tenant (built-ins), management-group, subscription and below.
 *
 * Status codes follow what @azure/arm-policy 6.0.0 accepts (publisher-mechanics §1.1): definition PUT
 * 201 only, set PUT 201 on create / 200 on update, assignment PUT 201 only, DELETE 200 when the object
 * existed and 204 when it did not. Error codes follow §3.4; where ARM's code is not documented the code
 * below says "inferred" next to it.
 */
import { ArmError, badRequest, notFound } from '../arm-error.js';
import type { Reply, RequestContext, Route } from '../context.js';
import { ok, page } from '../context.js';
import { parseScope, parseScopeId, type Scope } from '../scope.js';
import type { ArmResource, EmulatorState } from '../state.js';
import { clone, deepEqual, getCi, hasCi, isObject, newGuid, nowIso, type Json, type JsonObject } from '../util.js';

export type PolicyKind = 'policyDefinitions' | 'policySetDefinitions' | 'policyAssignments' | 'policyExemptions';

const TYPE_NAME: Record<PolicyKind, string> = {
  policyDefinitions: 'Microsoft.Authorization/policyDefinitions',
  policySetDefinitions: 'Microsoft.Authorization/policySetDefinitions',
  policyAssignments: 'Microsoft.Authorization/policyAssignments',
  policyExemptions: 'Microsoft.Authorization/policyExemptions',
};

/** Documented limits (publisher-mechanics §3.1, azure-policy-limits). */
export const LIMITS = {
  bodyBytes: 1_048_576,
  definitionsPerScope: 500,
  setsPerScope: 200,
  assignmentsPerScope: 200,
  definitionParameters: 20,
  setMembers: 1000,
  notScopes: 400,
  exemptionsPerScope: 1000,
};

const PARAMETER_TYPES = ['string', 'array', 'object', 'boolean', 'integer', 'float', 'datetime'];
const IDENTITY_EFFECTS = new Set(['deployifnotexists', 'modify']);

export function collection(state: EmulatorState, kind: PolicyKind): Map<string, ArmResource> {
  switch (kind) {
    case 'policyDefinitions':
      return state.policyDefinitions;
    case 'policySetDefinitions':
      return state.policySetDefinitions;
    case 'policyAssignments':
      return state.policyAssignments;
    case 'policyExemptions':
      return state.policyExemptions;
  }
}

export function resourceKey(scopeKey: string, kind: PolicyKind, name: string): string {
  return `${scopeKey}/providers/microsoft.authorization/${kind.toLowerCase()}/${name.toLowerCase()}`;
}

/**
 * The id ARM echoes. Definitions and sets at a management group come back with the lower-cased
 * `managementgroups` segment (spec examples createOrUpdatePolicyDefinitionAtManagementGroup.json,
 * listPolicyDefinitionsByManagementGroup.json), assignments keep `managementGroups`: callers must
 * compare ids case-insensitively (publisher-mechanics §3.6).
 */
export function resourceId(scope: Scope, kind: PolicyKind, name: string): string {
  let scopeId = scope.id;
  if (scope.kind === 'managementGroup' && (kind === 'policyDefinitions' || kind === 'policySetDefinitions')) {
    scopeId = `/providers/Microsoft.Management/managementgroups/${scope.managementGroup}`;
  }
  return `${scopeId}/providers/Microsoft.Authorization/${kind}/${name}`;
}

/** Scope of a stored policy resource (everything before its `/providers/Microsoft.Authorization/`). */
export function scopeOfId(id: string): Scope {
  const idx = id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/');
  return parseScopeId(idx <= 0 ? '' : id.slice(0, idx));
}

// ---------------------------------------------------------------------------------------------------------
// References

export interface PolicyRef {
  kind: 'policyDefinitions' | 'policySetDefinitions';
  scope: Scope;
  name: string;
  key: string;
}

/** Parses a policyDefinitionId (definition or set); undefined when it is not such an id at all. */
export function parsePolicyRef(id: string): PolicyRef | undefined {
  const segs = id.split('/').filter((s) => s.length > 0);
  if (segs.length < 4) return undefined;
  const n = segs.length;
  if (segs[n - 4]!.toLowerCase() !== 'providers' || segs[n - 3]!.toLowerCase() !== 'microsoft.authorization') return undefined;
  const t = segs[n - 2]!.toLowerCase();
  const kind = t === 'policydefinitions' ? 'policyDefinitions' : t === 'policysetdefinitions' ? 'policySetDefinitions' : undefined;
  if (!kind) return undefined;
  let scope: Scope;
  try {
    scope = parseScope(segs.slice(0, n - 4));
  } catch {
    return undefined;
  }
  const name = segs[n - 1]!;
  return { kind, scope, name, key: resourceKey(scope.key, kind, name) };
}

export async function lookupRef(ctx: RequestContext, ref: PolicyRef): Promise<ArmResource | undefined> {
  if (ref.scope.kind === 'tenant') return ctx.builtins.get(ref.kind, ref.name);
  return collection(ctx.state, ref.kind).get(ref.key);
}

function props(res: ArmResource | JsonObject): JsonObject {
  const p = res.properties;
  return isObject(p) ? p : {};
}

function paramDefs(res: ArmResource): Record<string, JsonObject> {
  const p = props(res).parameters;
  const out: Record<string, JsonObject> = {};
  if (isObject(p)) for (const [k, v] of Object.entries(p)) if (isObject(v)) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Validation helpers

/**
 * Name rules (publisher-mechanics §3.2): ≤64 characters (≤24 for assignments at a management group),
 * none of `<>*%&:\?.+/`, no control characters, no trailing period or space. The SDK does not enforce
 * its own regex, so the service is where these fail.
 */
function validateName(kind: PolicyKind, name: string, scope: Scope): void {
  const label = { policyDefinitions: 'policy definition', policySetDefinitions: 'policy set definition', policyAssignments: 'policy assignment', policyExemptions: 'policy exemption' }[kind];
  const code = {
    policyDefinitions: 'InvalidPolicyDefinitionName',
    // inferred: the set analogue of InvalidPolicyDefinitionName
    policySetDefinitions: 'InvalidPolicySetDefinitionName',
    policyAssignments: 'InvalidPolicyAssignmentName',
    // inferred
    policyExemptions: 'InvalidPolicyExemptionName',
  }[kind];
  const max = kind === 'policyAssignments' && scope.kind === 'managementGroup' ? 24 : 64;
  if (name.length > max) {
    throw badRequest(code, `The ${label} name '${name}' is invalid. The ${label} name length must not exceed '${max}' characters.`);
  }
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || /[<>*%&:\\?.+/\u0000-\u001f]/.test(name) || /[ .]$/.test(name)) {
    throw badRequest(code, `The ${label} name '${name}' is invalid. The name cannot contain '<>*%&:\\?.+/' or control characters and cannot end with a period or space.`);
  }
}

function requireProperties(body: unknown): JsonObject {
  if (!isObject(body)) throw badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  const p = body.properties;
  if (!isObject(p)) throw badRequest('InvalidRequestContent', "The request content was invalid and could not be deserialized: required member 'properties' is missing or not an object.");
  return p;
}

/** Names of parameters an ARM expression string refers to with parameters('x'). */
function referencedParameters(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (value.startsWith('[') && !value.startsWith('[[')) {
      for (const m of value.matchAll(/parameters\(\s*'([^']+)'\s*\)/gi)) out.add(m[1]!);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) referencedParameters(v, out);
  } else if (isObject(value)) {
    for (const v of Object.values(value)) referencedParameters(v, out);
  }
  return out;
}

function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('[') && !v.startsWith('[[');
}

function valueMatchesType(type: string, v: unknown): boolean {
  switch (type.toLowerCase()) {
    case 'string':
    case 'datetime':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
      return typeof v === 'number';
    default:
      return true;
  }
}

function allowedContains(allowed: Json[], v: unknown): boolean {
  return allowed.some((a) =>
    typeof a === 'string' && typeof v === 'string' ? a.toLowerCase() === v.toLowerCase() : deepEqual(a, v),
  );
}

/**
 * Checks one value against a parameter definition: type and allowedValues (an Array parameter's
 * allowedValues constrain each element). Expressions are not evaluated here.
 * Code InvalidPolicyParameters: the code ARM uses for a set default outside a member's allowedValues
 * (caf-enterprise-scale#1248); for an assignment value the real code is not documented (inferred).
 */
function checkValue(param: JsonObject, name: string, v: unknown, where: string): void {
  if (isExpression(v)) return;
  const type = typeof param.type === 'string' ? param.type : 'String';
  if (!valueMatchesType(type, v)) {
    throw badRequest('InvalidPolicyParameters', `The value '${JSON.stringify(v)}' of policy parameter '${name}' in ${where} does not match the parameter type '${type}'.`);
  }
  const allowed = param.allowedValues;
  if (Array.isArray(allowed) && allowed.length > 0) {
    const items = type.toLowerCase() === 'array' && Array.isArray(v) && !allowedContains(allowed, v) ? v : [v];
    for (const item of items) {
      if (!allowedContains(allowed, item)) {
        throw badRequest('InvalidPolicyParameters', `The value '${JSON.stringify(item)}' is not allowed for policy parameter '${name}' in ${where}. The allowed values are '${allowed.map((a) => JSON.stringify(a)).join(', ')}'.`);
      }
    }
  }
}

function validateParameterDefinitions(params: unknown, owner: string, max: number | undefined): Record<string, JsonObject> {
  if (params === undefined || params === null) return {};
  if (!isObject(params)) throw badRequest('InvalidRequestContent', `The request content was invalid: 'properties.parameters' of ${owner} must be an object.`);
  const entries = Object.entries(params);
  if (max !== undefined && entries.length > max) {
    // inferred code: the documented limit is 20 parameters per definition.
    throw badRequest('InvalidPolicyParameters', `The ${owner} has '${entries.length}' parameters, more than the limit of '${max}'.`);
  }
  const out: Record<string, JsonObject> = {};
  for (const [name, def] of entries) {
    if (!isObject(def)) throw badRequest('InvalidRequestContent', `The request content was invalid: parameter '${name}' of ${owner} must be an object.`);
    if (typeof def.type !== 'string' || !PARAMETER_TYPES.includes(def.type.toLowerCase())) {
      throw badRequest('InvalidRequestContent', `The request content was invalid and could not be deserialized: parameter '${name}' of ${owner} has type '${String(def.type)}'; expected one of String, Array, Object, Boolean, Integer, Float, DateTime.`);
    }
    if (def.allowedValues !== undefined && !Array.isArray(def.allowedValues)) {
      throw badRequest('InvalidRequestContent', `The request content was invalid: 'allowedValues' of parameter '${name}' of ${owner} must be an array.`);
    }
    if (def.defaultValue !== undefined) checkValue({ ...def, allowedValues: def.allowedValues ?? null }, name, def.defaultValue, owner);
    out[name] = def;
  }
  return out;
}

/**
 * ARM refuses parameter changes that would break existing uses (InvalidPolicyParameterUpdate for
 * definitions, InvalidPolicySetParameterUpdate for sets; messages as observed in
 * azure-monitor-baseline-alerts#335, terraform-provider-azurerm#13991, Bio-Compliancy#41): a parameter
 * removed or renamed, its type changed, or a new parameter without a default value.
 */
function checkParameterUpdate(code: string, label: string, oldParams: Record<string, JsonObject>, newParams: Record<string, JsonObject>): void {
  const removed = Object.keys(oldParams).filter((k) => !hasCi(newParams, k));
  if (removed.length > 0) {
    throw badRequest(code, `The existing ${label} parameter(s) '${removed.join(',')}' were not found in the ${label} being updated. The parameter names can not be changed.`);
  }
  for (const [k, oldDef] of Object.entries(oldParams)) {
    const newDef = getCi(newParams, k)!;
    if (String(oldDef.type).toLowerCase() !== String(newDef.type).toLowerCase()) {
      throw badRequest(code, `The type of the existing ${label} parameter '${k}' cannot be changed from '${String(oldDef.type)}' to '${String(newDef.type)}'.`);
    }
  }
  const addedRequired = Object.entries(newParams)
    .filter(([k, def]) => !hasCi(oldParams, k) && def.defaultValue === undefined)
    .map(([k]) => k);
  if (addedRequired.length > 0) {
    throw badRequest(code, `The new ${label} parameter(s) '${addedRequired.join(',')}' must have a default value, because the ${label} is in use.`);
  }
}

/** Server-maintained metadata keys (publisher-mechanics §3.6): createdBy/On kept, updatedBy/On set on update. */
function withServerMetadata(sent: unknown, previous: JsonObject | undefined, caller: string, now: string): JsonObject {
  const md: JsonObject = isObject(sent) ? clone(sent) : {};
  for (const k of ['createdBy', 'createdOn', 'updatedBy', 'updatedOn']) delete md[k];
  const prevMd = previous && isObject(previous.metadata) ? previous.metadata : undefined;
  if (prevMd) {
    md.createdBy = prevMd.createdBy ?? caller;
    md.createdOn = prevMd.createdOn ?? now;
    md.updatedBy = caller;
    md.updatedOn = now;
  } else {
    md.createdBy = caller;
    md.createdOn = now;
    md.updatedBy = null;
    md.updatedOn = null;
  }
  return md;
}

function systemData(previous: ArmResource | undefined, caller: string, now: string): JsonObject {
  const prev = previous && isObject(previous.systemData) ? previous.systemData : undefined;
  return {
    createdBy: prev?.createdBy ?? caller,
    createdByType: prev?.createdByType ?? 'Application',
    createdAt: prev?.createdAt ?? now,
    lastModifiedBy: caller,
    lastModifiedByType: 'Application',
    lastModifiedAt: now,
  };
}

function countAtScope(map: Map<string, ArmResource>, scope: Scope, kind: PolicyKind): number {
  const prefix = `${scope.key}/providers/microsoft.authorization/${kind.toLowerCase()}/`;
  let n = 0;
  for (const k of map.keys()) if (k.startsWith(prefix)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Effects and identities

/** The effect of a definition given the values its parameters receive; undefined when not decidable. */
function effectOf(def: ArmResource, values: Record<string, unknown>): string | undefined {
  const rule = props(def).policyRule;
  if (!isObject(rule) || !isObject(rule.then)) return undefined;
  const eff = rule.then.effect;
  if (typeof eff !== 'string') return undefined;
  if (!isExpression(eff)) return eff;
  const m = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i.exec(eff);
  if (!m) return undefined;
  const v = getCi(values as Record<string, unknown>, m[1]!) ?? getCi(paramDefs(def), m[1]!)?.defaultValue;
  return typeof v === 'string' ? v : undefined;
}

function resolveValue(v: unknown, outer: Record<string, unknown>, outerDefs: Record<string, JsonObject>): unknown {
  if (typeof v !== 'string') return v;
  const m = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i.exec(v);
  if (!m) return v;
  const name = m[1]!;
  return hasCi(outer, name) ? getCi(outer, name) : getCi(outerDefs, name)?.defaultValue;
}

/** Plain values of an assignment's `parameters` ({name: {value}}). */
function plainValues(params: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isObject(params)) for (const [k, v] of Object.entries(params)) if (isObject(v)) out[k] = v.value;
  return out;
}

/**
 * The effective effects of what an assignment points at, with its parameter values; used for
 * ResourceIdentityRequired (a deployIfNotExists or modify effect needs a managed identity) and for
 * remediation checks.
 */
export async function effectiveEffects(
  ctx: RequestContext,
  target: ArmResource,
  targetKind: 'policyDefinitions' | 'policySetDefinitions',
  values: Record<string, unknown>,
): Promise<{ referenceId?: string; effect?: string; definition?: ArmResource }[]> {
  if (targetKind === 'policyDefinitions') return [{ effect: effectOf(target, values), definition: target }];
  const setDefs = paramDefs(target);
  const out: { referenceId?: string; effect?: string; definition?: ArmResource }[] = [];
  const members = props(target).policyDefinitions;
  if (!Array.isArray(members)) return out;
  for (const m of members) {
    if (!isObject(m) || typeof m.policyDefinitionId !== 'string') continue;
    const ref = parsePolicyRef(m.policyDefinitionId);
    const def = ref ? await lookupRef(ctx, ref) : undefined;
    const referenceId = typeof m.policyDefinitionReferenceId === 'string' ? m.policyDefinitionReferenceId : undefined;
    if (!def) {
      out.push({ referenceId });
      continue;
    }
    const memberValues: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(plainValues(m.parameters))) memberValues[k] = resolveValue(v, values, setDefs);
    out.push({ referenceId, effect: effectOf(def, memberValues), definition: def });
  }
  return out;
}

export function needsIdentity(effect: string | undefined): boolean {
  return effect !== undefined && IDENTITY_EFFECTS.has(effect.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------
// References between stored objects (delete protection, in-use checks)

function setsReferencing(state: EmulatorState, defKey: string): ArmResource[] {
  const out: ArmResource[] = [];
  for (const set of state.policySetDefinitions.values()) {
    const members = props(set).policyDefinitions;
    if (!Array.isArray(members)) continue;
    if (members.some((m) => isObject(m) && typeof m.policyDefinitionId === 'string' && parsePolicyRef(m.policyDefinitionId)?.key === defKey)) {
      out.push(set);
    }
  }
  return out;
}

function assignmentsReferencing(state: EmulatorState, key: string): ArmResource[] {
  return [...state.policyAssignments.values()].filter((a) => {
    const id = props(a).policyDefinitionId;
    return typeof id === 'string' && parsePolicyRef(id)?.key === key;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Dispatcher

export async function handlePolicy(ctx: RequestContext, route: Route, kind: PolicyKind): Promise<Reply> {
  const scope = ctx.state.canonical(route.scope);
  const [name, ...extra] = route.rest;
  if (extra.length > 0) {
    throw new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.method} ${ctx.path}' (policy versions are not emulated).`);
  }
  if (scope.kind === 'tenant') {
    if (kind !== 'policyDefinitions' && kind !== 'policySetDefinitions') {
      throw badRequest('InvalidScope', `Policy ${kind} cannot be used at tenant scope.`);
    }
    return handleBuiltins(ctx, kind, name);
  }
  ctx.state.assertScopeExists(scope);
  if (name === undefined) {
    if (ctx.method !== 'GET') throw methodNotAllowed(ctx);
    return listAtScope(ctx, scope, kind);
  }
  const key = resourceKey(scope.key, kind, name);
  const map = collection(ctx.state, kind);
  switch (ctx.method) {
    case 'GET': {
      const found = map.get(key);
      if (!found) throw notFoundFor(kind, name);
      return ok(await withExpandedVersions(ctx, kind, found));
    }
    case 'DELETE':
      return deleteResource(ctx, kind, key, name);
    case 'PUT':
      return putResource(ctx, scope, kind, name, key);
    case 'PATCH':
      if (kind !== 'policyAssignments') throw methodNotAllowed(ctx);
      return patchAssignment(ctx, key, name);
    default:
      throw methodNotAllowed(ctx);
  }
}

function methodNotAllowed(ctx: RequestContext): ArmError {
  return new ArmError(405, 'MethodNotAllowed', `The HTTP method '${ctx.method}' is not supported for '${ctx.path}'.`);
}

export function notFoundFor(kind: PolicyKind, name: string): ArmError {
  switch (kind) {
    case 'policyDefinitions':
      return notFound('PolicyDefinitionNotFound', `The policy definition '${name}' could not be found.`);
    case 'policySetDefinitions':
      return notFound('PolicySetDefinitionNotFound', `The policy set definition '${name}' could not be found.`);
    case 'policyAssignments':
      return notFound('PolicyAssignmentNotFound', `The policy assignment '${name}' is not found.`);
    case 'policyExemptions':
      return notFound('PolicyExemptionNotFound', `The policy exemption '${name}' could not be found.`);
  }
}

async function handleBuiltins(ctx: RequestContext, kind: 'policyDefinitions' | 'policySetDefinitions', name: string | undefined): Promise<Reply> {
  if (ctx.method !== 'GET') {
    throw new ArmError(403, 'AuthorizationFailed', `Built-in ${kind} at tenant scope are read-only.`);
  }
  if (name === undefined) {
    const filter = parseFilter(ctx.query.get('$filter'));
    let items = await ctx.builtins.list(kind);
    items = items.filter((r) => matchesDefinitionFilter(r, filter));
    return page(ctx, items);
  }
  const found = await ctx.builtins.get(kind, name);
  if (!found) throw notFoundFor(kind, name);
  return ok(found);
}

// ---------------------------------------------------------------------------------------------------------
// Lists

interface Filter {
  atExactScope?: boolean;
  atScope?: boolean;
  policyType?: string;
  category?: string;
  policyDefinitionId?: string;
  raw?: string;
}

/**
 * The `$filter` values ARM documents for these lists: atExactScope(), atScope(), policyType eq '…',
 * category eq '…', policyDefinitionId eq '…'. Anything else is a 400 (code inferred).
 */
function parseFilter(raw: string | undefined): Filter {
  if (raw === undefined || raw.trim() === '') return {};
  const f = raw.trim();
  if (/^atExactScope\(\)$/i.test(f)) return { atExactScope: true, raw };
  if (/^atScope\(\)$/i.test(f)) return { atScope: true, raw };
  let m = /^policyType\s+eq\s+'([^']*)'$/i.exec(f);
  if (m) return { policyType: m[1]!, raw };
  m = /^category\s+eq\s+'([^']*)'$/i.exec(f);
  if (m) return { category: m[1]!, raw };
  m = /^policyDefinitionId\s+eq\s+'([^']*)'$/i.exec(f);
  if (m) return { policyDefinitionId: m[1]!, raw };
  throw badRequest('InvalidFilterInQueryString', `The filter '${raw}' is not supported. Supported filters: atExactScope(), atScope(), policyType eq '{value}', category eq '{value}', policyDefinitionId eq '{value}'.`);
}

function matchesDefinitionFilter(r: ArmResource, f: Filter): boolean {
  const p = props(r);
  if (f.policyType !== undefined && String(p.policyType).toLowerCase() !== f.policyType.toLowerCase()) return false;
  if (f.category !== undefined) {
    const cat = isObject(p.metadata) ? p.metadata.category : undefined;
    if (typeof cat !== 'string' || cat.toLowerCase() !== f.category.toLowerCase()) return false;
  }
  return true;
}

async function listAtScope(ctx: RequestContext, scope: Scope, kind: PolicyKind): Promise<Reply> {
  const filter = parseFilter(ctx.query.get('$filter'));
  const map = collection(ctx.state, kind);
  const ancestors = ctx.state.ancestorKeys(scope);
  const byScope = (r: ArmResource): string => scopeOfId(r.id).key;
  let items: ArmResource[];
  if (kind === 'policyDefinitions' || kind === 'policySetDefinitions') {
    if (filter.atScope || filter.policyDefinitionId !== undefined) {
      throw badRequest('InvalidFilterInQueryString', `The filter '${filter.raw}' is not supported for ${kind}.`);
    }
    if (filter.atExactScope) {
      items = [...map.values()].filter((r) => byScope(r) === scope.key);
    } else {
      // Without atExactScope() ARM returns the definitions visible here: this scope, its ancestors and
      // the built-ins (doc comment of listByManagementGroup; spec listPolicyDefinitionsByManagementGroup.json).
      const rank = (r: ArmResource): number => ancestors.indexOf(byScope(r));
      items = [...map.values()].filter((r) => rank(r) >= 0).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
      const wantsBuiltins = filter.policyType === undefined || ['builtin', 'static'].includes(filter.policyType.toLowerCase());
      if (wantsBuiltins) items = items.concat(await ctx.builtins.list(kind));
      items = items.filter((r) => matchesDefinitionFilter(r, filter));
    }
  } else {
    if (filter.policyType !== undefined || filter.category !== undefined) {
      throw badRequest('InvalidFilterInQueryString', `The filter '${filter.raw}' is not supported for ${kind}.`);
    }
    const all = [...map.values()];
    if (filter.atExactScope) {
      items = all.filter((r) => byScope(r) === scope.key);
    } else {
      // atScope() and the unfiltered list: assignments at this scope and the scopes containing it;
      // at a subscription the unfiltered list also includes those below it. Exemptions: the unfiltered list
      // "includes all policy exemptions associated with the scope" and atScope() is it "except those applied to
      // sub scopes" (policyExemptions.json 2022-07-01-preview, $filter), so it holds those below at every scope.
      items = all.filter((r) => {
        if (ancestors.includes(byScope(r))) return true;
        const belowToo = kind === 'policyExemptions' || scope.kind !== 'managementGroup';
        if (filter.atScope || filter.policyDefinitionId !== undefined || !belowToo) return false;
        return ctx.state.isAtOrBelow(scopeOfId(r.id), scope);
      });
      if (filter.policyDefinitionId !== undefined) {
        const want = filter.policyDefinitionId.toLowerCase();
        items = items.filter((r) => String(props(r).policyDefinitionId).toLowerCase() === want);
      }
    }
    items.sort((a, b) => a.id.localeCompare(b.id));
  }
  return page(ctx, await Promise.all(items.map((r) => withExpandedVersions(ctx, kind, r))));
}

/**
 * `$expand=LatestDefinitionVersion` on sets (2024-05-01+ spec: "Comma-separated list of additional properties to be
 * included in the response"): each member reference gains the read-only `latestDefinitionVersion`, the current version
 * of the definition it points at. EffectiveDefinitionVersion is not emulated.
 */
async function withExpandedVersions(ctx: RequestContext, kind: PolicyKind, res: ArmResource): Promise<ArmResource> {
  const expand = (ctx.query.get('$expand') ?? '').toLowerCase().split(',').map((x) => x.trim());
  const members = props(res).policyDefinitions;
  if (kind !== 'policySetDefinitions' || !expand.includes('latestdefinitionversion') || !Array.isArray(members)) return res;
  const out = clone(res);
  const refs = props(out).policyDefinitions as Json[];
  for (const m of refs) {
    if (!isObject(m) || typeof m.policyDefinitionId !== 'string') continue;
    const ref = parsePolicyRef(m.policyDefinitionId);
    const def = ref ? await lookupRef(ctx, ref) : undefined;
    const version = def ? props(def).version : undefined;
    m.latestDefinitionVersion = typeof version === 'string' ? version : '1.0.0';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Writes

async function putResource(ctx: RequestContext, scope: Scope, kind: PolicyKind, name: string, key: string): Promise<Reply> {
  validateName(kind, name, scope);
  switch (kind) {
    case 'policyDefinitions':
      return putDefinition(ctx, scope, name, key);
    case 'policySetDefinitions':
      return putSetDefinition(ctx, scope, name, key);
    case 'policyAssignments':
      return putAssignment(ctx, scope, name, key);
    case 'policyExemptions':
      return putExemption(ctx, scope, name, key);
  }
}

function checkScopeKindForDefinitions(scope: Scope, label: string): void {
  if (scope.kind !== 'managementGroup' && scope.kind !== 'subscription') {
    throw badRequest('InvalidScope', `A ${label} can only be created at a management group or a subscription, not at '${scope.id}'.`);
  }
}

function isInUse(state: EmulatorState, key: string, kind: 'policyDefinitions' | 'policySetDefinitions'): boolean {
  if (kind === 'policyDefinitions' && setsReferencing(state, key).length > 0) return true;
  return assignmentsReferencing(state, key).length > 0;
}

async function putDefinition(ctx: RequestContext, scope: Scope, name: string, key: string): Promise<Reply> {
  checkScopeKindForDefinitions(scope, 'policy definition');
  const p = requireProperties(ctx.body);
  const existing = ctx.state.policyDefinitions.get(key);
  if (!existing && countAtScope(ctx.state.policyDefinitions, scope, 'policyDefinitions') >= LIMITS.definitionsPerScope) {
    // inferred code; the limit is documented (500 definitions per scope).
    throw badRequest('PolicyDefinitionLimitExceeded', `The scope '${scope.id}' already has the maximum of ${LIMITS.definitionsPerScope} policy definitions.`);
  }
  if (p.policyType !== undefined && p.policyType !== null && String(p.policyType).toLowerCase() !== 'custom') {
    // inferred code: only Custom definitions can be written.
    throw badRequest('InvalidPolicyDefinitionType', `The policy definition '${name}' has policyType '${String(p.policyType)}'; only 'Custom' can be created.`);
  }
  const rule = p.policyRule;
  if (!isObject(rule) || !isObject(rule.if) || !isObject(rule.then) || typeof rule.then.effect !== 'string') {
    throw badRequest('InvalidPolicyRule', `Failed to parse policy rule of policy definition '${name}': the rule must be an object with an 'if' condition and a 'then' block with an 'effect'.`);
  }
  const params = validateParameterDefinitions(p.parameters, `policy definition '${name}'`, LIMITS.definitionParameters);
  const undefinedParams = [...referencedParameters(rule)].filter((x) => !hasCi(params, x));
  if (undefinedParams.length > 0) {
    throw badRequest('InvalidPolicyParameters', `A function or parameter in policy '${name}' could not be validated. The policy '${name}' has undefined parameter(s) '${undefinedParams.join(',')}' which are used in the policy rule.`);
  }
  if (existing && (ctx.options.parameterUpdateCheck === 'always' || isInUse(ctx.state, key, 'policyDefinitions'))) {
    checkParameterUpdate('InvalidPolicyParameterUpdate', 'policy', paramDefs(existing), params);
  }
  const now = nowIso();
  const caller = ctx.options.callerObjectId;
  const prevProps = existing ? props(existing) : undefined;
  const { version, versions } = serverVersions(p, prevProps);
  const out: JsonObject = {
    ...clone(p),
    policyType: 'Custom',
    mode: typeof p.mode === 'string' ? p.mode : 'Indexed',
    metadata: withServerMetadata(p.metadata, prevProps, caller, now),
    version,
    versions,
  };
  const res: ArmResource = {
    id: resourceId(scope, 'policyDefinitions', name),
    type: TYPE_NAME.policyDefinitions,
    name,
    properties: out,
    systemData: systemData(existing, caller, now),
  };
  ctx.state.policyDefinitions.set(key, res);
  return ok(res, 201);
}

async function putSetDefinition(ctx: RequestContext, scope: Scope, name: string, key: string): Promise<Reply> {
  checkScopeKindForDefinitions(scope, 'policy set definition');
  const p = requireProperties(ctx.body);
  const existing = ctx.state.policySetDefinitions.get(key);
  if (!existing && countAtScope(ctx.state.policySetDefinitions, scope, 'policySetDefinitions') >= LIMITS.setsPerScope) {
    throw badRequest('PolicySetDefinitionLimitExceeded', `The scope '${scope.id}' already has the maximum of ${LIMITS.setsPerScope} policy set definitions.`); // inferred code
  }
  const members = p.policyDefinitions;
  if (!Array.isArray(members) || members.length === 0) {
    throw badRequest('InvalidRequestContent', `The policy set definition '${name}' request is invalid: 'properties.policyDefinitions' must be a non-empty array.`);
  }
  if (members.length > LIMITS.setMembers) {
    throw badRequest('InvalidCreatePolicySetDefinitionRequest', `The policy set definition '${name}' has ${members.length} policy definitions, more than the limit of ${LIMITS.setMembers}.`);
  }
  const setParams = validateParameterDefinitions(p.parameters, `policy set definition '${name}'`, undefined);
  const groups = Array.isArray(p.policyDefinitionGroups) ? p.policyDefinitionGroups : [];
  const groupNames = new Set(groups.filter(isObject).map((g) => String(g.name).toLowerCase()));
  const refIds = new Set<string>();
  const visible = ctx.state.ancestorKeys(scope);
  const outMembers: Json[] = [];
  for (const [i, m] of members.entries()) {
    if (!isObject(m) || typeof m.policyDefinitionId !== 'string') {
      throw badRequest('InvalidRequestContent', `The policy set definition '${name}' request is invalid: policyDefinitions[${i}].policyDefinitionId is required.`);
    }
    const ref = parsePolicyRef(m.policyDefinitionId);
    if (ref?.kind === 'policySetDefinitions') {
      throw badRequest('InvalidCreatePolicySetDefinitionRequest', `The policy set definition '${name}' request is invalid. Referenced policy definitions must be of type 'Microsoft.Authorization/policyDefinitions'. '${m.policyDefinitionId}' is a policy set definition.`);
    }
    // A member must exist and be visible from the set's scope (the same scope, an ancestor, or built-in);
    // ARM reports both cases as PolicyDefinitionNotFound (Azure-Landing-Zones#219). The HTTP status is not
    // documented: 400 here, as the message says "request is invalid".
    const def = ref && visible.includes(ref.scope.key) ? await lookupRef(ctx, ref) : undefined;
    if (!ref || !def) {
      throw badRequest('PolicyDefinitionNotFound', `The policy set definition '${name}' request is invalid. The following policy definition could not be found: '${m.policyDefinitionId}'.`);
    }
    if (!consumeVisibility(ctx, ref)) {
      if (ctx.options.definitionVisibility.setAnswer === 'outOfScope') {
        throw badRequest(
          'InvalidCreatePolicySetDefinitionRequest',
          `The policy set definition '${name}' request is invalid. Policy definitions should be specified only at or above the policy set definition's scope. The following policy definitions are invalid: '${m.policyDefinitionId}'.`,
        );
      }
      throw badRequest('PolicyDefinitionNotFound', `The policy set definition '${name}' request is invalid. The following policy definition could not be found: '${m.policyDefinitionId}'.`);
    }
    const member: JsonObject = clone(m);
    if (typeof member.policyDefinitionReferenceId !== 'string' || member.policyDefinitionReferenceId === '') {
      // ARM generates a reference id when none is given.
      member.policyDefinitionReferenceId = String(BigInt.asUintN(63, BigInt(`0x${newGuid().replace(/-/g, '').slice(0, 16)}`)));
    }
    const refId = String(member.policyDefinitionReferenceId);
    if (refIds.has(refId.toLowerCase())) {
      throw badRequest('InvalidCreatePolicySetDefinitionRequest', `The policy set definition '${name}' request is invalid. The policy definition reference id '${refId}' is used more than once.`); // inferred code
    }
    refIds.add(refId.toLowerCase());
    if (Array.isArray(member.groupNames)) {
      const missing = member.groupNames.filter((g) => !groupNames.has(String(g).toLowerCase()));
      if (missing.length > 0) {
        throw badRequest('InvalidCreatePolicySetDefinitionRequest', `The policy set definition '${name}' request is invalid. The group(s) '${missing.join(',')}' used by policy definition reference '${refId}' are not defined in policyDefinitionGroups.`); // inferred code
      }
    }
    const memberDefs = paramDefs(def);
    const given = isObject(member.parameters) ? member.parameters : {};
    const undefinedNames = Object.keys(given).filter((k) => !hasCi(memberDefs, k));
    if (undefinedNames.length > 0) {
      throw badRequest('UndefinedPolicyParameter', `The policy set definition '${name}' is attempting to assign the parameter(s) '${undefinedNames.join(',')}' which are not defined in the policy definition '${def.name}'.`);
    }
    const missing = Object.entries(memberDefs)
      .filter(([k, d]) => d.defaultValue === undefined && !hasCi(given, k))
      .map(([k]) => k);
    if (missing.length > 0) {
      throw badRequest('MissingPolicyParameter', `The policy set definition '${name}' is missing the parameter(s) '${missing.join(',')}' as defined in the policy definition '${def.name}' (reference '${refId}').`);
    }
    for (const [k, wrapped] of Object.entries(given)) {
      if (!isObject(wrapped) || !('value' in wrapped)) {
        throw badRequest('InvalidRequestContent', `The policy set definition '${name}' request is invalid: parameter '${k}' of reference '${refId}' must be an object with a 'value'.`);
      }
      const pdef = getCi(memberDefs, k)!;
      const v = wrapped.value;
      const used = [...referencedParameters(v)].filter((x) => !hasCi(setParams, x));
      if (used.length > 0) {
        throw badRequest('InvalidPolicyParameters', `The policy set definition '${name}' has undefined parameter(s) '${used.join(',')}' which are used by policy definition reference '${refId}'.`);
      }
      const resolved = resolveValue(v, {}, setParams);
      if (resolved !== undefined && !isExpression(resolved)) {
        checkValue(pdef, k, resolved, `policy definition '${def.name}' (reference '${refId}' of policy set '${name}')`);
      }
    }
    outMembers.push(member);
  }
  if (existing && (ctx.options.parameterUpdateCheck === 'always' || isInUse(ctx.state, key, 'policySetDefinitions'))) {
    checkParameterUpdate('InvalidPolicySetParameterUpdate', 'policy set', paramDefs(existing), setParams);
  }
  const now = nowIso();
  const caller = ctx.options.callerObjectId;
  const prevProps = existing ? props(existing) : undefined;
  const { version, versions } = serverVersions(p, prevProps);
  const out: JsonObject = {
    ...clone(p),
    policyType: 'Custom',
    policyDefinitions: outMembers,
    metadata: withServerMetadata(p.metadata, prevProps, caller, now),
    version,
    versions,
  };
  const res: ArmResource = {
    id: resourceId(scope, 'policySetDefinitions', name),
    type: TYPE_NAME.policySetDefinitions,
    name,
    properties: out,
    systemData: systemData(existing, caller, now),
  };
  ctx.state.policySetDefinitions.set(key, res);
  return ok(res, existing ? 200 : 201);
}

/**
 * Eventual consistency knob (`definitionVisibility.failures`): the first N references to a freshly
 * written definition or set fail as if it had not propagated yet (publisher-mechanics §3.5). Built-ins are
 * never fresh: they are always visible.
 */
const visibilityCounters = new WeakMap<object, Map<string, number>>();
function consumeVisibility(ctx: RequestContext, ref: PolicyRef): boolean {
  const n = ctx.options.definitionVisibility.failures;
  const key = ref.key;
  if (n <= 0 || ref.scope.kind === 'tenant') return true;
  let m = visibilityCounters.get(ctx.state);
  if (!m) {
    m = new Map();
    visibilityCounters.set(ctx.state, m);
  }
  const seen = m.get(key) ?? 0;
  if (seen >= n) return true;
  m.set(key, seen + 1);
  return false;
}

interface IdentityResult {
  identity?: JsonObject;
  principalId?: string;
}

function buildIdentity(ctx: RequestContext, sent: unknown, existing: ArmResource | undefined, assignmentName: string): IdentityResult {
  if (sent === undefined || sent === null) return {};
  if (!isObject(sent) || typeof sent.type !== 'string') {
    throw badRequest('InvalidRequestContent', `The policy assignment '${assignmentName}' request is invalid: 'identity.type' must be SystemAssigned, UserAssigned or None.`);
  }
  const type = sent.type.toLowerCase();
  if (type === 'none') return { identity: { type: 'None' } };
  if (type === 'systemassigned') {
    const prev = existing && isObject(existing.identity) && String(existing.identity.type).toLowerCase() === 'systemassigned' ? existing.identity : undefined;
    // Stable across updates; a new principal after delete + create (publisher-mechanics §5).
    const principalId = typeof prev?.principalId === 'string' ? prev.principalId : newGuid();
    return { identity: { type: 'SystemAssigned', principalId, tenantId: ctx.options.tenantId }, principalId };
  }
  if (type === 'userassigned') {
    const ids = sent.userAssignedIdentities;
    if (!isObject(ids) || Object.keys(ids).length === 0) {
      throw badRequest('MissingIdentityIds', "The identity ids must not be null or empty for 'UserAssigned' identity type.");
    }
    const out: JsonObject = {};
    for (const id of Object.keys(ids)) out[id] = { principalId: newGuid(), clientId: newGuid() };
    return { identity: { type: 'UserAssigned', userAssignedIdentities: out } };
  }
  throw badRequest('InvalidRequestContent', `The policy assignment '${assignmentName}' request is invalid: identity type '${sent.type}' is not one of SystemAssigned, UserAssigned, None.`);
}

function registerPrincipal(ctx: RequestContext, principalId: string, source: string): void {
  const key = principalId.toLowerCase();
  const existing = ctx.state.principals.get(key);
  if (existing && !existing.deleted) return;
  const r = ctx.options.principalReplication;
  const now = Date.now();
  ctx.state.principals.set(key, {
    principalId,
    createdAt: now,
    failuresLeft: r.mode === 'count' ? r.failures : 0,
    visibleAt: r.mode === 'time' ? now + r.ms : now,
    deleted: false,
    source,
  });
}

function retirePrincipal(state: EmulatorState, res: ArmResource | undefined): void {
  if (!res || !isObject(res.identity)) return;
  const pid = res.identity.principalId;
  if (typeof pid === 'string') {
    const rec = state.principals.get(pid.toLowerCase());
    if (rec) rec.deleted = true;
  }
}

async function putAssignment(ctx: RequestContext, scope: Scope, name: string, key: string): Promise<Reply> {
  const body = ctx.body;
  const p = requireProperties(body);
  const b = body as JsonObject;
  const existing = ctx.state.policyAssignments.get(key);
  if (!existing && countAtScope(ctx.state.policyAssignments, scope, 'policyAssignments') >= LIMITS.assignmentsPerScope) {
    throw badRequest('PolicyAssignmentLimitExceeded', `The scope '${scope.id}' already has the maximum of ${LIMITS.assignmentsPerScope} policy assignments.`); // inferred code
  }
  if (typeof p.policyDefinitionId !== 'string' || p.policyDefinitionId === '') {
    throw badRequest('InvalidRequestContent', `The policy assignment '${name}' request is invalid: 'properties.policyDefinitionId' is required.`);
  }
  const ref = parsePolicyRef(p.policyDefinitionId);
  if (!ref) {
    throw badRequest('InvalidPolicyDefinitionReference', `The policy assignment '${name}' request is invalid: '${p.policyDefinitionId}' is not a policy definition or policy set definition id.`); // inferred code
  }
  // Out of scope first: ARM's message covers both "not at or above" and "not propagated yet" (§3.4).
  if (!ctx.state.ancestorKeys(scope).includes(ref.scope.key)) {
    throw badRequest(
      'InvalidCreatePolicyAssignmentRequest',
      `The policy definition specified in policy assignment '${name}' is out of scope. Policy definitions should be specified only at or above the policy assignment scope. If the management groups hierarchy changed recently or if assigning a management group policy to new subscription, please allow up to 30 minutes for the hierarchy changes to apply and try again.`,
    );
  }
  const target = await lookupRef(ctx, ref);
  if (!target || !consumeVisibility(ctx, ref)) throw notFoundFor(ref.kind, ref.name);

  // Parameters against the definition / set.
  const defs = paramDefs(target);
  const given = p.parameters === undefined || p.parameters === null ? {} : p.parameters;
  if (!isObject(given)) throw badRequest('InvalidRequestContent', `The policy assignment '${name}' request is invalid: 'properties.parameters' must be an object.`);
  const label = ref.kind === 'policyDefinitions' ? 'policy definition' : 'policy set definition';
  const undefinedNames = Object.keys(given).filter((k) => !hasCi(defs, k));
  if (undefinedNames.length > 0) {
    throw badRequest('UndefinedPolicyParameter', `The policy assignment '${name}' has the parameter(s) '${undefinedNames.join(',')}' which are not defined in the ${label} '${target.name}'.`);
  }
  const missing = Object.entries(defs)
    .filter(([k, d]) => d.defaultValue === undefined && !hasCi(given, k))
    .map(([k]) => k);
  if (missing.length > 0) {
    throw badRequest('MissingPolicyParameter', `The policy assignment '${name}' is missing the parameter(s) '${missing.join(',')}' as defined in the ${label} '${target.name}'.`);
  }
  for (const [k, wrapped] of Object.entries(given)) {
    if (!isObject(wrapped) || !('value' in wrapped)) {
      throw badRequest('InvalidRequestContent', `The policy assignment '${name}' request is invalid: parameter '${k}' must be an object with a 'value'.`);
    }
    checkValue(getCi(defs, k)!, k, wrapped.value, `the ${label} '${target.name}'`);
  }

  if (p.enforcementMode !== undefined && !['default', 'donotenforce'].includes(String(p.enforcementMode).toLowerCase())) {
    throw badRequest('InvalidRequestContent', `The policy assignment '${name}' request is invalid: enforcementMode '${String(p.enforcementMode)}' is not one of Default, DoNotEnforce.`);
  }
  const notScopes = p.notScopes ?? [];
  if (!Array.isArray(notScopes) || notScopes.some((s) => typeof s !== 'string')) {
    throw badRequest('InvalidRequestContent', `The policy assignment '${name}' request is invalid: 'notScopes' must be an array of scope ids.`);
  }
  if (notScopes.length > LIMITS.notScopes) {
    throw badRequest('InvalidCreatePolicyAssignmentRequest', `The policy assignment '${name}' has ${notScopes.length} notScopes, more than the limit of ${LIMITS.notScopes}.`); // inferred code
  }
  if (typeof p.displayName === 'string' && p.displayName.length > 128) {
    throw badRequest('InvalidCreatePolicyAssignmentRequest', `The policy assignment '${name}' display name exceeds 128 characters.`); // inferred code
  }
  if (typeof p.description === 'string' && p.description.length > 512) {
    throw badRequest('InvalidCreatePolicyAssignmentRequest', `The policy assignment '${name}' description exceeds 512 characters.`); // inferred code
  }

  // Identity and location.
  const { identity, principalId } = buildIdentity(ctx, b.identity, existing, name);
  const hasIdentity = identity !== undefined && identity.type !== 'None';
  const location = typeof b.location === 'string' ? b.location : undefined;
  if (hasIdentity && location === undefined) {
    // ARM's code for this is not documented (publisher-mechanics §3.4): fake, clearly named code.
    throw badRequest('LocationRequired', `The policy assignment '${name}' request is invalid: a location is required when the assignment has a managed identity.`);
  }
  const prevLocation = existing && typeof existing.location === 'string' ? existing.location : undefined;
  if (prevLocation !== undefined && location !== undefined && prevLocation.toLowerCase() !== location.toLowerCase()) {
    throw badRequest('InvalidLocationUpdate', `The existing assignment location cannot be changed from '${prevLocation}' to '${location}'.`);
  }
  if (!hasIdentity) {
    const values = plainValues(given);
    const effects = await effectiveEffects(ctx, target, ref.kind, values);
    const dine = effects.find((e) => needsIdentity(e.effect));
    if (dine) {
      throw badRequest(
        'ResourceIdentityRequired',
        `The policy assignment '${name}' request is invalid. Policy assignments must include a resource identity when assigning '${dine.effect}' policy definitions.`,
      );
    }
  }

  const now = nowIso();
  const caller = ctx.options.callerObjectId;
  const prevProps = existing ? props(existing) : undefined;
  const outProps: JsonObject = {
    ...clone(p),
    scope: scope.id,
    notScopes: clone(notScopes as Json[]),
    enforcementMode: typeof p.enforcementMode === 'string' ? p.enforcementMode : 'Default',
    metadata: withServerMetadata(p.metadata, prevProps, caller, now),
  };
  const res: ArmResource = {
    id: resourceId(scope, 'policyAssignments', name),
    type: TYPE_NAME.policyAssignments,
    name,
    ...(location !== undefined ? { location } : {}),
    ...(identity !== undefined ? { identity } : {}),
    properties: outProps,
    systemData: systemData(existing, caller, now),
  };
  if (existing && !principalId) retirePrincipal(ctx.state, existing);
  ctx.state.policyAssignments.set(key, res);
  if (principalId) registerPrincipal(ctx, principalId, res.id);
  return ok(res, 201);
}

/** PATCH carries only location, identity, resourceSelectors and overrides (§1.1). */
async function patchAssignment(ctx: RequestContext, key: string, name: string): Promise<Reply> {
  const existing = ctx.state.policyAssignments.get(key);
  if (!existing) throw notFoundFor('policyAssignments', name);
  if (!isObject(ctx.body)) throw badRequest('InvalidRequestContent', 'The request content was invalid: the body must be a JSON object.');
  const b = ctx.body;
  const updated: ArmResource = clone(existing);
  if (b.location !== undefined) {
    const prev = typeof existing.location === 'string' ? existing.location : undefined;
    if (prev !== undefined && String(b.location).toLowerCase() !== prev.toLowerCase()) {
      throw badRequest('InvalidLocationUpdate', `The existing assignment location cannot be changed from '${prev}' to '${String(b.location)}'.`);
    }
    updated.location = String(b.location);
  }
  let principalId: string | undefined;
  if (b.identity !== undefined) {
    const r = buildIdentity(ctx, b.identity, existing, name);
    if (r.identity) updated.identity = r.identity;
    principalId = r.principalId;
    if (r.identity && r.identity.type !== 'None' && typeof updated.location !== 'string') {
      throw badRequest('LocationRequired', `The policy assignment '${name}' request is invalid: a location is required when the assignment has a managed identity.`);
    }
    if (!principalId) retirePrincipal(ctx.state, existing);
  }
  const p = isObject(b.properties) ? b.properties : {};
  const up = props(updated);
  for (const k of ['resourceSelectors', 'overrides'] as const) {
    if (p[k] !== undefined) up[k] = clone(p[k]);
  }
  updated.systemData = systemData(existing, ctx.options.callerObjectId, nowIso());
  ctx.state.policyAssignments.set(key, updated);
  if (principalId) registerPrincipal(ctx, principalId, updated.id);
  return ok(updated, 200);
}

async function putExemption(ctx: RequestContext, scope: Scope, name: string, key: string): Promise<Reply> {
  const p = requireProperties(ctx.body);
  const existing = ctx.state.policyExemptions.get(key);
  if (typeof p.policyAssignmentId !== 'string') {
    throw badRequest('InvalidRequestContent', `The policy exemption '${name}' request is invalid: 'properties.policyAssignmentId' is required.`);
  }
  const category = String(p.exemptionCategory ?? '');
  if (!['waiver', 'mitigated'].includes(category.toLowerCase())) {
    throw badRequest('InvalidRequestContent', `The policy exemption '${name}' request is invalid: exemptionCategory must be 'Waiver' or 'Mitigated'.`);
  }
  const assignment = ctx.state.policyAssignments.get(p.policyAssignmentId.toLowerCase());
  if (!assignment) throw notFound('PolicyAssignmentNotFound', `The policy assignment '${p.policyAssignmentId}' is not found.`);
  if (!ctx.state.isAtOrBelow(scope, scopeOfId(assignment.id))) {
    throw badRequest('InvalidPolicyExemptionScope', `The policy exemption '${name}' must be at or below the scope of policy assignment '${assignment.id}'.`); // inferred code
  }
  const now = nowIso();
  const res: ArmResource = {
    id: resourceId(scope, 'policyExemptions', name),
    type: TYPE_NAME.policyExemptions,
    name,
    properties: { ...clone(p), metadata: withServerMetadata(p.metadata, existing ? props(existing) : undefined, ctx.options.callerObjectId, now) },
    systemData: systemData(existing, ctx.options.callerObjectId, now),
  };
  ctx.state.policyExemptions.set(key, res);
  return ok(res, existing ? 200 : 201);
}

function deleteResource(ctx: RequestContext, kind: PolicyKind, key: string, name: string): Reply {
  const map = collection(ctx.state, kind);
  const existing = map.get(key);
  if (!existing) return { status: 204 };
  if (kind === 'policyDefinitions') {
    const sets = setsReferencing(ctx.state, key);
    if (sets.length > 0) {
      throw badRequest('InvalidDeletePolicyDefinitionRequest', `The policy definition '${name}' cannot be deleted.  It is referenced by the policy set definition '${sets[0]!.id}'. Please remove this policy definition from all policy set definitions that reference it.`);
    }
    const asg = assignmentsReferencing(ctx.state, key);
    if (asg.length > 0) {
      // inferred: ARM's behaviour for a directly assigned definition is not documented.
      throw badRequest('InvalidDeletePolicyDefinitionRequest', `The policy definition '${name}' cannot be deleted. It is referenced by the policy assignment '${asg[0]!.id}'. Please delete all policy assignments referencing the policy.`);
    }
  }
  if (kind === 'policySetDefinitions') {
    const asg = assignmentsReferencing(ctx.state, key);
    if (asg.length > 0) {
      throw badRequest('InvalidDeletePolicySetDefinitionRequest', `The policy set definition '${name}' cannot be deleted. It is referenced by the policy assignment '${asg[0]!.id}'. Please delete all policy assignments referencing the policy.`);
    }
  }
  map.delete(key);
  if (kind === 'policyAssignments') {
    retirePrincipal(ctx.state, existing);
    // Exemptions go with their assignment.
    for (const [k, ex] of ctx.state.policyExemptions) {
      if (String(props(ex).policyAssignmentId).toLowerCase() === existing.id.toLowerCase()) ctx.state.policyExemptions.delete(k);
    }
    return ok(existing, 200);
  }
  if (kind === 'policyExemptions') return ok(existing, 200);
  return { status: 200 };
}

/**
 * The server-side version fields of a definition or set (api-version 2024-05-01): `version` is what the PUT
 * gave, else the previous version, else 1.0.0; `versions` lists every version the object has had, newest first.
 */
function serverVersions(p: JsonObject, prevProps: JsonObject | undefined): { version: string; versions: string[] } {
  const version = typeof p.version === 'string' ? p.version : typeof prevProps?.version === 'string' ? prevProps.version : '1.0.0';
  const prevVersions = Array.isArray(prevProps?.versions) ? (prevProps.versions as string[]) : [];
  return { version, versions: [...new Set([version, ...prevVersions])] };
}
