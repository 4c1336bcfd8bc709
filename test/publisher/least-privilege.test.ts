/**
 * Issue 11 (points 1-3) end to end against the ARM emulator: an identity gets only the roles of the members that
 * really deploy or modify under the assignment's parameter values; prune finds what this repo owns anywhere below
 * the target; the cached answer about built-in members goes stale when Microsoft publishes a new version.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/publisher/render.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import type { RoleAssignmentItem } from '../../src/publisher/planner.js';
import type { ArmEmulator } from '../emulator/index.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';
import { repoRoot } from '../helpers/cli.js';

// Role GUIDs (publisher-mechanics.md section 4 and the built-in files): Owner (built-in cfdc5972, Defender for
// Storage), Security Admin (built-in 8e86a5b6, Defender for Servers), Monitoring Contributor and Log Analytics
// Contributor (custom zt-stg-07, blob diagnostics).
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const SECURITY_ADMIN = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';

let emu: ArmEmulator;
let ws: Workspace;
beforeEach(async () => {
  emu = await emulator();
  ws = workspace();
});
afterEach(async () => {
  await emu.close();
  ws.remove();
});

const props = (r: object) => (r as { properties?: unknown }).properties as Record<string, any>;
const asg = (name: string) => [...emu.state.policyAssignments.values()].find((a) => a.name === name) as Record<string, any> | undefined;
const rolesOf = (principalId: string | undefined) =>
  [...emu.state.roleAssignments.values()]
    .map(props)
    .filter((p) => p.principalId === principalId)
    .map((p) => String(p.roleDefinitionId).split('/').pop())
    .sort();

async function publish(target: ArmEmulator = emu) {
  const s = await session(target, ws);
  const { plan } = await planSession(s, 'run1');
  await applySession(s, plan);
  return plan;
}

describe('roles follow the effective effect of each member (issue 11.1)', () => {
  it('grants no identity when every deploying member is disabled, and per role only what enabled members need', async () => {
    // zt-vm exposes the Defender for Servers member's effect as an initiative parameter; the assignment disables it.
    ws.editJson('generated/policySetDefinitions/zt-vm.json', (s) => {
      s.properties.parameters.serversEffect = { type: 'String', allowedValues: ['DeployIfNotExists', 'Disabled'], defaultValue: 'DeployIfNotExists', metadata: { displayName: 'Defender for Servers' } };
      s.properties.policyDefinitions[1].parameters = { effect: { value: "[parameters('serversEffect')]" } };
    });
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments[1].parameters = { serversEffect: 'Disabled' };
    });
    // zt-storage: the blob diagnostics member only audits (member parameter), Defender for Storage still deploys.
    ws.editJson('generated/policySetDefinitions/zt-storage.json', (s) => {
      s.properties.policyDefinitions[1].parameters.effect = { value: 'AuditIfNotExists' };
    });
    const plan = await publish();

    const vm = asg('zt-vm')!;
    expect(vm.identity?.type ?? 'None').toBe('None');
    expect(vm.location).toBeUndefined();
    const stg = asg('zt-storage')!;
    expect(stg.identity.type).toBe('SystemAssigned');
    expect(rolesOf(stg.identity.principalId)).toEqual([OWNER]);
    expect(emu.state.roleAssignments.size).toBe(1);

    // The plan says which members need each role.
    const roles = plan.items.filter((i): i is RoleAssignmentItem => i.kind === 'roleAssignment');
    expect(roles.map((r) => [r.roleDefinitionId.split('/').pop(), r.members])).toEqual([[OWNER, ['defender-for-storage']]]);
    expect(renderText(plan)).toContain(`role ${OWNER} for the identity of assignment 'zt-storage', needed by member(s) defender-for-storage`);

    // Re-enabling the member through the assignment value brings identity and role back; the rest is a no-op.
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments[1].parameters = { serversEffect: 'DeployIfNotExists' };
    });
    await publish();
    const vm2 = asg('zt-vm')!;
    expect(vm2.identity.type).toBe('SystemAssigned');
    expect(rolesOf(vm2.identity.principalId)).toEqual([SECURITY_ADMIN]);
    const again = (await planSession(await session(emu, ws))).plan;
    expect(again.hasChanges).toBe(false);
  });
});

describe('prune finds owned objects below the target (issue 11.2)', () => {
  it('removes an assignment (and its roles) that moved out of the config at a child management group, then its initiative', async () => {
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments[1].managementGroupId = 'landing-zones';
    });
    await publish();
    const child = asg('zt-vm')!;
    expect(child.id.toLowerCase()).toContain('/managementgroups/landing-zones/');
    expect(rolesOf(child.identity.principalId)).toEqual([SECURITY_ADMIN]);

    // The assignment leaves the config, and the initiative leaves generated/ (as a rebuild would write it).
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments.splice(1, 1);
    });
    ws.editJson('generated/manifest.json', (m) => {
      m.initiatives = m.initiatives.filter((i: { name: string }) => i.name !== 'zt-vm');
    });
    emu.resetRequests();
    const s = await session(emu, ws);
    const { plan } = await planSession(s);
    const deletes = plan.items.filter((i) => i.action === 'delete').map((i) => `${i.kind} ${i.name}`);
    expect(deletes).toContain('policyAssignment zt-vm');
    expect(deletes).toContain('policySetDefinition zt-vm');
    expect(deletes.filter((d) => d.startsWith('roleAssignment'))).toHaveLength(1);
    await applySession(s, plan);
    expect(asg('zt-vm')).toBeUndefined();
    expect(rolesOf(child.identity.principalId)).toEqual([]);
    expect([...emu.state.policySetDefinitions.values()].map((x) => x.name)).not.toContain('zt-vm');
    // Dependency order: the assignment and its role go before the set they block.
    const order = emu.writes().filter((w) => w.method === 'DELETE').map((w) => w.path.split('/').slice(-2)[0]);
    expect(order.lastIndexOf('policyAssignments')).toBeLessThan(order.indexOf('policySetDefinitions'));
    expect(order.lastIndexOf('roleAssignments')).toBeLessThan(order.indexOf('policySetDefinitions'));
    // The next publish converges (no InvalidDeletePolicySetDefinitionRequest, nothing left).
    expect((await planSession(await session(emu, ws))).plan.hasChanges).toBe(false);
  });
});

describe('assignPermissions: the roles of the members using the workspace, at the workspace outside the assignment', () => {
  const MONITORING_CONTRIBUTOR = '749f88d5-cbae-40b8-bcfc-e573ddc772fa';
  const LOG_ANALYTICS_CONTRIBUTOR = '92aaf0da-9dab-42b6-94a3-d43ce8d16293';
  const grantsAt = (scope: string) =>
    [...emu.state.roleAssignments.values()].map(props).filter((p) => String(p.scope).toLowerCase() === scope.toLowerCase());

  it('grants them at the workspace when the assignment is at a group that does not hold it; re-publishing writes nothing; a new workspace moves them', async () => {
    let workspaceId = '';
    ws.editJson('ztpolicy.config.json', (c) => {
      // zt-storage at landing-zones; its workspace stays in the platform subscription, which is not below it.
      const a = c.assignments.find((x: { initiative: string }) => x.initiative === 'zt-storage');
      a.managementGroupId = 'landing-zones';
      workspaceId = a.parameters.logAnalyticsWorkspaceId;
    });
    const first = await publish();
    const principal = asg('zt-storage')!.identity.principalId as string;
    const atWorkspace = grantsAt(workspaceId);
    expect(atWorkspace.map((p) => p.principalId)).toEqual(atWorkspace.map(() => principal));
    // Only the diagnostics member's roles (zt-stg-07 uses the workspace), not Owner for Defender for Storage.
    expect(atWorkspace.map((p) => String(p.roleDefinitionId).split('/').pop()).sort()).toEqual([MONITORING_CONTRIBUTOR, LOG_ANALYTICS_CONTRIBUTOR].sort());
    expect(rolesOf(principal)).toContain(OWNER); // at the assignment's group, for the Defender member
    expect(renderText(first)).toMatch(new RegExp(`\\+ create role ${LOG_ANALYTICS_CONTRIBUTOR} for the identity of assignment 'zt-storage' at ${workspaceId.replace(/[/.]/g, '\\$&')}`));

    emu.resetRequests();
    const again = await publish();
    expect(again.hasChanges).toBe(false);
    expect(emu.writes()).toHaveLength(0);

    // The workspace moves to another subscription outside landing-zones... (corp is below it: use the sandbox one).
    const moved = workspaceId.replace(/\/subscriptions\/[^/]+\//, '/subscriptions/44444444-4444-4444-8444-444444444444/');
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments.find((x: { initiative: string }) => x.initiative === 'zt-storage').parameters.logAnalyticsWorkspaceId = moved;
    });
    const third = await publish();
    const roleItems = third.items.filter((i): i is RoleAssignmentItem => i.kind === 'roleAssignment' && i.action !== 'no-op');
    expect(roleItems.filter((i) => i.action === 'delete').map((i) => i.scope.toLowerCase())).toEqual([workspaceId.toLowerCase(), workspaceId.toLowerCase()]);
    expect(roleItems.filter((i) => i.action === 'create').map((i) => i.scope)).toEqual([moved, moved]);
    expect(grantsAt(workspaceId)).toEqual([]);
    expect(grantsAt(moved).map((p) => p.principalId)).toEqual([principal, principal]);
    expect((await publish()).hasChanges).toBe(false);
  });
});

describe('the cached answer about built-in members follows their version (issue 11.3)', () => {
  let builtinsDir: string;
  afterEach(() => rmSync(builtinsDir, { recursive: true, force: true }));

  it('re-reads a built-in Microsoft re-published with another role and grants the new role', async () => {
    const upstream = join(repoRoot, '..', 'shared', 'azure', 'builtins', 'built-in-policies', 'policyDefinitions', 'Security Center');
    builtinsDir = mkdtempSync(join(tmpdir(), 'ztpolicy-builtins-'));
    mkdirSync(join(builtinsDir, 'policyDefinitions'), { recursive: true });
    mkdirSync(join(builtinsDir, 'policySetDefinitions'), { recursive: true });
    for (const f of ['ASC_Azure_Defender_Servers_DINE.json', 'MDC_Microsoft_Defender_For_Storage_Full_DINE.json']) cpSync(join(upstream, f), join(builtinsDir, 'policyDefinitions', f));
    await publish();
    const principal = asg('zt-vm')!.identity.principalId;
    expect(rolesOf(principal)).toEqual([SECURITY_ADMIN]);

    // Microsoft publishes 8e86a5b6 1.1.0, which also needs Contributor. Same tenant state, updated built-in.
    const file = join(builtinsDir, 'policyDefinitions', 'ASC_Azure_Defender_Servers_DINE.json');
    const def = JSON.parse(readFileSync(file, 'utf8'));
    def.properties.version = '1.1.0';
    def.properties.policyRule.then.details.roleDefinitionIds.push(`/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`);
    const newDir = `${builtinsDir}-v2`;
    cpSync(builtinsDir, newDir, { recursive: true });
    writeFileSync(join(newDir, 'policyDefinitions', 'ASC_Azure_Defender_Servers_DINE.json'), JSON.stringify(def));
    const snapshot = emu.state.snapshot();
    await emu.close();
    emu = await emulator({ builtinsDir: newDir });
    emu.state.restore(snapshot);
    try {
      const plan = await publish();
      const created = plan.items.filter((i) => i.kind === 'roleAssignment' && i.action === 'create').map((i) => (i as RoleAssignmentItem).roleDefinitionId.split('/').pop());
      expect(created).toEqual([CONTRIBUTOR]);
      expect(rolesOf(principal)).toEqual([CONTRIBUTOR, SECURITY_ADMIN].sort());
    } finally {
      rmSync(newDir, { recursive: true, force: true });
    }
  });
});
