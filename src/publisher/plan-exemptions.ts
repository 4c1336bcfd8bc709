/**
 * The exemption part of the pure planner: generated/policyExemptions/ documents of the target environment, the
 * assignments the plan publishes, and the exemptions already in Azure -> create / update / delete / no-op items,
 * with the same ownership rules as every other object (metadata.ztpolicyOwner; another owner's or an unmarked
 * same-named exemption blocks; only our own are pruned).
 */
import type { JsonObject } from '../compiler/canonical-json.js';
import { exemptionScopeKind, normalizeExpiry } from '../compiler/compile-exemption.js';
import type { PolicyExemptionDocument } from '../model.js';
import { diffFields, plain, stripServerMetadata, type FieldChange } from './normalize.js';
import type { LiveState } from './types.js';
import { PublisherCode } from './codes.js';

/** The planner's item for one exemption (kept here so the planner only adds it to its union). */
export interface ExemptionItem {
  kind: 'policyExemption';
  action: 'create' | 'update' | 'delete' | 'no-op';
  name: string;
  id: string;
  /** ARM scope with the leading slash. */
  scope: string;
  changes: FieldChange[];
  reason?: string;
  /** PUT properties (create/update). */
  properties?: JsonObject;
  /** The expiry, when it is in the past at planning time. */
  expired?: string;
}

export interface ExemptionWarning {
  code: string;
  message: string;
  object?: string;
  hint?: string;
}

export interface ExemptionPlanInput {
  exemptions: readonly PolicyExemptionDocument[];
  /** Environment name of the target, undefined for a single-environment config. */
  environment: string | undefined;
  /** Every environment the config defines (none for a single-environment config). */
  environmentNames: readonly string[];
  owner: string;
  ownerKey: string;
  /** The assignments this publish keeps (not deleted): initiative, name, id, management group. */
  assignments: readonly { initiative?: string; name: string; id: string; managementGroupId: string }[];
  /** Ids (lower case) of assignments this publish deletes: ARM deletes their exemptions with them. */
  deletedAssignmentIds: ReadonlySet<string>;
  live: LiveState;
  adopt: boolean;
  now: Date;
}

/** Exemptions that apply to `environment` (no `environments` list = every environment). */
export function exemptionsFor(docs: readonly PolicyExemptionDocument[], environment: string | undefined): PolicyExemptionDocument[] {
  return docs.filter((d) => d.environments === undefined || (environment !== undefined && d.environments.includes(environment)));
}

/**
 * The exemption's name in Azure. Azure names an exemption per scope, and one scope can lie in the trees of two
 * environments (a test management group under the Tenant Root Group that prod targets): an exemption published to
 * more than one environment therefore carries the environment's name, `<name>-<env>`, so each environment's
 * assignment gets its own exemption at the shared scope. One published to a single environment (or in a config
 * without environments) keeps its name. Decided from the sources alone, so the same sources give the same names.
 */
export function exemptionAzureName(doc: Pick<PolicyExemptionDocument, 'name' | 'environments'>, environment: string | undefined, environmentNames: readonly string[]): string {
  if (environment === undefined) return doc.name;
  const publishedTo = doc.environments?.length ?? environmentNames.length;
  return publishedTo > 1 ? `${doc.name}-${environment}` : doc.name;
}

/** The assignment an exemption applies to: the one of its initiative (and name, when given). */
export function assignmentOf<A extends { initiative?: string; name: string }>(doc: PolicyExemptionDocument, assignments: readonly A[]): A[] {
  return assignments.filter((a) => a.initiative === doc.initiative && (doc.assignment === undefined || a.name.toLowerCase() === doc.assignment.toLowerCase()));
}

