/**
 * The pure planner: generated/ content + config + what exists at the management group -> the plan (create /
 * update / delete / no-op per object, role and pricing changes, warnings). No I/O: the gateway reads the live
 * state, the executor applies the plan.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type JsonObject, type JsonValue } from '../compiler/canonical-json.js';
import { DiagnosticsError, type Diagnostic } from '../errors.js';
import {
  customDefinitionId,
  customSetDefinitionId,
  definitionNameFromId,
  MANAGEMENT_GROUP_PLACEHOLDER,
  type PolicyDefinitionDocument,
  type PolicySetDefinitionDocument,
} from '../model.js';
import type { AssignmentConfig, DefenderPlanConfig, DefenderPlanName, PublisherConfig } from './config.js';
import { DEFENDER_PLAN_NAMES } from './config.js';
import { planContradictions } from './defender-plans.js';
import type { Content } from './content.js';
import { assignmentOf, exemptionAzureName, exemptionsFor, planExemptions, type ExemptionItem } from './plan-exemptions.js';
import { assignmentName, DEFINITION_NAME_MAX } from '../compiler/naming.js';
import { roleDefinitionId } from '../dsl/effects.js';
import { assignmentScope, remediationName, roleAssignmentName, versionedName, versionOf } from './naming.js';
import {
  diffFields,
  incompatibleParameterChanges,
  jsonEqual,
  normalizeAssignment,
  normalizeDefinition,
  normalizeSetDefinition,
  plain,
  type FieldChange,
} from './normalize.js';
import type {
  BuiltinInfo,
  LivePolicyAssignment,
  LivePolicyDefinition,
  LivePricing,
  LiveRoleAssignment,
  LiveState,
  PricingExtension,
  PricingSource,
} from './types.js';
import { PublisherCode } from './codes.js';

/** metadata key holding the ownership marker (EPAC calls its equivalent pacOwnerId). */
export const OWNER_KEY = 'ztpolicyOwner';
/** metadata key on a versioned definition/set naming the generated name it stands for. */
export const BASE_NAME_KEY = 'ztpolicyBaseName';
/**
 * assignment metadata key caching what built-in members need under this assignment (which deploy or modify, which
 * roles each declares), so a no-op publish reads no built-ins. Keyed by a digest of the members' versions and the
 * parameters that decide their effects: a new built-in version (Microsoft adding a role) invalidates it (issue 11.3).
 */
/** assignment metadata key: the number of exemptions this repo keeps on the assignment (absent = none). */
export const EXEMPTIONS_KEY = 'ztpolicyExemptions';
/**
 * assignment metadata key: the scopes outside the assignment where its identity holds roles because of an
 * `assignPermissions` parameter (sorted ARM ids). A later plan reads the role assignments there, so a grant at a
 * scope no longer named (the workspace parameter changed) is found and pruned.
 */
export const ROLE_SCOPES_KEY = 'ztpolicyRoleScopes';
export const BUILTINS_KEY = 'ztpolicyBuiltins';

export type Action = 'create' | 'update' | 'delete' | 'no-op';

interface ItemBase {
  action: Action;
  /** The ARM name of the object. */
  name: string;
  /** Its full ARM id (for a role assignment still to be named: the scope plus the role). */
  id: string;
  /** Field-level differences (update), or the full body (create). */
  changes: FieldChange[];
  /** Why, when the action needs explaining (versioned name, prune, identity replaced...). */
  reason?: string;
}

export interface DefinitionItem extends ItemBase {
  kind: 'policyDefinition' | 'policySetDefinition';
  managementGroupId: string;
  /** The PUT body's properties. */
  properties?: JsonObject;
}

export interface AssignmentItem extends ItemBase {
  kind: 'policyAssignment';
  managementGroupId: string;
  /** Set on the prune of an assignment found at a subscription below the target. */
  subscriptionId?: string;
  /** Initiative (generated name) the assignment is for; absent on a prune. */
  initiative?: string;
  body?: { location?: string; identity: { type: 'SystemAssigned' | 'None' }; properties: JsonObject };
  /** Role definition GUIDs its identity needs at the assignment scope. */
  roleDefinitionIds: string[];
  /**
   * Scopes outside the assignment where its identity needs roles too (an `assignPermissions` parameter naming, e.g.,
   * a Log Analytics workspace the members deploy to): per ARM scope id, the role GUIDs of the members using it.
   */
  roleScopes?: Record<string, string[]>;
  /** Per role GUID, the members (reference ids) whose effective effect deploys or modifies and declare it. */
  roleMembers: Record<string, string[]>;
  /** Members (reference ids, in initiative order) whose effective effect is deployIfNotExists or modify. */
  remediatingMembers: string[];
  /** Live principal id when the identity already exists and survives this publish. */
  principalId?: string;
}

export interface RoleAssignmentItem extends ItemBase {
  kind: 'roleAssignment';
  /** Scope without the leading slash is what the SDK wants; this is the ARM form with it. */
  scope: string;
  assignmentName: string;
  roleDefinitionId: string;
  /** Members of the initiative that need this role (empty for a prune). */
  members: string[];
  /** Management group of the assignment whose identity gets the role (set when the scope is not that group). */
  assignmentManagementGroupId?: string;
  /** Known unless the identity is created by this publish (then the executor fills it in and names the item). */
  principalId?: string;
}

export interface PricingItem extends ItemBase {
  kind: 'pricing';
  subscriptionId: string;
  properties?: JsonObject;
}

export interface RemediationItem extends ItemBase {
  kind: 'remediation';
  managementGroupId: string;
  assignmentName: string;
  policyDefinitionReferenceId: string;
}

export type { ExemptionItem };
export type PlanItem = DefinitionItem | AssignmentItem | RoleAssignmentItem | PricingItem | RemediationItem | ExemptionItem;
export type ObjectKind = PlanItem['kind'];

export interface PlanWarning {
  code: string;
  message: string;
  /** Object the warning is about (ARM id or name). */
  object?: string;
  /** How to proceed (blockers): what the user can do to unblock the publish. */
  hint?: string;
}

export interface Plan {
  schemaVersion: 1;
  /**
   * `environment`: the config environment planned for (absent for a single-environment config); `requestedAs`: the
   * `root` alias the config used; `tenantRoot`: the target is the Tenant Root Group (issue 8.1).
   */
  target: { tenantId: string; managementGroupId: string; owner: string; environment?: string; requestedAs?: string; tenantRoot?: boolean };
  items: PlanItem[];
  warnings: PlanWarning[];
  /** Conditions that make applying unsafe (an object of another owner in the way): publish refuses while any exist. */
  blockers: PlanWarning[];
  summary: Record<Action, number>;
  hasChanges: boolean;
  hasDeletes: boolean;
  /** How the Defender pricing state was read (Resource Graph or per subscription), when plans are configured. */
  pricingSource?: PricingSource;
}

export interface PlanOptions {
  /** Where new managed identities live (config identityLocation unless --location). */
  identityLocation: string;
  /** Create remediation tasks for deployIfNotExists/modify members. */
  remediate?: boolean;
  /** Distinguishes this run's remediation task names (the executor passes a timestamp). */
  runId?: string;
  /**
   * `--adopt`: take over objects that carry ztpolicy's name but no ownership marker (update them and add the
   * marker, which makes them prunable later). Without it such an object is a blocker: "never delete what ztpolicy
   * does not own" means taking ownership must be an explicit decision, not a side effect of a name clash.
   */
  adopt?: boolean;
  /** Clock for exemption expiry (default: now). */
  now?: Date;
}

