/**
 * Role assignments (@azure/arm-authorization 9.0.0, 2022-04-01), Defender pricings (@azure/arm-security
 * 5.0.0 at 2022-03-01, raw 2024-01-01 through the same pipeline) and remediations / policy states
 * (@azure/arm-policyinsights 6.0.0) in the ARM emulator. Codes: publisher-mechanics §3.4.
 */
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorClients, type EmulatorClients } from './clients.js';
import { DEFAULT_SUBSCRIPTIONS, startArmEmulator, type ArmEmulator } from './index.js';
import { rejection, all } from './test-helpers.js';

const MG = (name: string): string => `providers/Microsoft.Management/managementGroups/${name}`;
const ROLE = (guid: string): string => `/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const SECURITY_ADMIN = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';
const DEFENDER_SERVERS = '8e86a5b6-b9bd-49d1-8e21-4bb8a0862222';

/** Creates a Defender-for-servers (DINE) assignment at root and returns its managed identity. */
async function assignWithIdentity(c: EmulatorClients, name: string): Promise<string> {
  const a = await c.policy.policyAssignments.create(MG('root'), name, {
    policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${DEFENDER_SERVERS}`,
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
  });
  return a.identity!.principalId!;
}

describe('role assignments', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator({ principalReplicationDelayMs: { failuresBeforeVisible: 2 } });
    c = emulatorClients(emu);
  });
  afterAll(async () => emu.close());
  beforeEach(() => emu.resetRequests());

  it('answers PrincipalNotFound while a new identity replicates, then 201; repeats are idempotent', async () => {
    const principalId = await assignWithIdentity(c, 'mdc-servers');
    const body = { roleDefinitionId: ROLE(SECURITY_ADMIN), principalId, principalType: 'ServicePrincipal' as const };
    const name = '0f8fad5b-d9cb-469f-a165-70867728950e';
    for (let i = 0; i < 2; i++) {
      const e = await rejection(c.authorization.roleAssignments.create(MG('root'), name, body));
      expect(e.statusCode).toBe(400);
      expect(e.code).toBe('PrincipalNotFound');
      expect(e.message).toContain('replication delay');
    }
    const ra = await c.authorization.roleAssignments.create(MG('root'), name, body);
    expect(ra).toMatchObject({ name, principalId, principalType: 'ServicePrincipal', scope: '/providers/Microsoft.Management/managementGroups/root' });
    expect(ra.roleDefinitionId).toBe(ROLE(SECURITY_ADMIN));
    await c.authorization.roleAssignments.create(MG('root'), name, body);
    expect(emu.requests.filter((r) => r.path.includes('roleAssignments')).map((r) => r.status)).toEqual([400, 400, 201, 200]);
    expect(emu.requests.find((r) => r.path.includes('roleAssignments'))!.apiVersion).toBe('2022-04-01');
  });

  it('409 RoleAssignmentExists for the same scope, role and principal under another name', async () => {
    const principalId = (await c.policy.policyAssignments.get(MG('root'), 'mdc-servers')).identity!.principalId!;
    const e = await rejection(
      c.authorization.roleAssignments.create(MG('root'), '7c9e6679-7425-40de-944b-e07fc1f90ae7', { roleDefinitionId: ROLE(SECURITY_ADMIN), principalId, principalType: 'ServicePrincipal' }),
    );
    expect(e.statusCode).toBe(409);
    expect(e.code).toBe('RoleAssignmentExists');
    // same name, other role: ARM does not update role assignments in place
    const other = await rejection(
      c.authorization.roleAssignments.create(MG('root'), '0f8fad5b-d9cb-469f-a165-70867728950e', { roleDefinitionId: ROLE(OWNER), principalId, principalType: 'ServicePrincipal' }),
    );
    expect(other.statusCode).toBe(409);
    // another role for the same principal is a new assignment
    await c.authorization.roleAssignments.create(MG('root'), '7c9e6679-7425-40de-944b-e07fc1f90ae7', { roleDefinitionId: ROLE(OWNER), principalId, principalType: 'ServicePrincipal' });
  });

  it('validates the name, principal id and role definition id', async () => {
    const principalId = (await c.policy.policyAssignments.get(MG('root'), 'mdc-servers')).identity!.principalId!;
    const badName = await rejection(c.authorization.roleAssignments.create(MG('root'), 'not-a-guid', { roleDefinitionId: ROLE(OWNER), principalId }));
    expect(badName.code).toBe('InvalidRoleAssignmentId');
    const badPrincipal = await rejection(c.authorization.roleAssignments.create(MG('root'), '16fd2706-8baf-433b-82eb-8c7fada847da', { roleDefinitionId: ROLE(OWNER), principalId: 'nope' }));
    expect(badPrincipal.code).toBe('InvalidPrincipalId');
    const badRole = await rejection(c.authorization.roleAssignments.create(MG('root'), '16fd2706-8baf-433b-82eb-8c7fada847da', { roleDefinitionId: 'Owner', principalId }));
    expect(badRole.statusCode).toBe(400);
    const unknown = await rejection(
      c.authorization.roleAssignments.create(MG('root'), '16fd2706-8baf-433b-82eb-8c7fada847da', { roleDefinitionId: ROLE(OWNER), principalId: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }),
    );
    expect(unknown.code).toBe('PrincipalNotFound');
  });

  it('lists at scope: atScope() includes ancestors, principalId filters, no filter includes descendants', async () => {
    const principalId = await assignWithIdentity(c, 'corp-asg');
    // replication: two failures first
    for (let i = 0; i < 2; i++) await rejection(c.authorization.roleAssignments.create(MG('corp'), 'b3a1c6d2-1c44-4d0e-9d53-0c5a1c1b6f01', { roleDefinitionId: ROLE(OWNER), principalId, principalType: 'ServicePrincipal' }));
    await c.authorization.roleAssignments.create(MG('corp'), 'b3a1c6d2-1c44-4d0e-9d53-0c5a1c1b6f01', { roleDefinitionId: ROLE(OWNER), principalId, principalType: 'ServicePrincipal' });
    const atCorp = await all(c.authorization.roleAssignments.listForScope(MG('corp'), { filter: 'atScope()' }));
    expect(atCorp.map((r) => r.scope)).toEqual(expect.arrayContaining(['/providers/Microsoft.Management/managementGroups/root', '/providers/Microsoft.Management/managementGroups/corp']));
    const atRootExact = await all(c.authorization.roleAssignments.listForScope(MG('root'), { filter: 'atScope()' }));
    expect(atRootExact.map((r) => r.scope)).not.toContain('/providers/Microsoft.Management/managementGroups/corp');
    const belowToo = await all(c.authorization.roleAssignments.listForScope(MG('root')));
    expect(belowToo.map((r) => r.scope)).toContain('/providers/Microsoft.Management/managementGroups/corp');
    const mine = await all(c.authorization.roleAssignments.listForScope(MG('root'), { filter: `principalId eq '${principalId}'` }));
    expect(mine.map((r) => r.principalId)).toEqual([principalId]);
  });

  it('gets and deletes (200 with body, then 204); a deleted identity is PrincipalNotFound', async () => {
    const name = 'b3a1c6d2-1c44-4d0e-9d53-0c5a1c1b6f01';
    const got = await c.authorization.roleAssignments.get(MG('corp'), name);
    expect(got.name).toBe(name);
    const deleted = await c.authorization.roleAssignments.delete(MG('corp'), name);
    expect(deleted.name).toBe(name);
    await c.authorization.roleAssignments.delete(MG('corp'), name);
    expect(emu.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([200, 204]);
    const missing = await rejection(c.authorization.roleAssignments.get(MG('corp'), name));
    expect(missing.statusCode).toBe(404);

    const principalId = (await c.policy.policyAssignments.get(MG('root'), 'corp-asg')).identity!.principalId!;
    await c.policy.policyAssignments.delete(MG('root'), 'corp-asg');
    const gone = await rejection(c.authorization.roleAssignments.create(MG('corp'), name, { roleDefinitionId: ROLE(OWNER), principalId, principalType: 'ServicePrincipal' }));
    expect(gone.code).toBe('PrincipalNotFound');
  });

  it('serves built-in role definitions', async () => {
    const owner = await c.authorization.roleDefinitions.get(MG('root'), OWNER);
    expect(owner.roleName).toBe('Owner');
    expect(owner.roleType).toBe('BuiltInRole');
    const e = await rejection(c.authorization.roleDefinitions.get(MG('root'), '00000000-0000-0000-0000-000000000000'));
    expect(e.statusCode).toBe(404);
  });
});