function exemptionId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/policyExemptions/${name}`;
}

/** What is compared: ids case-insensitively, expiry as an instant, server metadata dropped, absent = empty. */
function normalizeExemption(p: JsonObject): JsonObject {
  const expires = typeof p.expiresOn === 'string' ? (normalizeExpiry(p.expiresOn) ?? p.expiresOn) : null;
  return {
    policyAssignmentId: String(p.policyAssignmentId ?? '').toLowerCase(),
    exemptionCategory: String(p.exemptionCategory ?? ''),
    displayName: typeof p.displayName === 'string' ? p.displayName : null,
    description: typeof p.description === 'string' ? p.description : null,
    expiresOn: expires,
    policyDefinitionReferenceIds: Array.isArray(p.policyDefinitionReferenceIds) ? plain(p.policyDefinitionReferenceIds) : [],
    metadata: stripServerMetadata(p.metadata),
  };
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ownerOf(p: JsonObject, key: string): string | undefined {
  return isObject(p.metadata) && typeof p.metadata[key] === 'string' ? (p.metadata[key] as string) : undefined;
}

/** True when `scope` lies in the management group subtree the plan reads (where ARM lets the exemption exist). */
function underTarget(scope: string, assignmentMg: string, live: LiveState): boolean {
  const kind = exemptionScopeKind(scope);
  if (kind === 'managementGroup') {
    const mg = scope.split('/').pop()!.toLowerCase();
    return mg === assignmentMg.toLowerCase() || live.managementGroup.descendantGroups.some((d) => d.toLowerCase() === mg);
  }
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
  return sub !== undefined && live.managementGroup.subscriptions.some((s) => s.toLowerCase() === sub);
}

export function planExemptions(input: ExemptionPlanInput): { items: ExemptionItem[]; warnings: ExemptionWarning[]; blockers: ExemptionWarning[] } {
  const { owner, ownerKey, live, now } = input;
  const items: ExemptionItem[] = [];
  const warnings: ExemptionWarning[] = [];
  const blockers: ExemptionWarning[] = [];
  const liveById = new Map((live.exemptions ?? []).map((e) => [exemptionId(e.scope, e.name).toLowerCase(), e]));
  const wanted = new Set<string>();
  for (const doc of exemptionsFor(input.exemptions, input.environment)) {
    const assignment = assignmentOf(doc, input.assignments)[0];
    if (!assignment) continue; // checkConfigAgainstContent reports it before any call
    const name = exemptionAzureName(doc, input.environment, input.environmentNames);
    const id = exemptionId(doc.scope, name);
    wanted.add(id.toLowerCase());
    if (!underTarget(doc.scope, assignment.managementGroupId, live)) {
      blockers.push({
        code: PublisherCode.exemptionScopeOutside,
        message: `exemption '${name}' is at ${doc.scope}, which is not under management group '${assignment.managementGroupId}' where '${assignment.name}' is assigned${input.environment ? ` (environment '${input.environment}')` : ''}`,
        object: id,
        hint: 'fix the scope, or list the environments the exemption applies to (environments: [...]) so it is not published where its scope does not exist',
      });
      continue;
    }
    const properties: JsonObject = {
      ...(plain(doc.properties) as JsonObject),
      policyAssignmentId: assignment.id,
      metadata: { ...(plain(doc.properties.metadata) as JsonObject), [ownerKey]: owner },
    };
    const existing = liveById.get(id.toLowerCase());
    const expired = doc.properties.expiresOn !== undefined && Date.parse(doc.properties.expiresOn) <= now.getTime() ? doc.properties.expiresOn : undefined;
    const item: ExemptionItem = { kind: 'policyExemption', action: 'create', name, id, scope: doc.scope, changes: [] };
    if (expired) {
      item.expired = expired;
      warnings.push({
        code: PublisherCode.exemptionExpired,
        message: `exemption '${name}' expired on ${expired}; Azure no longer applies it`,
        object: id,
        hint: 'renew it (new expiry and ticket) or delete its file under exemptions/',
      });
    }
    if (existing) {
      const foreign = ownerOf(existing.properties, ownerKey);
      if (foreign !== undefined && foreign !== owner) {
        // Environments of one repository mark their objects `<owner>@<env>`: an exemption name is unique per scope in
        // Azure. An exemption published to several environments is named per environment (exemptionAzureName), so
        // this is two exemption files of the same name, each for other environments, at one shared scope.
        const otherEnvironment = foreign.split('@')[0] === owner.split('@')[0] ? foreign.split('@')[1] : undefined;
        blockers.push({
          code: PublisherCode.foreignOwner,
          message: `policy exemption '${name}' at ${doc.scope} belongs to owner '${foreign}', not '${owner}'; ztpolicy will not overwrite it`,
          object: existing.id,
          ...(otherEnvironment !== undefined
            ? { hint: `environment '${otherEnvironment}' owns an exemption of this name at the same scope: publish '${otherEnvironment}' first if the exemption moved from it (that prunes it), or list both environments in its file (each then gets its own, named <name>-<env>)` }
            : {}),
        });
        continue;
      }
      if (foreign === undefined && !input.adopt) {
        blockers.push({
          code: PublisherCode.unmarkedExisting,
          message: `policy exemption '${name}' already exists at ${doc.scope} without a ztpolicy ownership marker (metadata.${ownerKey}); ztpolicy will not take it over unless told to`,
          object: existing.id,
          hint: 'rename it in exemptions/, delete the existing exemption if it is obsolete, or re-run with --adopt to take it over',
        });
        continue;
      }
      item.changes = diffFields(normalizeExemption(existing.properties), normalizeExemption(properties));
      item.action = item.changes.length === 0 ? 'no-op' : 'update';
      if (foreign === undefined) item.reason = 'adopted: it had no ownership marker';
    } else if (expired) {
      // Creating an exemption that is already over would exempt nothing; whether ARM even accepts a past
      // expiresOn is not documented, so it is not sent.
      item.action = 'no-op';
      item.reason = 'expired: not created';
      items.push(item);
      continue;
    } else {
      item.changes = diffFields(undefined, normalizeExemption(properties));
    }
    if (item.action !== 'no-op') item.properties = properties;
    if (expired && item.reason === undefined) item.reason = `expired on ${expired}`;
    items.push(item);
  }
  // Prune: our exemptions on assignments we manage that no source asks for any more. An exemption of an
  // assignment this publish deletes goes with it (ARM deletes exemptions with their assignment).
  const ours = new Set(input.assignments.map((a) => a.id.toLowerCase()));
  for (const e of live.exemptions ?? []) {
    const id = exemptionId(e.scope, e.name);
    if (wanted.has(id.toLowerCase()) || ownerOf(e.properties, ownerKey) !== owner) continue;
    const target = String(e.properties.policyAssignmentId ?? '').toLowerCase();
    if (!ours.has(target) || input.deletedAssignmentIds.has(target)) continue;
    items.push({ kind: 'policyExemption', action: 'delete', name: e.name, id, scope: e.scope, changes: [], reason: 'owned by this repo and no longer under exemptions/ (for this environment)' });
  }
  return { items, warnings, blockers };
}
