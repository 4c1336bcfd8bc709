/**
 * The normalized comparison that makes "unchanged" really unchanged: what the server adds on GET (createdBy/On,
 * updatedBy/On, systemData, lastSyncedToArgOn, version defaults, scope, empty notScopes, ids in other casing) is
 * removed or canonicalized before two documents are compared, so a policy that did not change never shows as a
 * change (the false-positive diffs of anchors.md pain point 3).
 */
import { jsonPathChild, type JsonObject, type JsonValue } from '../compiler/canonical-json.js';

/** Metadata keys ARM writes itself (assignment-structure / definition-structure docs; ARG adds lastSyncedToArgOn). */
const SERVER_METADATA_KEYS = new Set(['createdby', 'createdon', 'updatedby', 'updatedon', 'lastsyncedtoargon', 'assignedby']);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/** Drops keys whose value is undefined (JSON never carries them; the SDK's models do). */
export function plain(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map((v) => plain(v));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value as JsonValue;
}

export function stripServerMetadata(metadata: unknown): JsonObject {
  const out: JsonObject = {};
  if (!isObject(metadata)) return out;
  for (const [k, v] of Object.entries(metadata)) if (!SERVER_METADATA_KEYS.has(k.toLowerCase()) && v !== undefined) out[k] = plain(v);
  return out;
}

function pick(props: JsonObject, keys: readonly string[], dropEmpty: boolean): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) {
    const v = props[k];
    if (v === undefined || (dropEmpty && isEmpty(v))) continue;
    out[k] = plain(v);
  }
  return out;
}

function lowerId(v: JsonValue | undefined): JsonValue | undefined {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

/** Parameters declarations: drop empty metadata so `{}` and absent compare equal. */
function normalizeParameterDeclarations(params: unknown): JsonObject | undefined {
  if (!isObject(params) || Object.keys(params).length === 0) return undefined;
  const out: JsonObject = {};
  for (const [name, decl] of Object.entries(params)) {
    if (!isObject(decl)) {
      out[name] = plain(decl);
      continue;
    }
    const d = plain(decl) as JsonObject;
    if (isEmpty(d.metadata)) delete d.metadata;
    out[name] = d;
  }
  return out;
}

/**
 * Definition properties as compared: the fields the publisher writes. `version` is compared only when the desired
 * document carries one (ARM fills in 1.0.0 otherwise); policyType is always Custom for what we manage.
 */
export function normalizeDefinition(props: JsonObject, desired?: JsonObject): JsonObject {
  const out = pick(props, ['displayName', 'description', 'mode', 'policyRule'], false);
  const params = normalizeParameterDeclarations(props.parameters);
  if (params) out.parameters = params;
  out.metadata = stripServerMetadata(props.metadata);
  if (props.version !== undefined && (desired === undefined || desired.version !== undefined)) out.version = props.version;
  if (out.description === '') delete out.description;
  return out;
}

function normalizeReference(ref: unknown, desiredRef?: JsonObject): JsonValue {
  if (!isObject(ref)) return plain(ref);
  const out = pick(ref, ['policyDefinitionReferenceId', 'parameters', 'groupNames'], true);
  out.policyDefinitionId = lowerId(ref.policyDefinitionId) ?? null;
  // ARM reports definitionVersion on members it resolved even when none was sent: compare only when we pin one.
  if (ref.definitionVersion !== undefined && (desiredRef === undefined || desiredRef.definitionVersion !== undefined)) {
    out.definitionVersion = plain(ref.definitionVersion);
  }
  return out;
}

export function normalizeSetDefinition(props: JsonObject, desired?: JsonObject): JsonObject {
  const out = pick(props, ['displayName', 'description', 'policyDefinitionGroups'], true);
  const params = normalizeParameterDeclarations(props.parameters);
  if (params) out.parameters = params;
  out.metadata = stripServerMetadata(props.metadata);
  const desiredRefs = new Map<string, JsonObject>();
  if (desired && Array.isArray(desired.policyDefinitions)) {
    for (const r of desired.policyDefinitions) if (isObject(r)) desiredRefs.set(String(r.policyDefinitionReferenceId), r);
  }
  out.policyDefinitions = Array.isArray(props.policyDefinitions)
    ? props.policyDefinitions.map((r) => normalizeReference(r, isObject(r) ? desiredRefs.get(String(r.policyDefinitionReferenceId)) : undefined))
    : [];
  if (props.version !== undefined && (desired === undefined || desired.version !== undefined)) out.version = props.version;
  return out;
}

/** The parts of an assignment the publisher manages, with ARM's defaults made explicit. */
export interface AssignmentShape {
  location?: string;
  identityType: string;
  properties: JsonObject;
}

export function normalizeAssignment(a: AssignmentShape): JsonObject {
  const p = a.properties;
  const out = pick(p, ['displayName', 'description', 'parameters', 'notScopes', 'nonComplianceMessages'], true);
  out.policyDefinitionId = lowerId(p.policyDefinitionId) ?? null;
  out.enforcementMode = (p.enforcementMode as string | undefined) ?? 'Default';
  out.metadata = stripServerMetadata(p.metadata);
  out.identity = a.identityType === 'SystemAssigned' ? 'SystemAssigned' : a.identityType === 'UserAssigned' ? 'UserAssigned' : 'None';
  // location only matters for an identity (it is where the identity lives); ARM may report one without it.
  if (out.identity !== 'None' && a.location !== undefined) out.location = a.location.toLowerCase().replace(/\s+/g, '');
  return out;
}

/** Deep equality of JSON values; object key order is irrelevant, array order is significant. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

export interface FieldChange {
  /** JSON path of the changed value, e.g. $.policyRule.then.effect */
  path: string;
  before?: JsonValue;
  after?: JsonValue;
}

/**
 * Field-level differences between two normalized documents: objects are walked key by key; arrays of equal length
 * element by element; anything else is one change at that path.
 */
export function diffFields(before: JsonValue | undefined, after: JsonValue | undefined, path = '$'): FieldChange[] {
  if (jsonEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffFields(before[k], after[k], jsonPathChild(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((v, i) => diffFields(v, after[i], jsonPathChild(path, i)));
  }
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

/**
 * Parameter changes Azure rejects on an existing definition or set (400 InvalidPolicyParameterUpdate /
 * InvalidPolicySetParameterUpdate, MicrosoftDocs/azure-docs#104813): a parameter removed, its type changed, or a new
 * parameter without a defaultValue. Returns a description of each, empty when the update is accepted in place.
 */
export function incompatibleParameterChanges(live: unknown, desired: unknown): string[] {
  const l = isObject(live) ? live : {};
  const d = isObject(desired) ? desired : {};
  const lower = (o: JsonObject) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), { k, v }]));
  const lm = lower(l);
  const dm = lower(d);
  const problems: string[] = [];
  for (const [key, { k, v }] of lm) {
    const other = dm.get(key);
    if (!other) problems.push(`parameter '${k}' removed`);
    else {
      const lt = isObject(v) ? String(v.type ?? '').toLowerCase() : '';
      const dt = isObject(other.v) ? String(other.v.type ?? '').toLowerCase() : '';
      if (lt !== dt) problems.push(`parameter '${k}' type changed from ${String((v as JsonObject).type)} to ${String((other.v as JsonObject).type)}`);
    }
  }
  for (const [key, { k, v }] of dm) {
    if (!lm.has(key) && !(isObject(v) && v.defaultValue !== undefined)) problems.push(`new parameter '${k}' has no defaultValue`);
  }
  return problems;
}
