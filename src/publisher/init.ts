/**
 * `ztpolicy init`: the read-only checks behind a first config, and the config it writes. Nothing here writes to
 * Azure: it gets a token (does the credential work, which tenant, which principal), reads the management group
 * (does it exist; the Tenant Root Group is named after the tenant id, not "root"), and reads the caller's role
 * assignments and role definitions at it (can it write policy objects and role assignments there).
 */
import { BadInputError } from '../errors.js';
import type { JsonObject } from '../compiler/canonical-json.js';
import { PublisherCode } from './codes.js';
import { DEFENDER_PLAN_NAMES, parseConfig, type DefenderPlanName, type PublisherConfig } from './config.js';
import type { AzureGateway } from './gateway.js';
import { isRootAlias } from './session.js';

/** What publish writes at the management group, and the built-in role that grants it (least privilege). */
export const REQUIRED_ACTIONS: readonly { action: string; role: string }[] = [
  { action: 'Microsoft.Authorization/policyDefinitions/write', role: 'Resource Policy Contributor' },
  { action: 'Microsoft.Authorization/policySetDefinitions/write', role: 'Resource Policy Contributor' },
  { action: 'Microsoft.Authorization/policyAssignments/write', role: 'Resource Policy Contributor' },
  { action: 'Microsoft.Authorization/policyExemptions/write', role: 'Resource Policy Contributor' },
  // Managed identities of deployIfNotExists/modify assignments get their roles from publish.
  { action: 'Microsoft.Authorization/roleAssignments/write', role: 'Role Based Access Control Administrator (or User Access Administrator)' },
];

/** ARM action pattern match: case-insensitive, `*` matches any run of characters (RBAC "Actions" semantics). */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

/** True when some role allows `action` (in its actions, not removed by its notActions). */
export function allows(roles: readonly { actions: string[]; notActions: string[] }[], action: string): boolean {
  return roles.some((r) => r.actions.some((a) => actionMatches(a, action)) && !r.notActions.some((n) => actionMatches(n, action)));
}

export interface InitAnswers {
  tenantId?: string;
  managementGroupId: string;
  owner: string;
  identityLocation: string;
  logAnalyticsWorkspaceId?: string;
  defenderPlans: DefenderPlanName[];
  initiative: string;
}

export interface InitCheck {
  /** Who the credential is (upn / app id), when the token says. */
  principal?: string;
  tenantId: string;
  managementGroupId: string;
  /** Roles the caller holds at the management group (names). */
  roles: string[];
  /** Required actions the caller lacks, with the role that grants each. */
  missing: { action: string; role: string }[];
  /** False when the token carries no object id, so permissions could not be read. */
  permissionsChecked: boolean;
  /** How `root` was resolved (plan and publish resolve it the same way), for the user to read. */
  notes: string[];
}

/**
 * The read-only checks. Throws (exit 3 / exit 2) when the credential does not work, the management group does
 * not exist (naming the Tenant Root Group's real name when that is what was meant), or the tenant differs.
 */
export async function checkAccess(gateway: AzureGateway, answers: Pick<InitAnswers, 'tenantId' | 'managementGroupId'>): Promise<InitCheck> {
  const claims = await gateway.whoAmI();
  const notes: string[] = [];
  let mg;
  try {
    const tid = answers.tenantId ?? claims.tid;
    if (isRootAlias(answers.managementGroupId) && tid) {
      // The same resolution as plan/publish (gateway.resolveRootAlias): the Tenant Root Group, unless the tenant has a
      // group literally named root. The config gets the resolved id, so it never depends on the alias.
      const resolved = await gateway.resolveRootAlias(answers.managementGroupId, tid);
      mg = resolved.info;
      notes.push(
        resolved.literalRoot
          ? `'${answers.managementGroupId}' is a management group literally named so in this tenant (not the Tenant Root Group '${tid}'; use that id to target it)`
          : `'${answers.managementGroupId}' is the Tenant Root Group; the config names it by its id '${mg.name}'`,
      );
    } else {
      mg = await gateway.getManagementGroup(answers.managementGroupId);
    }
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404 && (e as { statusCode?: number }).statusCode !== 403) throw e;
    const visible = await gateway.listManagementGroups().catch(() => []);
    // The Tenant Root Group is named after the tenant id; its display name is "Tenant Root Group".
    const byDisplay = visible.find((g) => g.displayName.toLowerCase() === answers.managementGroupId.toLowerCase());
    const rootGroup = visible.find((g) => g.displayName === 'Tenant Root Group');
    const hint = byDisplay
      ? `'${answers.managementGroupId}' is a display name: use the management group id '${byDisplay.name}'`
      : /^(root|tenant root group)$/i.test(answers.managementGroupId) && (rootGroup || claims.tid)
        ? `the Tenant Root Group's id is the tenant id: use '${rootGroup?.name ?? claims.tid}'`
        : `management groups you can see: ${visible.map((g) => g.name).join(', ') || '(none: the credential may lack Reader on any management group)'}`;
    throw new BadInputError(PublisherCode.initManagementGroupNotFound, `management group '${answers.managementGroupId}' was not found (or the credential cannot read it)`, { hint });
  }
  if (answers.tenantId !== undefined && mg.tenantId && answers.tenantId.toLowerCase() !== mg.tenantId.toLowerCase()) {
    throw new BadInputError(PublisherCode.managementGroupTenant, `management group '${answers.managementGroupId}' belongs to tenant ${mg.tenantId}, not ${answers.tenantId}`, {
      hint: 'sign in to the intended tenant, or drop --tenant to take the management group\'s',
    });
  }
  const tenantId = mg.tenantId || claims.tid || answers.tenantId || '';
  const scope = `/providers/Microsoft.Management/managementGroups/${mg.name}`;
  const out: InitCheck = { tenantId, managementGroupId: mg.name, roles: [], missing: [], permissionsChecked: false, notes };
  if (claims.who) out.principal = claims.who;
  if (claims.oid) {
    const roles = await gateway.permissionsOf(scope, claims.oid);
    out.roles = [...new Set(roles.map((r) => r.roleName))].sort();
    out.missing = REQUIRED_ACTIONS.filter((r) => !allows(roles, r.action)).map((r) => ({ ...r }));
    out.permissionsChecked = true;
  }
  return out;
}

/** The config `init` writes, validated by the same schema publish reads (so it is never written half-valid). */
export function initConfig(answers: InitAnswers, check: InitCheck, file: string): { value: JsonObject; config: PublisherConfig } {
  const plans: JsonObject = {};
  for (const p of DEFENDER_PLAN_NAMES) if (answers.defenderPlans.includes(p)) plans[p] = { tier: 'Standard' };
  const assignment: JsonObject = { initiative: answers.initiative, enforcementMode: 'Default', parameters: {} };
  if (answers.logAnalyticsWorkspaceId) assignment.parameters = { logAnalyticsWorkspaceId: answers.logAnalyticsWorkspaceId };
  const value: JsonObject = {
    tenantId: check.tenantId,
    managementGroupId: check.managementGroupId,
    owner: answers.owner,
    identityLocation: answers.identityLocation,
    generatedDir: 'generated',
    assignments: [assignment],
    defender: { plans },
  };
  return { value, config: parseConfig(value, file) };
}