describe('principal replication options', () => {
  it('principalTypeBypassesReplication lets principalType skip the delay; time mode expires', async () => {
    const emu = await startArmEmulator({ principalReplicationDelayMs: 60_000, principalTypeBypassesReplication: true });
    try {
      const c = emulatorClients(emu);
      const principalId = await assignWithIdentity(c, 'bypass');
      const withoutType = await rejection(c.authorization.roleAssignments.create(MG('root'), '9b2c5c8e-4f6e-4a47-8c0a-6f1d6d5e2a11', { roleDefinitionId: ROLE(OWNER), principalId }));
      expect(withoutType.code).toBe('PrincipalNotFound');
      await c.authorization.roleAssignments.create(MG('root'), '9b2c5c8e-4f6e-4a47-8c0a-6f1d6d5e2a11', { roleDefinitionId: ROLE(OWNER), principalId, principalType: 'ServicePrincipal' });
      // time mode: once visibleAt has passed, the principal resolves
      const pid2 = await assignWithIdentity(c, 'later');
      emu.state.principals.get(pid2.toLowerCase())!.visibleAt = Date.now() - 1;
      await c.authorization.roleAssignments.create(MG('root'), 'aa2c5c8e-4f6e-4a47-8c0a-6f1d6d5e2a11', { roleDefinitionId: ROLE(OWNER), principalId: pid2 });
    } finally {
      await emu.close();
    }
  });
});

