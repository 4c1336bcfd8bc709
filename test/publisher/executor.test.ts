/**
 * The publisher end to end against the ARM emulator, through the real SDK clients: first publish, no-op
 * re-publish, update, prune, parameter change, throttling, faults, crash-resume.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AzureError } from '../../src/errors.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import type { ArmEmulator } from '../emulator/index.js';
import { DEFAULT_SUBSCRIPTIONS } from '../emulator/index.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';

const OWNER = 'contoso/platform-policies';
const ROOT = '/providers/Microsoft.Management/managementGroups/root';
// Roles the fixture's members declare: zt-stg-07 (Monitoring Contributor, Log Analytics Contributor), built-in
// cfdc5972 "Configure Microsoft Defender for Storage to be enabled" (Owner), built-in 8e86a5b6 "Configure Azure
// Defender for servers to be enabled" (Security Admin): see publisher-mechanics.md section 4 and the built-in files.
const STORAGE_ROLES = ['749f88d5-cbae-40b8-bcfc-e573ddc772fa', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '92aaf0da-9dab-42b6-94a3-d43ce8d16293'];
const VM_ROLES = ['fb1c8493-542b-48eb-b624-b4c8fea62acd'];

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

async function publish(extra: Parameters<typeof session>[2] = {}) {
  const s = await session(emu, ws, extra);
  const { plan, live } = await planSession(s, 'run1');
  const result = await applySession(
    s,
    plan,
    extra.remediate ? { remediation: { subscriptions: live.managementGroup.subscriptions, pollIntervalMs: 5, timeoutMs: 10_000 } } : {},
  );
  return { plan, result, requests: s.gateway.counter.requests };
}

async function plan() {
  const s = await session(emu, ws);
  return (await planSession(s)).plan;
}

const props = (r: object) => (r as { properties?: unknown }).properties as Record<string, any>;
const values = <T>(m: Map<string, T>) => [...m.values()];

function roleAssignmentsAtRoot() {
  return values(emu.state.roleAssignments)
    .map((r) => props(r))
    .filter((p) => String(p.scope).toLowerCase() === ROOT.toLowerCase());
}

function assignment(name: string) {
  return values(emu.state.policyAssignments).find((a) => a.name === name) as Record<string, any> | undefined;
}

function rolesOf(principalId: string) {
  return roleAssignmentsAtRoot()
    .filter((p) => p.principalId === principalId)
    .map((p) => String(p.roleDefinitionId).split('/').pop())
    .sort();
}

describe('first publish', () => {
  it('creates definitions, sets, assignments with identities, exactly the declared roles, and Defender plans under the MG', async () => {
    const { result } = await publish();
    const defs = values(emu.state.policyDefinitions).filter((d) => props(d).policyType === 'Custom');
    expect(defs.map((d) => d.name).sort()).toEqual(['zt-stg-02-minimum-tls', 'zt-stg-07-blob-diagnostics', 'zt-vm-03-managed-disks']);
    for (const d of defs) expect(props(d).metadata.ztpolicyOwner).toBe(OWNER);
    const set = values(emu.state.policySetDefinitions).find((s) => s.name === 'zt-storage')!;
    // The placeholder is replaced by the target management group.
    expect(JSON.stringify(set)).not.toContain('{managementGroupId}');
    expect(props(set).policyDefinitions[0].policyDefinitionId.toLowerCase()).toBe(
      `${ROOT}/providers/Microsoft.Authorization/policyDefinitions/zt-stg-02-minimum-tls`.toLowerCase(),
    );

    const stg = assignment('zt-storage')!;
    expect(stg.identity.type).toBe('SystemAssigned');
    expect(stg.location).toBe('westeurope');
    expect(stg.name.length).toBeLessThanOrEqual(24);
    expect(props(stg).enforcementMode).toBe('Default');
    expect(props(stg).nonComplianceMessages).toHaveLength(2);
    expect(props(stg).parameters.logAnalyticsWorkspaceId.value).toMatch(/law-central$/);
    expect(props(assignment('zt-vm')!).enforcementMode).toBe('DoNotEnforce');

    expect(rolesOf(stg.identity.principalId)).toEqual(STORAGE_ROLES);
    expect(rolesOf(assignment('zt-vm')!.identity.principalId)).toEqual(VM_ROLES);
    for (const r of roleAssignmentsAtRoot()) {
      expect(r.principalType).toBe('ServicePrincipal');
      expect(r.description).toContain(`owner: ${OWNER}`);
    }

    // Defender plans on every subscription under root (3), none on the sandbox subscription outside it.
    const pricing = (sub: string, plan: string) => props(emu.state.pricings.get(sub)!.get(plan.toLowerCase())!);
    for (const sub of [DEFAULT_SUBSCRIPTIONS.platform, DEFAULT_SUBSCRIPTIONS.corp, DEFAULT_SUBSCRIPTIONS.online]) {
      expect(pricing(sub, 'VirtualMachines')).toMatchObject({ pricingTier: 'Standard', subPlan: 'P2' });
      const storage = pricing(sub, 'StorageAccounts');
      expect(storage).toMatchObject({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2' });
      const malware = storage.extensions.find((e: any) => e.name === 'OnUploadMalwareScanning');
      expect(malware.isEnabled).toBe('True');
      expect(String(malware.additionalExtensionProperties.capGBPerMonthPerStorageAccount)).toBe('5000');
      expect(pricing(sub, 'CloudPosture').pricingTier).toBe('Standard');
    }
    expect(emu.state.pricings.get(DEFAULT_SUBSCRIPTIONS.sandbox)?.get('virtualmachines')).toBeUndefined();
    // Writes: 3 definitions + 2 sets + 2 assignments + 4 role assignments + 7 plans x 3 subscriptions (the
    // fixture config's five plans merged over the seven Zero Trust plans, src/publisher/defender-plans.ts).
    expect(result.writes).toBe(3 + 2 + 2 + 4 + 21);
    expect(emu.writes()).toHaveLength(result.writes);
    // Scope paths never start with a double slash (the SDK's `/{scope}` template).
    expect(emu.requests.every((r) => r.doubleSlashes === 0)).toBe(true);
  });

  it('re-publishing with no change makes zero writes and at most 12 requests', async () => {
    await publish();
    emu.resetRequests();
    const again = await publish();
    expect(again.plan.hasChanges).toBe(false);
    expect(again.result.writes).toBe(0);
    expect(emu.writes()).toHaveLength(0);
    expect(emu.requests.length).toBeLessThanOrEqual(12);
    expect(again.requests).toBe(emu.requests.length);
  });

  it('creates remediation tasks for each deployIfNotExists member with --remediate', async () => {
    await publish({ remediate: true });
    const refs = values(emu.state.remediations).map((r) => props(r).policyDefinitionReferenceId).sort();
    expect(refs).toEqual(['defender-for-servers', 'defender-for-storage', 'zt-stg-07']);
  });
});

describe('changes', () => {
  it('updates only what changed and shows the field-level diff', async () => {
    await publish();
    ws.editJson('generated/policyDefinitions/vm/zt-vm-03-managed-disks.json', (d) => {
      d.properties.parameters.effect.defaultValue = 'Deny';
    });
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments[1].enforcementMode = 'Default';
    });
    const p = await plan();
    const changed = p.items.filter((i) => i.action !== 'no-op');
    expect(changed.map((i) => `${i.action} ${i.kind} ${i.name}`).sort()).toEqual([
      'update policyAssignment zt-vm',
      'update policyDefinition zt-vm-03-managed-disks',
    ]);
    expect(changed.find((i) => i.kind === 'policyDefinition')!.changes).toEqual([
      { path: '$.parameters.effect.defaultValue', before: 'Audit', after: 'Deny' },
    ]);
    const principal = assignment('zt-vm')!.identity.principalId;
    emu.resetRequests();
    const { result } = await publish();
    expect(result.writes).toBe(2);
    // The identity (and so its roles) survives an in-place update.
    expect(assignment('zt-vm')!.identity.principalId).toBe(principal);
    expect(rolesOf(principal)).toEqual(VM_ROLES);
  });

  it('prunes only objects carrying this owner’s marker, assignments and roles before sets before definitions', async () => {
    await publish();
    const foreign = { policyType: 'Custom', mode: 'All', displayName: 'x', policyRule: { if: { field: 'type', equals: 'a' }, then: { effect: 'audit' } } };
    const put = (name: string, metadata: object) =>
      emu.call('PUT', `${ROOT}/providers/Microsoft.Authorization/policyDefinitions/${name}?api-version=2024-05-01`, { properties: { ...foreign, metadata } });
    await put('someone-elses', { ztpolicyOwner: 'fabrikam/other-repo' });
    await put('hand-made', {});
    const vmPrincipal = assignment('zt-vm')!.identity.principalId;

    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments = c.assignments.filter((a: any) => a.initiative !== 'zt-vm');
    });
    ws.editJson('generated/manifest.json', (m) => {
      m.definitions = m.definitions.filter((d: any) => d.name !== 'zt-vm-03-managed-disks');
      m.initiatives = m.initiatives.filter((i: any) => i.name !== 'zt-vm');
    });
    const p = await plan();
    expect(p.items.filter((i) => i.action === 'delete').map((i) => `${i.kind} ${i.name}`).sort()).toEqual([
      'policyAssignment zt-vm',
      'policyDefinition zt-vm-03-managed-disks',
      'policySetDefinition zt-vm',
      expect.stringMatching(/^roleAssignment [0-9a-f-]{36}$/),
    ]);
    emu.resetRequests();
    await publish();
    const deletes = emu.writes().filter((w) => w.method === 'DELETE').map((w) => w.path.split('/').slice(-2)[0]);
    expect(deletes).toEqual(['roleAssignments', 'policyAssignments', 'policySetDefinitions', 'policyDefinitions'].flatMap((k) => deletes.filter((d) => d === k)));
    expect(deletes.indexOf('policySetDefinitions')).toBeGreaterThan(deletes.lastIndexOf('policyAssignments'));
    expect(deletes.indexOf('policyDefinitions')).toBeGreaterThan(deletes.lastIndexOf('policySetDefinitions'));
    const names = values(emu.state.policyDefinitions).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['someone-elses', 'hand-made', 'zt-stg-02-minimum-tls']));
    expect(names).not.toContain('zt-vm-03-managed-disks');
    expect(rolesOf(vmPrincipal)).toEqual([]);
    expect(rolesOf(assignment('zt-storage')!.identity.principalId)).toEqual(STORAGE_ROLES);
  });

  it('publishes a parameter change Azure rejects in place under a versioned name, keeping the assignment identity', async () => {
    await publish();
    const principal = assignment('zt-storage')!.identity.principalId;
    ws.editJson('generated/policyDefinitions/storage/zt-stg-02-minimum-tls.json', (d) => {
      delete d.properties.parameters.minimumTlsVersion;
      d.properties.policyRule.if.allOf[1].notEquals = 'TLS1_2';
    });
    // Independent proof that this change is refused in place (the emulator answers as ARM does).
    const inPlace = await emu.call(
      'PUT',
      `${ROOT}/providers/Microsoft.Authorization/policyDefinitions/zt-stg-02-minimum-tls?api-version=2024-05-01`,
      ws.readJson('generated/policyDefinitions/storage/zt-stg-02-minimum-tls.json'),
    );
    expect(inPlace.status).toBe(400);
    expect(JSON.stringify(inPlace.body)).toContain('InvalidPolicyParameterUpdate');

    const p = await plan();
    expect(p.warnings.map((w) => w.code)).toContain('ZT8103');
    expect(p.items.filter((i) => i.action !== 'no-op').map((i) => `${i.action} ${i.kind} ${i.name}`).sort()).toEqual([
      'create policyDefinition zt-stg-02-minimum-tls-v2',
      'delete policyDefinition zt-stg-02-minimum-tls',
      'update policySetDefinition zt-storage',
    ]);
    await publish();
    const set = values(emu.state.policySetDefinitions).find((s) => s.name === 'zt-storage')!;
    expect(props(set).policyDefinitions[0].policyDefinitionId).toMatch(/zt-stg-02-minimum-tls-v2$/);
    expect(assignment('zt-storage')!.identity.principalId).toBe(principal);
    expect(values(emu.state.policyDefinitions).map((d) => d.name)).not.toContain('zt-stg-02-minimum-tls');
    // And it is stable: the next plan is a no-op.
    expect((await plan()).hasChanges).toBe(false);
  });

  it('versions an initiative whose parameters change incompatibly and re-points the assignment, keeping its identity and roles', async () => {
    await publish();
    const principal = assignment('zt-storage')!.identity.principalId;
    ws.editJson('generated/policySetDefinitions/zt-storage.json', (d) => {
      delete d.properties.parameters.storageEffect;
      d.properties.policyDefinitions[0].parameters.effect.value = 'Deny';
    });
    const p = await plan();
    expect(p.items.filter((i) => i.action !== 'no-op').map((i) => `${i.action} ${i.kind} ${i.name}`).sort()).toEqual([
      'create policySetDefinition zt-storage-v2',
      'delete policySetDefinition zt-storage',
      'update policyAssignment zt-storage',
    ]);
    expect(p.warnings.find((w) => w.code === 'ZT8103')!.message).toContain('InvalidPolicySetParameterUpdate');
    await publish();
    expect(props(assignment('zt-storage')!).policyDefinitionId).toMatch(/policySetDefinitions\/zt-storage-v2$/);
    expect(assignment('zt-storage')!.identity.principalId).toBe(principal);
    expect(rolesOf(principal)).toEqual(STORAGE_ROLES);
    expect((await plan()).hasChanges).toBe(false);
  });

  it('keeps an identity’s location Azure cannot move, with a warning instead of a failing update', async () => {
    await publish();
    const p = await (async () => {
      const s = await session(emu, ws, { location: 'northeurope' });
      return (await planSession(s)).plan;
    })();
    expect(p.hasChanges).toBe(false);
    expect(p.warnings.map((w) => w.code)).toContain('ZT8104');
  });
});

describe('resilience', () => {
  it('honours 429 Retry-After and retries 500s and connection resets without failing the publish', async () => {
    emu.faults.add({ match: { method: 'PUT', pathIncludes: '/policyDefinitions/' }, kind: '429', retryAfterSeconds: 1, times: 1 });
    emu.faults.add({ match: { method: 'PUT', pathIncludes: '/policySetDefinitions/' }, kind: '500', times: 2 });
    emu.faults.add({ match: { method: 'PUT', pathIncludes: '/policyAssignments/' }, kind: 'reset', afterHandling: true, times: 1 });
    await publish();
    const throttled = emu.requests.filter((r) => r.injected === '429');
    expect(throttled).toHaveLength(1);
    // Retried no sooner than the server asked (1 s).
    const retry = emu.requests.find((r) => r.path === throttled[0]!.path && r.seq > throttled[0]!.seq);
    expect(retry!.at - throttled[0]!.at).toBeGreaterThanOrEqual(900);
    expect(emu.faults.fired()).toBe(4);
    expect(values(emu.state.policyAssignments)).toHaveLength(2);
    expect((await plan()).hasChanges).toBe(false);
  });

  it('retries PrincipalNotFound while a new identity replicates and definitions not yet visible', async () => {
    await emu.close();
    emu = await emulator({ principalTypeBypassesReplication: false, principalReplicationDelayMs: { failuresBeforeVisible: 2 }, definitionVisibilityFailures: 1 });
    await publish();
    expect(emu.requests.some((r) => r.errorCode === 'PrincipalNotFound')).toBe(true);
    expect(roleAssignmentsAtRoot()).toHaveLength(4);
  });

  it('stops at a failing tier with exit 3 naming the object and ARM code; a re-run converges without duplicate role assignments', async () => {
    emu.faults.add({ match: { method: 'PUT', pathIncludes: '/roleAssignments/' }, kind: 'status', status: 403, code: 'AuthorizationFailed', message: 'no roleAssignments/write', skip: 1 });
    const s = await session(emu, ws);
    const { plan: p } = await planSession(s);
    const error = await applySession(s, p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureError);
    const e = error as AzureError;
    expect(e.exitCode).toBe(3);
    expect(e.armCode).toBe('AuthorizationFailed');
    expect(e.message).toMatch(/tier 'role assignments'/);
    expect(e.message).toMatch(/roleAssignment '[0-9a-f-]{36}': AuthorizationFailed \(HTTP 403\)/);
    expect(roleAssignmentsAtRoot()).toHaveLength(1);

    emu.faults.clear();
    emu.resetRequests();
    await publish();
    const ras = roleAssignmentsAtRoot();
    expect(ras).toHaveLength(4);
    const pairs = ras.map((r) => `${r.principalId}|${r.roleDefinitionId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect((await plan()).hasChanges).toBe(false);
  });

  it('a write whose response is lost (connection reset after the server applied it) converges on re-run', async () => {
    // Every attempt of the second role assignment dies after the server applied it: the publish fails...
    emu.faults.add({ match: { method: 'PUT', pathIncludes: '/roleAssignments/' }, kind: 'reset', afterHandling: true, skip: 1 });
    const s = await session(emu, ws);
    const { plan: p } = await planSession(s);
    await expect(applySession(s, p)).rejects.toBeInstanceOf(AzureError);
    emu.faults.clear();
    await publish();
    const pairs = roleAssignmentsAtRoot().map((r) => `${r.principalId}|${r.roleDefinitionId}`);
    expect(pairs).toHaveLength(4);
    expect(new Set(pairs).size).toBe(4);
  });
});
