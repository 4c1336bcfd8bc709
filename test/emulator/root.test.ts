/**
 * Issue 8.1: `--mg root` (and "managementGroupId": "root") is the Tenant Root Group of the configured tenant. In
 * Azure that group is named by the tenant id and no group is called `root` unless someone created one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/publisher/render.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { emulator, session, workspace, type Workspace } from '../publisher/helpers.js';
import { azureLikeHierarchy, type ArmEmulator } from './index.js';

let ws: Workspace;
let emu: ArmEmulator | undefined;
beforeEach(() => {
  ws = workspace();
});
afterEach(async () => {
  await emu?.close();
  ws.remove();
});

describe('--mg root in a tenant seeded like Azure', () => {
  it('the emulator answers as Azure does: no group called root, the root group named by the tenant id', async () => {
    emu = await emulator({ hierarchy: azureLikeHierarchy() });
    const root = await emu.call('GET', '/providers/Microsoft.Management/managementGroups/root?api-version=2021-04-01');
    expect(root.status).toBe(404);
    expect((root.body as { error: { code: string } }).error.code).toBe('ManagementGroupNotFound');
    const tenantRoot = await emu.call('GET', `/providers/Microsoft.Management/managementGroups/${emu.tenantId}?api-version=2021-04-01`);
    expect((tenantRoot.body as { properties: { displayName: string } }).properties.displayName).toBe('Tenant Root Group');
  });

  it('publishes to the Tenant Root Group under its id, the plan header naming both; a second publish writes nothing', async () => {
    emu = await emulator({ hierarchy: azureLikeHierarchy() });
    const s = await session(emu, ws); // config and --mg say 'root'
    const { plan } = await planSession(s, 'r1');
    expect(plan.target).toMatchObject({ managementGroupId: emu.tenantId, requestedAs: 'root', tenantRoot: true });
    expect(renderText(plan).split('\n')[0]).toBe(
      `Plan for management group 'root' = Tenant Root Group '${emu.tenantId}' (tenant ${emu.tenantId}), owner 'contoso/platform-policies'`,
    );
    // Every id the plan builds uses the resolved name; no request ever names a group called root.
    for (const i of plan.items) expect(i.id).not.toMatch(/managementGroups\/root\//i);
    await applySession(s, plan);
    expect(emu.requests.filter((r) => /\/managementGroups\/root(\/|$)/i.test(r.path))).toEqual([]);
    const set = [...emu.state.policySetDefinitions.values()].find((x) => x.name === 'zt-storage')!;
    expect(set.id.toLowerCase()).toBe(`/providers/microsoft.management/managementgroups/${emu.tenantId}/providers/microsoft.authorization/policysetdefinitions/zt-storage`);
    const member = (set.properties as { policyDefinitions: { policyDefinitionId: string }[] }).policyDefinitions[0]!.policyDefinitionId;
    expect(member.toLowerCase()).toContain(`/managementgroups/${emu.tenantId}/`);
    const asg = [...emu.state.policyAssignments.values()].find((a) => a.name === 'zt-storage')!;
    expect((asg.properties as { scope: string }).scope.toLowerCase()).toBe(`/providers/microsoft.management/managementgroups/${emu.tenantId}`);

    emu.resetRequests();
    const again = await session(emu, ws);
    const second = await planSession(again);
    expect(second.plan.hasChanges).toBe(false);
    await applySession(again, second.plan);
    expect(emu.writes()).toHaveLength(0);
  });
});

describe('a tenant where someone created a group named root', () => {
  it('targets that group (the name given exactly), says so and how to pick the Tenant Root Group instead', async () => {
    emu = await emulator(); // the default seed has a group literally named root under the Tenant Root Group
    const { plan } = await planSession(await session(emu, ws));
    expect(plan.target).toMatchObject({ managementGroupId: 'root', requestedAs: 'root', tenantRoot: false });
    const w = plan.warnings.find((x) => x.code === 'ZT8107')!;
    expect(w.message).toContain(`not the Tenant Root Group '${emu.tenantId}'`);
    expect(w.message).toContain(`--mg ${emu.tenantId}`);
    expect(renderText(plan)).toContain(`! ZT8107 `);
    expect(renderText(plan).split('\n')[0]).toContain("'root' (a group named root, not the Tenant Root Group");
  });
});
