/**
 * Issue 8, done when: `ztpolicy publish --mg root --yes`, the real CLI as a user runs it, against the emulator
 * seeded like Azure (the root group named by the tenant id, no group called root; definitions and sets not visible
 * for a moment after they are created; new managed identities not assignable for a moment, principalType not
 * shortening it) succeeds in one run, and a second run writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { workspace, type Workspace } from '../publisher/helpers.js';
import { azureLikeHierarchy, emulatorChildEnv, startArmEmulator, type ArmEmulator } from './index.js';

let emu: ArmEmulator;
let ws: Workspace;
beforeAll(async () => {
  emu = await startArmEmulator({
    hierarchy: azureLikeHierarchy(),
    definitionVisibilityFailures: 1,
    definitionVisibilityAnswer: 'outOfScope',
    principalReplicationDelayMs: { failuresBeforeVisible: 1 },
    principalTypeBypassesReplication: false,
  });
  ws = workspace();
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

const publish = () =>
  runCli(['publish', '--mg', 'root', '--yes', '--json', '--endpoint', emu.url, '--config', ws.configFile], { env: emulatorChildEnv(emu) });

describe('ztpolicy publish --mg root --yes on a tenant that behaves like Azure', () => {
  it('succeeds in one run, waiting out each delay; a second run makes no write', async () => {
    const first = await publish();
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout) as { applied: boolean; writes: number; plan: { target: { managementGroupId: string; requestedAs: string } } };
    expect(out.applied).toBe(true);
    expect(out.plan.target).toMatchObject({ managementGroupId: emu.tenantId, requestedAs: 'root' });
    // The delays were really met, and waited out within the run.
    const codes = new Set(emu.requests.map((r) => r.errorCode));
    expect(codes).toContain('InvalidCreatePolicySetDefinitionRequest'); // definition -> set
    expect(codes).toContain('PrincipalNotFound'); // identity -> role assignment
    expect(emu.writes().filter((w) => w.status >= 400).length).toBeGreaterThan(0);
    // What was written is in Azure: the assignment at the Tenant Root Group with its role assignments.
    const asg = [...emu.state.policyAssignments.values()].find((a) => a.name === 'zt-storage');
    expect((asg?.properties as { scope?: string } | undefined)?.scope?.toLowerCase()).toBe(`/providers/microsoft.management/managementgroups/${emu.tenantId}`);
    expect(emu.requests.some((r) => /\/managementGroups\/root(\/|$)/i.test(r.path) && r.method !== 'GET')).toBe(false);

    emu.resetRequests();
    const second = await publish();
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: false, writes: 0 });
    expect(emu.writes()).toHaveLength(0);
  });
});