describe('Defender pricings', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator();
    c = emulatorClients(emu);
  });
  afterAll(async () => emu.close());

  it('lists every plan as Free until set; update (PUT, 200 only at 2022-03-01) enables a plan', async () => {
    const sec = c.security(DEFAULT_SUBSCRIPTIONS.corp);
    const before = await sec.pricings.list();
    expect(before.value?.map((p) => p.name)).toEqual(expect.arrayContaining(['VirtualMachines', 'StorageAccounts', 'CloudPosture', 'KeyVaults', 'Arm', 'Containers', 'AppServices', 'SqlServers']));
    expect(before.value?.every((p) => p.pricingTier === 'Free')).toBe(true);
    const updated = await sec.pricings.update('VirtualMachines', { pricingTier: 'Standard', subPlan: 'P1' });
    expect(updated).toMatchObject({ pricingTier: 'Standard', subPlan: 'P1' });
    const got = await sec.pricings.get('virtualmachines');
    expect(got).toMatchObject({ name: 'VirtualMachines', pricingTier: 'Standard', subPlan: 'P1' });
    // per subscription
    const other = await c.security(DEFAULT_SUBSCRIPTIONS.online).pricings.get('VirtualMachines');
    expect(other.pricingTier).toBe('Free');
    expect(emu.requests.filter((r) => r.method === 'PUT').map((r) => [r.apiVersion, r.status])).toEqual([['2022-03-01', 200]]);
  });

  it('rejects invalid tiers/sub-plans and unknown subscriptions', async () => {
    const sec = c.security(DEFAULT_SUBSCRIPTIONS.corp);
    const badSub = await rejection(sec.pricings.update('VirtualMachines', { pricingTier: 'Standard', subPlan: 'P3' }));
    expect(badSub.statusCode).toBe(400);
    const badTier = await rejection(sec.pricings.update('KeyVaults', { pricingTier: 'Gold' as 'Standard' }));
    expect(badTier.statusCode).toBe(400);
    const unknown = await rejection(c.security('99999999-9999-4999-8999-999999999999').pricings.list());
    expect(unknown.statusCode).toBe(404);
  });

  it('2024-01-01 raw requests through the client pipeline store enforce and extensions (201 first, 200 after)', async () => {
    const sec = c.security(DEFAULT_SUBSCRIPTIONS.platform);
    const url = `${emu.url}/subscriptions/${DEFAULT_SUBSCRIPTIONS.platform}/providers/Microsoft.Security/pricings/StorageAccounts?api-version=2024-01-01`;
    const body = JSON.stringify({ properties: { pricingTier: 'Standard', subPlan: 'DefenderForStorageV2', enforce: 'True', extensions: [{ name: 'OnUploadMalwareScanning', isEnabled: 'True' }] } });
    const send = () => sec.sendRequest(createPipelineRequest({ url, method: 'PUT', body, headers: createHttpHeaders({ 'content-type': 'application/json' }) }));
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(200);
    const got = await sec.sendRequest(createPipelineRequest({ url, method: 'GET' }));
    const json = JSON.parse(got.bodyAsText ?? '{}');
    expect(json.properties).toMatchObject({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2', enforce: 'True', extensions: [{ name: 'OnUploadMalwareScanning', isEnabled: 'True' }] });
    // the 2022-03-01 view has no extensions (the SDK model drops them anyway)
    const legacy = await sec.pricings.get('StorageAccounts');
    expect(legacy).toMatchObject({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2' });
    expect((legacy as Record<string, unknown>).extensions).toBeUndefined();
  });
});

describe('remediations and policy states', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  const DEF = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions';
  beforeAll(async () => {
    emu = await startArmEmulator();
    c = emulatorClients(emu);
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'audit-only', {
      policyRule: { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'audit' } },
    });
    await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'defender', {
      policyDefinitions: [
        { policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${DEFENDER_SERVERS}`, policyDefinitionReferenceId: 'servers' },
        { policyDefinitionId: `${DEF}/audit-only`, policyDefinitionReferenceId: 'audit' },
      ],
    });
    await c.policy.policyAssignments.create(MG('root'), 'mdc', {
      policyDefinitionId: '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policySetDefinitions/defender',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
    });
  });
  afterAll(async () => emu.close());

  const asgId = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyAssignments/mdc';

  it('creates a remediation for a DINE member (201) and progresses to Succeeded on GETs', async () => {
    const r = await c.insights.remediations.createOrUpdateAtManagementGroup('root', 'rem-servers', { policyAssignmentId: asgId, policyDefinitionReferenceId: 'servers' });
    expect(r.provisioningState).toBe('Accepted');
    expect(emu.requests.at(-1)).toMatchObject({ status: 201, apiVersion: '2024-10-01' });
    const states: string[] = [];
    for (let i = 0; i < 3; i++) states.push((await c.insights.remediations.getAtManagementGroup('root', 'rem-servers')).provisioningState!);
    expect(states.at(-1)).toBe('Succeeded');
    const listed = await all(c.insights.remediations.listForManagementGroup('root'));
    expect(listed.map((x) => x.name)).toEqual(['rem-servers']);
  });

  it('rejects a missing reference id for an initiative, a non-DINE member and an unknown assignment', async () => {
    const noRef = await rejection(c.insights.remediations.createOrUpdateAtManagementGroup('root', 'r1', { policyAssignmentId: asgId }));
    expect(noRef.statusCode).toBe(400);
    const audit = await rejection(c.insights.remediations.createOrUpdateAtManagementGroup('root', 'r2', { policyAssignmentId: asgId, policyDefinitionReferenceId: 'audit' }));
    expect(audit.statusCode).toBe(400);
    const ghost = await rejection(c.insights.remediations.createOrUpdateAtManagementGroup('root', 'r3', { policyAssignmentId: `${asgId}-ghost`, policyDefinitionReferenceId: 'servers' }));
    expect(ghost.statusCode).toBe(404);
  });

  it('summarizes policy states (empty: the emulator evaluates nothing)', async () => {
    const s = await c.insights.policyStates.summarizeForManagementGroup('latest', 'root', { queryOptions: { filter: `policyAssignmentId eq '${asgId}'` } });
    expect(s.value?.[0]?.results?.nonCompliantResources).toBe(0);
    // arm-policyinsights percent-encodes $filter; the emulator decodes it
    expect(emu.requests.at(-1)!.query.$filter).toBe(`policyAssignmentId eq '${asgId}'`);
  });
});