/** Blocker for an object with ztpolicy's name but no ownership marker (publish without --adopt refuses). */
function unmarkedBlocker(what: string, name: string, mg: string, id: string): PlanWarning {
  return {
    code: PublisherCode.unmarkedExisting,
    message: `${what} '${name}' already exists at management group '${mg}' without a ztpolicy ownership marker (metadata.${OWNER_KEY}); ztpolicy will not take it over unless told to`,
    object: id,
    hint: `rename it in the sources, delete the existing object yourself if it is obsolete, or re-run with --adopt to take it over (it is updated, marked as owned by this repo and becomes prunable)`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers over definitions

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** Role GUID of a role definition id in any of its forms (tenant, subscription or MG scoped). */
export function roleGuid(roleDefinitionId: string): string {
  return lastSegment(roleDefinitionId).toLowerCase();
}

const REMEDIATING_EFFECTS = new Set(['deployifnotexists', 'modify']);

/**
 * What a definition needs from an assignment: roles from then.details.roleDefinitionIds and whether its effect can
 * be deployIfNotExists/modify (literal, or via an effect parameter's allowedValues/defaultValue), which is when ARM
 * requires an identity (400 ResourceIdentityRequired).
 */
export function analyzeDefinition(id: string, props: JsonObject): BuiltinInfo {
  const rule = isObject(props.policyRule) ? props.policyRule : {};
  const then = isObject(rule.then) ? rule.then : {};
  const details = isObject(then.details) ? then.details : {};
  const roles = Array.isArray(details.roleDefinitionIds) ? details.roleDefinitionIds.filter((r): r is string => typeof r === 'string') : [];
  const effect = typeof then.effect === 'string' ? then.effect : '';
  let possible: string[] = [effect];
  let effectDefault: string | undefined;
  const param = PARAMETER_REF.exec(effect);
  if (param) {
    const decl = getCi(props.parameters, param[1]!);
    possible = [];
    if (isObject(decl)) {
      if (Array.isArray(decl.allowedValues)) possible.push(...decl.allowedValues.map(String));
      if (typeof decl.defaultValue === 'string') possible.push((effectDefault = decl.defaultValue));
    }
  }
  const info: BuiltinInfo = {
    id,
    roleDefinitionIds: [...new Set(roles.map(roleGuid))].sort(),
    remediates: possible.some((e) => REMEDIATING_EFFECTS.has(e.toLowerCase())) || roles.length > 0,
    effect,
  };
  if (effectDefault !== undefined) info.effectDefault = effectDefault;
  if (typeof props.version === 'string') info.version = props.version;
  return info;
}

const PARAMETER_REF = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i;

/** A key of a JSON object, case-insensitively (ARM parameter names are). */
function getCi(obj: unknown, key: string): JsonValue | undefined {
  if (!isObject(obj)) return undefined;
  const k = Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

/**
 * The effect a member takes under an assignment, resolved the way ARM resolves it: the definition's then.effect; if
 * that names a parameter, the value the initiative passes the member; if that names an initiative parameter, the
 * assignment's value, else the initiative's default; a member parameter the initiative does not pass takes the
 * definition's default. Undefined when it cannot be told without evaluating an expression.
 */
export function effectiveEffect(info: BuiltinInfo, memberParameters: unknown, setParameters: unknown, values: Record<string, unknown>): string | undefined {
  const m = PARAMETER_REF.exec(info.effect);
  if (!m) return info.effect.startsWith('[') && !info.effect.startsWith('[[') ? undefined : info.effect;
  const passed = getCi(memberParameters, m[1]!);
  let v: unknown = isObject(passed) ? passed.value : undefined;
  if (v === undefined) return info.effectDefault;
  if (typeof v === 'string') {
    const outer = PARAMETER_REF.exec(v);
    if (outer) {
      const given = Object.entries(values).find(([k]) => k.toLowerCase() === outer[1]!.toLowerCase());
      const decl = getCi(setParameters, outer[1]!);
      v = given ? given[1] : isObject(decl) ? decl.defaultValue : undefined;
    } else if (v.startsWith('[') && !v.startsWith('[[')) return undefined;
  }
  return typeof v === 'string' ? v : undefined;
}

/**
 * Whether a member needs the assignment's identity: its effective effect is deployIfNotExists or modify (only those
 * act with the identity: remediate-resources doc). When the effect cannot be resolved offline, whether it could be.
 */
function remediatesUnder(info: BuiltinInfo, memberParameters: unknown, setParameters: unknown, values: Record<string, unknown>): boolean {
  const e = effectiveEffect(info, memberParameters, setParameters, values);
  return e === undefined ? info.remediates : REMEDIATING_EFFECTS.has(e.toLowerCase());
}

export function ownerOf(props: JsonObject): string | undefined {
  const m = props.metadata;
  return isObject(m) && typeof m[OWNER_KEY] === 'string' ? (m[OWNER_KEY] as string) : undefined;
}

function baseNameOf(obj: LivePolicyDefinition): string {
  const m = obj.properties.metadata;
  return isObject(m) && typeof m[BASE_NAME_KEY] === 'string' ? (m[BASE_NAME_KEY] as string) : obj.name;
}

/** Role assignment description carrying the ownership marker (role assignments have no metadata). */
export function roleAssignmentDescription(owner: string, assignmentName: string): string {
  return `Managed by ztpolicy (owner: ${owner}) for policy assignment ${assignmentName}`;
}

function roleOwnedBy(ra: LiveRoleAssignment, owner: string): boolean {
  return typeof ra.description === 'string' && ra.description.startsWith(`Managed by ztpolicy (owner: ${owner})`);
}

/**
 * The values of an initiative's `assignPermissions` parameters (assigned, else default; trailing slashes dropped)
 * that name a subscription or something in one, except those in a subscription of `inside` (the assignment's own
 * tree, where its roles already apply; undefined when not known). One rule for what the planner grants and what the
 * session reads.
 */
export function assignPermissionValues(
  set: { properties: { parameters?: Record<string, unknown> } },
  values: Record<string, unknown>,
  inside: readonly string[] | undefined,
): Array<{ name: string; value: string }> {
  const insideSubs = new Set((inside ?? []).map((s) => s.toLowerCase()));
  const out: Array<{ name: string; value: string }> = [];
  for (const [name, decl] of Object.entries(set.properties.parameters ?? {})) {
    const d = decl as { metadata?: { assignPermissions?: unknown }; defaultValue?: unknown };
    if (d.metadata?.assignPermissions !== true) continue;
    const value = Object.entries(values).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? d.defaultValue;
    const sub = typeof value === 'string' ? /^\/subscriptions\/([^/]+)(?:\/|$)/i.exec(value)?.[1] : undefined;
    if (typeof value === 'string' && sub !== undefined && !insideSubs.has(sub.toLowerCase())) out.push({ name, value: value.replace(/\/+$/, '') });
  }
  return out;
}

/**
 * The scopes an `assignPermissions` parameter names (Learn, "Azure Policy definition structure", parameter
 * properties: the portal creates role assignments on the resource or scope the value names, for permissions
 * outside the assignment scope), with the roles of the members that use the parameter: a Log Analytics workspace
 * that diagnostic-settings members deploy to gets their roles there, not the roles of unrelated members (least
 * privilege). A value inside the assignment's own tree needs nothing more: `inside` lists the subscriptions under
 * the assignment's group when the plan knows them (the target's), else every such scope is granted.
 */
export function permissionScopes(
  set: { properties: { parameters?: Record<string, unknown>; policyDefinitions: Array<{ policyDefinitionReferenceId: string; parameters?: unknown }> } },
  values: Record<string, unknown>,
  roleMembers: Record<string, string[]>,
  inside: readonly string[] | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { name, value } of assignPermissionValues(set, values, inside)) {
    const use = new RegExp(`parameters\\(\\s*'${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'\\s*\\)`, 'i');
    const users = new Set(set.properties.policyDefinitions.filter((r) => use.test(JSON.stringify(r.parameters ?? {}))).map((r) => r.policyDefinitionReferenceId));
    const roles = Object.keys(roleMembers).filter((role) => roleMembers[role]!.some((m) => users.has(m)));
    if (roles.length > 0) out[value] = [...new Set([...(out[value] ?? []), ...roles])].sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function mgScope(mg: string): string {
  return `/providers/Microsoft.Management/managementGroups/${mg}`;
}

function sameScope(a: string, b: string): boolean {
  const n = (s: string) => `/${s.replace(/^\/+/, '').replace(/\/+$/, '')}`.toLowerCase();
  return n(a) === n(b);
}

/**
 * Key of the cached answer about an assignment's built-in members: each member's reference, id and version (the
 * answer changes when Microsoft publishes a new version, e.g. with another role), the parameters it is passed, the
 * initiative's parameter declarations and the assignment's values (they decide each member's effective effect).
 * Undefined when a version is unknown: then nothing is cached and the built-ins are read.
 */
function builtinDigest(set: PolicySetDefinitionDocument, versionOf: (id: string) => string | undefined, values: Record<string, unknown>): string | undefined {
  const members: JsonValue[] = [];
  for (const r of set.properties.policyDefinitions) {
    if (isCustomRef(r.policyDefinitionId)) continue;
    const version = versionOf(r.policyDefinitionId.toLowerCase());
    if (version === undefined) return undefined;
    members.push([r.policyDefinitionReferenceId, r.policyDefinitionId.toLowerCase(), version, plain(r.parameters ?? {})]);
  }
  const key = canonicalJson({ members, parameters: plain(set.properties.parameters ?? {}), values: plain(values) });
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Latest version of each built-in member, as the live sets report it (listed with `$expand=LatestDefinitionVersion`). */
function liveBuiltinVersions(sets: LivePolicyDefinition[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sets) {
    for (const r of Array.isArray(s.properties.policyDefinitions) ? s.properties.policyDefinitions : []) {
      if (isObject(r) && typeof r.policyDefinitionId === 'string' && typeof r.latestDefinitionVersion === 'string') {
        out.set(r.policyDefinitionId.toLowerCase(), r.latestDefinitionVersion);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks of the config against the content (before any call)

/** The config's assignments checked against generated/: initiative exists, parameters declared and complete. */
export function checkConfigAgainstContent(content: Content, config: PublisherConfig, configFile: string): void {
  const diagnostics: Diagnostic[] = [];
  const sets = new Map(content.setDefinitions.map((s) => [s.name, s]));
  const names = new Map<string, number>();
  config.assignments.forEach((a, i) => {
    const at = `$.assignments[${i}]`;
    const set = sets.get(a.initiative);
    if (!set) {
      diagnostics.push({
        code: PublisherCode.assignmentInitiativeUnknown,
        severity: 'error',
        message: `initiative '${a.initiative}' is not in generated/policySetDefinitions`,
        file: configFile,
        jsonPath: `${at}.initiative`,
        hint: `use one of: ${[...sets.keys()].join(', ') || '(none: run npm run build)'}`,
      });
      return;
    }
    const key = `${(a.managementGroupId ?? config.managementGroupId).toLowerCase()}/${assignmentNameFor(a).toLowerCase()}`;
    if (names.has(key)) {
      diagnostics.push({
        code: PublisherCode.assignmentNameTwice,
        severity: 'error',
        message: `assignment name '${assignmentNameFor(a)}' is used twice at the same management group`,
        file: configFile,
        jsonPath: `${at}.name`,
        hint: 'give one of them a distinct name',
      });
    }
    names.set(key, i);
    const declared = set.properties.parameters ?? {};
    const declaredLower = new Map(Object.keys(declared).map((k) => [k.toLowerCase(), k]));
    for (const p of Object.keys(a.parameters)) {
      if (!declaredLower.has(p.toLowerCase())) {
        diagnostics.push({
          code: PublisherCode.assignmentParameterUndeclared,
          severity: 'error',
          message: `parameter '${p}' is not declared by initiative '${a.initiative}' (Azure would answer UndefinedPolicyParameter)`,
          file: configFile,
          // A value the environment added is reported where it is written.
          jsonPath: config.environmentParameterNames?.includes(p) ? `${config.environmentParametersPath}.${p}` : `${at}.parameters.${p}`,
          hint: `declared parameters: ${Object.keys(declared).join(', ') || '(none)'}`,
        });
      }
    }
    const given = new Set(Object.keys(a.parameters).map((k) => k.toLowerCase()));
    for (const [name, decl] of Object.entries(declared)) {
      if (decl.defaultValue === undefined && !given.has(name.toLowerCase())) {
        diagnostics.push({
          code: PublisherCode.assignmentParameterMissing,
          severity: 'error',
          message: `initiative '${a.initiative}' requires parameter '${name}' (no default; Azure would answer MissingPolicyParameter)`,
          file: configFile,
          jsonPath: `${at}.parameters`,
          hint: `add "${name}": <${decl.type} value>`,
        });
      }
    }
    const refs = new Set(set.properties.policyDefinitions.map((r) => r.policyDefinitionReferenceId));
    a.nonComplianceMessages.forEach((m, j) => {
      if (m.policyDefinitionReferenceId !== undefined && !refs.has(m.policyDefinitionReferenceId)) {
        diagnostics.push({
          code: PublisherCode.assignmentReferenceUnknown,
          severity: 'error',
          message: `policyDefinitionReferenceId '${m.policyDefinitionReferenceId}' is not a member of initiative '${a.initiative}'`,
          file: configFile,
          jsonPath: `${at}.nonComplianceMessages[${j}].policyDefinitionReferenceId`,
          hint: `use one of the initiative's reference ids`,
        });
      }
    });
  });
  const known = config.environmentNames ?? [];
  const assigned = config.assignments.map((a) => ({ initiative: a.initiative, name: assignmentNameFor(a) }));
  for (const e of content.exemptions ?? []) {
    const where = `generated/policyExemptions/${e.name}.json`;
    for (const env of e.environments ?? []) {
      if (!known.includes(env)) {
        diagnostics.push({
          code: PublisherCode.exemptionEnvironmentUnknown,
          severity: 'error',
          message: `exemption '${e.name}' names environment '${env}', which ${configFile} does not define`,
          file: where,
          jsonPath: '$.environments',
          hint: known.length ? `use one of: ${known.join(', ')}` : 'add `environments` to the config, or drop the environments list from the exemption',
        });
      }
    }
    if (!exemptionsFor([e], config.environment).length) continue;
    const azureName = exemptionAzureName(e, config.environment, known);
    if (azureName.length > DEFINITION_NAME_MAX) {
      diagnostics.push({
        code: PublisherCode.exemptionNameTooLong,
        severity: 'error',
        message: `exemption '${e.name}' is published to several environments, so in environment '${config.environment}' it is named '${azureName}' (${azureName.length} characters); Azure allows ${DEFINITION_NAME_MAX}`,
        file: where,
        jsonPath: '$.name',
        hint: `shorten its name to at most ${DEFINITION_NAME_MAX - 1 - Math.max(...known.map((k) => k.length))} characters, or list the one environment it is for`,
      });
    }
    const targets = assignmentOf(e, assigned);
    if (targets.length !== 1) {
      diagnostics.push({
        code: PublisherCode.exemptionAssignmentUnknown,
        severity: 'error',
        message:
          targets.length === 0
            ? `exemption '${e.name}' exempts the assignment of initiative '${e.initiative}'${e.assignment ? ` named '${e.assignment}'` : ''}, but ${configFile} does not assign it${config.environment ? ` in environment '${config.environment}'` : ''}`
            : `exemption '${e.name}': initiative '${e.initiative}' is assigned ${targets.length} times; say which assignment (assignment: '<name>')`,
        file: where,
        jsonPath: targets.length === 0 ? '$.initiative' : '$.assignment',
        hint: targets.length === 0 ? 'assign the initiative in the config, or delete the exemption' : `one of: ${targets.map((t) => t.name).join(', ')}`,
      });
    }
  }
  if (diagnostics.length > 0) {
    throw new DiagnosticsError(`${configFile}: ${diagnostics.length} problem(s) with the assignments; nothing was sent to Azure`, diagnostics);
  }
}

export function assignmentNameFor(a: AssignmentConfig): string {
  // The one place assignment names are derived (src/compiler/naming.ts), so build, docs and publish agree.
  return a.name ?? assignmentName(a.initiative);
}

// ---------------------------------------------------------------------------------------------------------------
// Which built-ins must be read

interface SetMembers {
  custom: string[];
  builtin: string[];
}

function isCustomRef(policyDefinitionId: string): boolean {
  return policyDefinitionId.includes('/managementGroups/');
}

function membersOf(set: PolicySetDefinitionDocument): SetMembers {
  const custom: string[] = [];
  const builtin: string[] = [];
  for (const r of set.properties.policyDefinitions) {
    if (isCustomRef(r.policyDefinitionId)) custom.push(definitionNameFromId(r.policyDefinitionId));
    else builtin.push(r.policyDefinitionId);
  }
  return { custom, builtin };
}

/** What the built-in members of one assignment need: the remediating members and, per role, the members declaring it. */
interface BuiltinAnswer {
  remediating: string[];
  roles: Record<string, string[]>;
}

function cachedBuiltins(live: LivePolicyAssignment | undefined, digest: string): BuiltinAnswer | undefined {
  const m = live?.properties.metadata;
  const c = isObject(m) ? m[BUILTINS_KEY] : undefined;
  if (!isObject(c) || c.digest !== digest || !Array.isArray(c.remediating) || !isObject(c.roles)) return undefined;
  const roles: Record<string, string[]> = {};
  for (const [role, members] of Object.entries(c.roles)) {
    if (!Array.isArray(members)) return undefined;
    roles[role] = members.map(String);
  }
  return { remediating: c.remediating.map(String), roles };
}

function findLiveAssignment(assignments: LivePolicyAssignment[], mg: string, name: string): LivePolicyAssignment | undefined {
  return assignments.find((a) => a.name.toLowerCase() === name.toLowerCase() && a.managementGroupId.toLowerCase() === mg.toLowerCase());
}

/**
 * Ids of built-in member definitions the plan must read (GET each): those of assignments whose cached answer in
 * metadata is missing or stale, and every remediating candidate when remediation tasks are requested.
 */
export function builtinsToRead(
  content: Content,
  config: PublisherConfig,
  live: Pick<LiveState, 'assignments' | 'setDefinitions'>,
  remediate = false,
): string[] {
  const sets = new Map(content.setDefinitions.map((s) => [s.name, s]));
  const versions = liveBuiltinVersions(live.setDefinitions);
  const out = new Set<string>();
  for (const a of config.assignments) {
    const set = sets.get(a.initiative);
    if (!set) continue;
    const { builtin } = membersOf(set);
    if (builtin.length === 0) continue;
    const existing = findLiveAssignment(live.assignments, a.managementGroupId ?? config.managementGroupId, assignmentNameFor(a));
    const digest = builtinDigest(set, (id) => versions.get(id), a.parameters);
    if (remediate || digest === undefined || !cachedBuiltins(existing, digest)) for (const b of builtin) out.add(b);
  }
  return [...out].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

interface Resolved {
  /** generated name -> name used at the MG (differs after a versioned publish). */
  names: Map<string, string>;
  items: DefinitionItem[];
  /** Live objects of ours that stay (chosen), by lower-case name. */
  kept: Set<string>;
}

function withMarker(props: JsonObject, owner: string, baseName: string | undefined): JsonObject {
  const metadata: JsonObject = { ...(isObject(props.metadata) ? props.metadata : {}), [OWNER_KEY]: owner };
  if (baseName !== undefined) metadata[BASE_NAME_KEY] = baseName;
  else delete metadata[BASE_NAME_KEY];
  return { ...(plain(props) as JsonObject), metadata };
}

/**
 * Matches each desired definition (or set) with what is at the management group: no-op when equal after
 * normalization, update in place when Azure accepts the parameter change, otherwise a new versioned name whose
 * references are re-pointed (the old version is pruned once nothing points at it).
 */
function resolve(
  kind: 'policyDefinition' | 'policySetDefinition',
  desired: { name: string; properties: JsonObject }[],
  live: LivePolicyDefinition[],
  mg: string,
  owner: string,
  warnings: PlanWarning[],
  blockers: PlanWarning[],
  adopt: boolean,
): Resolved {
  const normalize = kind === 'policyDefinition' ? normalizeDefinition : normalizeSetDefinition;
  const idOf = kind === 'policyDefinition' ? customDefinitionId : customSetDefinitionId;
  const armCode = kind === 'policyDefinition' ? 'InvalidPolicyParameterUpdate' : 'InvalidPolicySetParameterUpdate';
  const names = new Map<string, string>();
  const items: DefinitionItem[] = [];
  const kept = new Set<string>();
  for (const d of desired) {
    const candidates = live
      .filter((l) => {
        if (l.name.toLowerCase() === d.name.toLowerCase()) return true;
        return ownerOf(l.properties) === owner && baseNameOf(l).toLowerCase() === d.name.toLowerCase() && versionOf(l.name, d.name) !== undefined;
      })
      .sort((a, b) => (versionOf(b.name, d.name) ?? 0) - (versionOf(a.name, d.name) ?? 0));
    const foreign = candidates.find((c) => {
      const o = ownerOf(c.properties);
      return o !== undefined && o !== owner;
    });
    if (foreign) {
      blockers.push({
        code: PublisherCode.foreignOwner,
        message: `${kind} '${foreign.name}' at management group '${mg}' belongs to owner '${ownerOf(foreign.properties)}', not '${owner}'; ztpolicy will not overwrite it`,
        object: foreign.id,
      });
      names.set(d.name, foreign.name);
      kept.add(foreign.name.toLowerCase());
      continue;
    }
    // Only the exact-name candidate can lack a marker (versioned names are matched by our marker).
    const unmarked = candidates.find((c) => ownerOf(c.properties) === undefined);
    if (unmarked && !adopt) {
      blockers.push(unmarkedBlocker(kind === 'policyDefinition' ? 'policy definition' : 'policy set definition', unmarked.name, mg, idOf(unmarked.name, mg)));
      names.set(d.name, unmarked.name);
      kept.add(unmarked.name.toLowerCase());
      continue;
    }
    const desiredFor = (name: string) => withMarker(d.properties, owner, name.toLowerCase() === d.name.toLowerCase() ? undefined : d.name);
    const same = candidates.find((c) => jsonEqual(normalize(c.properties, desiredFor(c.name)), normalize(desiredFor(c.name))));
    if (same) {
      names.set(d.name, same.name);
      kept.add(same.name.toLowerCase());
      items.push({ kind, action: 'no-op', name: same.name, id: idOf(same.name, mg), managementGroupId: mg, changes: [] });
      continue;
    }
    const compatible = candidates.find((c) => incompatibleParameterChanges(c.properties.parameters, d.properties.parameters).length === 0);
    if (compatible) {
      const props = desiredFor(compatible.name);
      names.set(d.name, compatible.name);
      kept.add(compatible.name.toLowerCase());
      const item: DefinitionItem = {
        kind,
        action: 'update',
        name: compatible.name,
        id: idOf(compatible.name, mg),
        managementGroupId: mg,
        properties: props,
        changes: diffFields(normalize(compatible.properties, props), normalize(props)),
      };
      if (ownerOf(compatible.properties) === undefined) {
        item.reason = 'adopted: it had no ownership marker';
        warnings.push({
          code: PublisherCode.adopted,
          message: `${kind} '${compatible.name}' exists without a ztpolicy ownership marker; --adopt: publish takes it over (adds ${OWNER_KEY}: ${owner})`,
          object: item.id,
        });
      }
      items.push(item);
      continue;
    }
    let name = d.name;
    let reason: string | undefined;
    if (candidates.length > 0) {
      const top = candidates[0]!;
      const problems = incompatibleParameterChanges(top.properties.parameters, d.properties.parameters);
      name = versionedName(d.name, (versionOf(top.name, d.name) ?? 1) + 1);
      reason = `parameters changed in a way Azure rejects in place (${armCode}: ${problems.join('; ')}); published as '${name}' with references re-pointed, '${top.name}' pruned once unreferenced`;
      warnings.push({ code: PublisherCode.versionedForParameters, message: `${kind} '${d.name}': ${reason}`, object: idOf(top.name, mg) });
    }
    const props = desiredFor(name);
    names.set(d.name, name);
    kept.add(name.toLowerCase());
    const item: DefinitionItem = {
      kind,
      action: 'create',
      name,
      id: idOf(name, mg),
      managementGroupId: mg,
      properties: props,
      changes: diffFields(undefined, normalize(props)),
    };
    if (reason) item.reason = reason;
    items.push(item);
  }
  return { names, items, kept };
}

function substituteSet(set: PolicySetDefinitionDocument, mg: string, defNames: Map<string, string>): JsonObject {
  const props = plain(set.properties) as JsonObject;
  const refs = (set.properties.policyDefinitions ?? []).map((r) => {
    const ref = plain(r) as JsonObject;
    if (r.policyDefinitionId.includes(MANAGEMENT_GROUP_PLACEHOLDER) || r.policyDefinitionId.includes('/managementGroups/')) {
      const base = definitionNameFromId(r.policyDefinitionId);
      ref.policyDefinitionId = customDefinitionId(defNames.get(base) ?? base, mg);
    }
    return ref;
  });
  props.policyDefinitions = refs;
  return props;
}

function pricingKey(sub: string, name: string): string {
  return `${sub.toLowerCase()}/${name.toLowerCase()}`;
}

/** Whether the live state of one plan on one subscription differs from the config (a write would be planned). */
export function pricingDiffers(cfg: DefenderPlanConfig, live: LivePricing | undefined): boolean {
  const { view, current } = desiredPricing(cfg, live);
  return diffFields(current, view).length > 0;
}

/** Desired pricing state over the live one: the comparable view and the PUT properties. */
function desiredPricing(cfg: DefenderPlanConfig, live: LivePricing | undefined): { view: JsonObject; current: JsonObject; body: JsonObject } {
  const view: JsonObject = { pricingTier: cfg.tier };
  const current: JsonObject = { pricingTier: live?.pricingTier ?? 'Free' };
  const body: JsonObject = { pricingTier: cfg.tier };
  if (cfg.tier === 'Free') return { view, current, body };
  if (cfg.subPlan !== undefined) {
    view.subPlan = cfg.subPlan;
    current.subPlan = live?.subPlan ?? null;
    body.subPlan = cfg.subPlan;
  } else if (live?.subPlan !== undefined) body.subPlan = live.subPlan;
  if (cfg.enforce !== undefined) {
    view.enforce = cfg.enforce ? 'True' : 'False';
    current.enforce = live?.enforce ?? 'False';
    body.enforce = view.enforce;
  }
  const ext = cfg.extensions as Record<string, boolean | { enabled: boolean; properties?: Record<string, string | number | boolean> }> | undefined;
  if (ext && Object.keys(ext).length > 0) {
    const liveExt = new Map((live?.extensions ?? []).map((e) => [e.name.toLowerCase(), e]));
    const merged = new Map<string, PricingExtension>();
    for (const e of live?.extensions ?? []) {
      const copy: PricingExtension = { name: e.name, isEnabled: e.isEnabled };
      if (e.additionalExtensionProperties) copy.additionalExtensionProperties = e.additionalExtensionProperties;
      merged.set(e.name.toLowerCase(), copy);
    }
    const viewExt: JsonObject = {};
    const currentExt: JsonObject = {};
    for (const [name, setting] of Object.entries(ext).sort(([a], [b]) => a.localeCompare(b))) {
      const enabled = typeof setting === 'boolean' ? setting : setting.enabled;
      const props = typeof setting === 'boolean' ? undefined : setting.properties;
      const l = liveExt.get(name.toLowerCase());
      const v: JsonObject = { isEnabled: enabled ? 'True' : 'False' };
      const c: JsonObject = { isEnabled: l?.isEnabled ?? null };
      if (props) {
        // ARM echoes additionalExtensionProperties as it stores them (numbers may come back as strings): compare text.
        v.additionalExtensionProperties = Object.fromEntries(Object.entries(props).map(([k, x]) => [k, String(x)]));
        c.additionalExtensionProperties = Object.fromEntries(
          Object.keys(props).map((k) => [k, l?.additionalExtensionProperties?.[k] === undefined ? null : String(l.additionalExtensionProperties[k])]),
        );
      }
      viewExt[name] = v;
      currentExt[name] = c;
      const entry: PricingExtension = { name, isEnabled: enabled ? 'True' : 'False' };
      const addl = { ...(l?.additionalExtensionProperties ?? {}), ...(props ?? {}) };
      if (Object.keys(addl).length > 0) entry.additionalExtensionProperties = addl;
      merged.set(name.toLowerCase(), entry);
    }
    view.extensions = viewExt;
    current.extensions = currentExt;
    body.extensions = [...merged.values()] as unknown as JsonValue;
  }
  return { view, current, body };
}

export interface PlanInput {
  content: Content;
  config: PublisherConfig;
  live: LiveState;
  options: PlanOptions;
}

export function planPublish({ content, config, live, options }: PlanInput): Plan {
  const mg = config.managementGroupId;
  const owner = config.owner;
  const warnings: PlanWarning[] = [];
  const blockers: PlanWarning[] = [];
  const items: PlanItem[] = [];

  // 1. Definitions, then sets with custom member references pointing at the resolved (maybe versioned) names.
  const desiredDefs = content.definitions.map((d: PolicyDefinitionDocument) => ({ name: d.name, properties: d.properties as unknown as JsonObject }));
  const adopt = options.adopt === true;
  const defs = resolve('policyDefinition', desiredDefs, live.definitions, mg, owner, warnings, blockers, adopt);
  const desiredSets = content.setDefinitions.map((s) => ({ name: s.name, properties: substituteSet(s, mg, defs.names) }));
  const sets = resolve('policySetDefinition', desiredSets, live.setDefinitions, mg, owner, warnings, blockers, adopt);
  items.push(...defs.items, ...sets.items);

  // 2. Assignments.
  const customByName = new Map(content.definitions.map((d) => [d.name, d]));
  const manifestRoles = new Map(content.manifest.definitions.map((d) => [d.name, d.roleDefinitionIds.map(roleGuid)]));
  const setByName = new Map(content.setDefinitions.map((s) => [s.name, s]));
  const liveVersions = liveBuiltinVersions(live.setDefinitions);
  const assignmentItems: AssignmentItem[] = [];
  for (const a of config.assignments) {
    const set = setByName.get(a.initiative);
    if (!set) continue; // checkConfigAgainstContent reports this before any call
    const scopeMg = a.managementGroupId ?? mg;
    const name = assignmentNameFor(a);
    const existing = findLiveAssignment(live.assignments, scopeMg, name);
    // What the built-in members need: read this plan, or the answer cached in the assignment for these versions.
    const builtinRefs = set.properties.policyDefinitions.filter((r) => !isCustomRef(r.policyDefinitionId));
    let builtinAnswer: BuiltinAnswer | undefined;
    let builtinMeta: JsonObject | undefined;
    if (builtinRefs.length > 0) {
      const read = builtinRefs.map((r) => live.builtins[r.policyDefinitionId.toLowerCase()]);
      let digest: string | undefined;
      if (read.every((x) => x !== undefined)) {
        builtinAnswer = { remediating: [], roles: {} };
        builtinRefs.forEach((r, i) => {
          if (!remediatesUnder(read[i]!, r.parameters, set.properties.parameters, a.parameters)) return;
          builtinAnswer!.remediating.push(r.policyDefinitionReferenceId);
          for (const role of read[i]!.roleDefinitionIds) (builtinAnswer!.roles[role] ??= []).push(r.policyDefinitionReferenceId);
        });
        digest = builtinDigest(set, (id) => live.builtins[id]?.version, a.parameters);
      } else {
        digest = builtinDigest(set, (id) => liveVersions.get(id), a.parameters);
        builtinAnswer = digest === undefined ? undefined : cachedBuiltins(existing, digest);
        if (!builtinAnswer) throw new Error(`planner: built-in members of '${a.initiative}' were neither read nor cached (builtinsToRead was not honoured)`);
      }
      if (digest !== undefined) {
        const roles = Object.fromEntries(Object.keys(builtinAnswer.roles).sort().map((k) => [k, builtinAnswer!.roles[k]!]));
        builtinMeta = { digest, remediating: builtinAnswer.remediating, roles };
      }
    }
    // Per member, in initiative order: only a member whose effective effect deploys or modifies needs the identity,
    // and only its roles are granted (issue 11.1).
    const remediatingMembers: string[] = [];
    const roleMembers: Record<string, string[]> = {};
    for (const r of set.properties.policyDefinitions) {
      const ref = r.policyDefinitionReferenceId;
      let roles: string[];
      if (isCustomRef(r.policyDefinitionId)) {
        const c = definitionNameFromId(r.policyDefinitionId);
        const doc = customByName.get(c);
        if (!doc) continue;
        const info = analyzeDefinition(c, doc.properties as unknown as JsonObject);
        if (!remediatesUnder(info, r.parameters, set.properties.parameters, a.parameters)) continue;
        roles = manifestRoles.get(c) ?? info.roleDefinitionIds;
      } else {
        if (!builtinAnswer!.remediating.includes(ref)) continue;
        roles = Object.keys(builtinAnswer!.roles).filter((role) => builtinAnswer!.roles[role]!.includes(ref));
      }
      remediatingMembers.push(ref);
      for (const role of roles) (roleMembers[role] ??= []).push(ref);
    }
    const needsIdentity = remediatingMembers.length > 0;
    const roleScopes = needsIdentity ? permissionScopes(set, a.parameters, roleMembers, scopeMg === mg ? live.managementGroup.subscriptions : undefined) : {};
    const metadata: JsonObject = { [OWNER_KEY]: owner };
    if (Object.keys(roleScopes).length > 0) metadata[ROLE_SCOPES_KEY] = Object.keys(roleScopes);
    // How many exemptions this repo keeps on the assignment: a later plan lists exemptions only when some
    // assignment says it has them (or the sources have some), so a repo without exemptions pays no extra read.
    const exempted = exemptionsFor(content.exemptions ?? [], config.environment).filter((e) => assignmentOf(e, [{ initiative: a.initiative, name }]).length > 0).length;
    if (exempted > 0) metadata[EXEMPTIONS_KEY] = exempted;
    if (builtinMeta) metadata[BUILTINS_KEY] = builtinMeta;
    const properties: JsonObject = {
      displayName: a.displayName ?? set.properties.displayName,
      policyDefinitionId: customSetDefinitionId(sets.names.get(set.name) ?? set.name, mg),
      enforcementMode: a.enforcementMode,
      metadata,
    };
    const description = a.description ?? set.properties.description;
    if (description) properties.description = description;
    if (Object.keys(a.parameters).length > 0) {
      properties.parameters = Object.fromEntries(Object.entries(a.parameters).map(([k, v]) => [k, { value: v as JsonValue }]));
    }
    if (a.notScopes.length > 0) properties.notScopes = a.notScopes;
    if (a.nonComplianceMessages.length > 0) properties.nonComplianceMessages = plain(a.nonComplianceMessages);
    let location: string | undefined;
    if (needsIdentity) {
      location = options.identityLocation;
      if (existing?.identity?.type === 'SystemAssigned' && existing.location && existing.location.toLowerCase() !== location.toLowerCase()) {
        warnings.push({
          code: PublisherCode.identityLocationKept,
          message: `assignment '${name}' keeps its identity in '${existing.location}': Azure cannot move it to '${location}' in place (InvalidLocationUpdate), and recreating it would replace its identity and roles`,
          object: existing.id,
        });
        location = existing.location;
      }
    }
    const body: AssignmentItem['body'] = { identity: { type: needsIdentity ? 'SystemAssigned' : 'None' }, properties };
    if (location !== undefined) body.location = location;
    const desiredShape = normalizeAssignment({ identityType: body.identity.type, properties, ...(location !== undefined ? { location } : {}) });
    const id = `${mgScope(scopeMg)}/providers/Microsoft.Authorization/policyAssignments/${name}`;
    const item: AssignmentItem = {
      kind: 'policyAssignment',
      action: 'create',
      name,
      id,
      managementGroupId: scopeMg,
      initiative: a.initiative,
      body,
      roleDefinitionIds: needsIdentity ? Object.keys(roleMembers).sort() : [],
      roleMembers: needsIdentity ? roleMembers : {},
      ...(Object.keys(roleScopes).length > 0 ? { roleScopes } : {}),
      remediatingMembers,
      changes: [],
    };
    if (existing) {
      const foreign = ownerOf(existing.properties);
      if (foreign !== undefined && foreign !== owner) {
        blockers.push({
          code: PublisherCode.foreignOwner,
          message: `policy assignment '${name}' at management group '${scopeMg}' belongs to owner '${foreign}', not '${owner}'; ztpolicy will not overwrite it`,
          object: existing.id,
        });
        continue;
      }
      if (foreign === undefined && !adopt) {
        blockers.push(unmarkedBlocker('policy assignment', name, scopeMg, id));
        continue;
      }
      const liveShape = normalizeAssignment({
        identityType: existing.identity?.type ?? 'None',
        properties: existing.properties,
        ...(existing.location !== undefined ? { location: existing.location } : {}),
      });
      item.changes = diffFields(liveShape, desiredShape);
      item.action = item.changes.length === 0 ? 'no-op' : 'update';
      if (existing.identity?.type === 'SystemAssigned' && needsIdentity && existing.identity.principalId) item.principalId = existing.identity.principalId;
      if (foreign === undefined) {
        item.reason = 'adopted: it had no ownership marker';
        warnings.push({ code: PublisherCode.adopted, message: `policy assignment '${name}' exists without a ztpolicy ownership marker; --adopt: publish takes it over (adds ${OWNER_KEY}: ${owner})`, object: id });
      }
    } else {
      item.changes = diffFields(undefined, desiredShape);
    }
    if (item.action === 'no-op') delete item.body;
    assignmentItems.push(item);
  }
  items.push(...assignmentItems);

  // Prune: assignments of ours anywhere at or below the target (the live state holds the whole subtree) that the
  // config no longer asks for, wherever they were assigned (issue 11.2).
  const desiredAssignmentIds = new Set(assignmentItems.map((i) => i.id.toLowerCase()));
  const prunedAssignments: LivePolicyAssignment[] = [];
  for (const la of live.assignments) {
    const id = `${assignmentScope(la)}/providers/Microsoft.Authorization/policyAssignments/${la.name}`;
    if (desiredAssignmentIds.has(id.toLowerCase()) || ownerOf(la.properties) !== owner) continue;
    prunedAssignments.push(la);
    items.push({
      kind: 'policyAssignment',
      action: 'delete',
      name: la.name,
      id,
      managementGroupId: la.managementGroupId,
      ...(la.subscriptionId ? { subscriptionId: la.subscriptionId } : {}),
      roleDefinitionIds: [],
      roleMembers: {},
      remediatingMembers: [],
      changes: [],
      reason: `owned by this repo and no longer in the config${la.subscriptionId ? ` (at subscription ${la.subscriptionId})` : ''}`,
    });
  }

  // 2b. Exemptions on the assignments of this environment.
  const ex = planExemptions({
    exemptions: content.exemptions ?? [],
    environment: config.environment,
    environmentNames: config.environmentNames ?? [],
    owner,
    ownerKey: OWNER_KEY,
    assignments: assignmentItems,
    deletedAssignmentIds: new Set(prunedAssignments.map((a) => `${mgScope(a.managementGroupId)}/providers/Microsoft.Authorization/policyAssignments/${a.name}`.toLowerCase())),
    live,
    adopt,
    now: options.now ?? new Date(),
  });
  items.push(...ex.items);
  warnings.push(...ex.warnings);
  blockers.push(...ex.blockers);

  // 3. Role assignments: one per distinct role each identity needs, at the assignment scope, and at the scopes an
  // assignPermissions parameter names for the roles of the members using it; never more.
  const wanted = new Set<string>();
  for (const ai of assignmentItems) {
    const grants: Array<[string, string]> = [
      ...ai.roleDefinitionIds.map((role): [string, string] => [mgScope(ai.managementGroupId), role]),
      ...Object.entries(ai.roleScopes ?? {}).flatMap(([at, roles]) => roles.map((role): [string, string] => [at, role])),
    ];
    for (const [scope, role] of grants) {
      const outside = !sameScope(scope, mgScope(ai.managementGroupId));
      const members = ai.roleMembers[role] ?? [];
      const principal = ai.principalId;
      const existing = principal
        ? live.roleAssignments.find(
            (r) => sameScope(r.scope, scope) && r.principalId.toLowerCase() === principal.toLowerCase() && roleGuid(r.roleDefinitionId) === role,
          )
        : undefined;
      if (existing) {
        wanted.add(existing.id.toLowerCase());
        items.push({ kind: 'roleAssignment', action: 'no-op', name: existing.name, id: existing.id, scope, assignmentName: ai.name, roleDefinitionId: roleDefinitionId(role), members, principalId: existing.principalId, changes: [] });
        continue;
      }
      const item: RoleAssignmentItem = {
        kind: 'roleAssignment',
        action: 'create',
        name: principal ? roleAssignmentName(scope, principal, role) : '(named when the identity exists)',
        id: '',
        scope,
        assignmentName: ai.name,
        roleDefinitionId: roleDefinitionId(role),
        members,
        ...(outside ? { assignmentManagementGroupId: ai.managementGroupId } : {}),
        changes: [
          { path: '$.roleDefinitionId', after: roleDefinitionId(role) },
          { path: '$.principalId', after: principal ?? `(identity of policy assignment ${ai.name})` },
          { path: '$.principalType', after: 'ServicePrincipal' },
        ],
      };
      if (principal) item.principalId = principal;
      item.id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${item.name}`;
      items.push(item);
    }
  }
  for (const ra of live.roleAssignments) {
    // Any of ours in the subtree that no desired identity needs (the live state holds only the subtree's).
    if (wanted.has(ra.id.toLowerCase()) || !roleOwnedBy(ra, owner)) continue;
    const forAssignment = /for policy assignment (\S+)$/.exec(ra.description ?? '')?.[1] ?? '?';
    items.push({
      kind: 'roleAssignment',
      action: 'delete',
      name: ra.name,
      id: ra.id,
      scope: ra.scope,
      assignmentName: forAssignment,
      roleDefinitionId: ra.roleDefinitionId,
      members: [],
      principalId: ra.principalId,
      changes: [],
      reason: 'its identity or role is no longer needed (assignment removed, identity replaced or member dropped)',
    });
  }

  // Prune sets and definitions of ours that nothing desired keeps, unless something that stays still references them.
  const deletedSets = live.setDefinitions.filter((s) => !sets.kept.has(s.name.toLowerCase()) && ownerOf(s.properties) === owner);
  const deletedSetIds = new Set(deletedSets.map((s) => s.id.toLowerCase()));
  const prunedAssignmentIds = new Set(
    prunedAssignments.map((a) => `${assignmentScope(a)}/providers/Microsoft.Authorization/policyAssignments/${a.name}`.toLowerCase()),
  );
  for (const s of deletedSets) {
    const id = customSetDefinitionId(s.name, mg);
    // Our desired assignments are re-pointed to desired sets before deletes run; anything else still pointing here blocks.
    const referencedBy = live.assignments.find((a) => {
      const aId = `${assignmentScope(a)}/providers/Microsoft.Authorization/policyAssignments/${a.name}`.toLowerCase();
      return !prunedAssignmentIds.has(aId) && !desiredAssignmentIds.has(aId) && String(a.properties.policyDefinitionId ?? '').toLowerCase() === id.toLowerCase();
    });
    if (referencedBy) {
      warnings.push({
        code: PublisherCode.deleteSkippedReferenced,
        message: `policy set definition '${s.name}' is no longer published but assignment '${referencedBy.name}' still references it; delete skipped (Azure would answer InvalidDeletePolicySetDefinitionRequest)`,
        object: id,
      });
      continue;
    }
    items.push({ kind: 'policySetDefinition', action: 'delete', name: s.name, id, managementGroupId: mg, changes: [], reason: 'owned by this repo and no longer generated (or replaced by a new version)' });
  }
  // The set references that remain after this publish: desired sets plus live sets we keep untouched.
  const remainingRefs = new Map<string, string>();
  for (const ds of sets.items) {
    const props = ds.properties ?? live.setDefinitions.find((l) => l.name.toLowerCase() === ds.name.toLowerCase())?.properties;
    for (const r of Array.isArray(props?.policyDefinitions) ? props.policyDefinitions : []) {
      if (isObject(r) && typeof r.policyDefinitionId === 'string') remainingRefs.set(r.policyDefinitionId.toLowerCase(), ds.name);
    }
  }
  for (const l of live.setDefinitions) {
    if (sets.kept.has(l.name.toLowerCase()) || deletedSetIds.has(l.id.toLowerCase())) continue;
    if (deletedSets.some((d) => d.name === l.name)) continue;
    for (const r of Array.isArray(l.properties.policyDefinitions) ? l.properties.policyDefinitions : []) {
      if (isObject(r) && typeof r.policyDefinitionId === 'string') remainingRefs.set(r.policyDefinitionId.toLowerCase(), l.name);
    }
  }
  for (const d of live.definitions) {
    if (defs.kept.has(d.name.toLowerCase()) || ownerOf(d.properties) !== owner) continue;
    const id = customDefinitionId(d.name, mg);
    const ref = remainingRefs.get(id.toLowerCase());
    const skippedSetStillReferences = ref !== undefined && !deletedSets.some((s) => s.name === ref);
    if (skippedSetStillReferences) {
      warnings.push({
        code: PublisherCode.deleteSkippedReferenced,
        message: `policy definition '${d.name}' is no longer published but set '${ref}' still references it; delete skipped (Azure would answer InvalidDeletePolicyDefinitionRequest)`,
        object: id,
      });
      continue;
    }
    items.push({ kind: 'policyDefinition', action: 'delete', name: d.name, id, managementGroupId: mg, changes: [], reason: 'owned by this repo and no longer generated (or replaced by a new version)' });
  }

  // 4. Defender plans on every subscription under the management group.
  const plans = Object.entries(config.defender.plans).filter(([, v]) => v !== undefined) as [DefenderPlanName, DefenderPlanConfig][];
  plans.sort(([a], [b]) => DEFENDER_PLAN_NAMES.indexOf(a) - DEFENDER_PLAN_NAMES.indexOf(b));
  // One source of truth (defender-plans.ts): a configured plan that contradicts what the Defender initiative's
  // members demand would be rewritten by their remediation and back by the next publish.
  for (const [name, cfg] of plans) {
    const contradictions = planContradictions(name, cfg);
    if (contradictions.length > 0) {
      warnings.push({
        code: PublisherCode.defenderPlanContradictsPolicy,
        message: `Defender plan ${name} in the config contradicts the Zero Trust setting the Defender initiative enforces (${contradictions.join('; ')}): its deployIfNotExists member will find the subscriptions non-compliant and remediation will undo this write`,
        object: `defender.plans.${name}`,
      });
    }
  }
  if (plans.length > 0) {
    const liveP = new Map(live.pricings.map((p) => [pricingKey(p.subscriptionId, p.name), p]));
    for (const sub of [...live.managementGroup.subscriptions].sort()) {
      for (const [name, cfg] of plans) {
        const l = liveP.get(pricingKey(sub, name));
        const { view, current, body } = desiredPricing(cfg, l);
        const changes = diffFields(current, view);
        const id = `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${name}`;
        const item: PricingItem = { kind: 'pricing', action: changes.length === 0 ? 'no-op' : 'update', name, id, subscriptionId: sub, changes };
        if (changes.length > 0) item.properties = body;
        items.push(item);
      }
    }
  }

  // 5. Remediation tasks (on request) for every member that deploys or modifies under its assignment.
  if (options.remediate) {
    for (const ai of assignmentItems) {
      for (const ref of ai.remediatingMembers) {
        const name = remediationName(ai.name, ref, options.runId ?? 'run');
        items.push({
          kind: 'remediation',
          action: 'create',
          name,
          id: `${mgScope(ai.managementGroupId)}/providers/Microsoft.PolicyInsights/remediations/${name}`,
          managementGroupId: ai.managementGroupId,
          assignmentName: ai.name,
          policyDefinitionReferenceId: ref,
          changes: [{ path: '$.policyDefinitionReferenceId', after: ref }],
        });
      }
    }
  }

  const summary: Record<Action, number> = { create: 0, update: 0, delete: 0, 'no-op': 0 };
  for (const i of items) summary[i.action] += 1;
  const target: Plan['target'] = { tenantId: config.tenantId, managementGroupId: mg, owner, ...(config.environment !== undefined ? { environment: config.environment } : {}) };
  if (live.managementGroup.requestedAs !== undefined) {
    target.requestedAs = live.managementGroup.requestedAs;
    target.tenantRoot = live.managementGroup.tenantRoot === true;
    if (!target.tenantRoot) {
      warnings.push({
        code: PublisherCode.rootIsLiteralGroup,
        message: `'${target.requestedAs}' names a management group literally called '${mg}' in this tenant, so that group is the target, not the Tenant Root Group '${config.tenantId}'; to target the Tenant Root Group, use its id: --mg ${config.tenantId} and "managementGroupId": "${config.tenantId}"`,
        object: `/providers/Microsoft.Management/managementGroups/${mg}`,
      });
    }
  }
  return {
    schemaVersion: 1,
    target,
    items,
    warnings,
    blockers,
    summary,
    hasChanges: summary.create + summary.update + summary.delete > 0,
    hasDeletes: summary.delete > 0,
    ...(live.pricingSource && live.pricingSource.method !== 'none' ? { pricingSource: live.pricingSource } : {}),
  };
}
