/**
 * Policy definitions, initiatives, assignments and exemptions in the ARM emulator, through
 * @azure/arm-policy 6.0.0. The SDK itself rejects any status its operation spec does not list, so every
 * successful call below also proves the status code (definition PUT 201 only, set PUT 200/201,
 * assignment PUT 201 only). Error codes are the ones publisher-mechanics §3.4 documents.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PolicyDefinition, PolicyDefinitionReference, PolicySetDefinition } from '@azure/arm-policy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorClients, type EmulatorClients } from './clients.js';
import { DEFAULT_SUBSCRIPTIONS, DEFAULT_TENANT_ID, startArmEmulator, type ArmEmulator } from './index.js';
import { rejection, all } from './test-helpers.js';

const SHARED_BUILTINS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'azure', 'builtins', 'built-in-policies');
/** "Configure Azure Defender for servers to be enabled" (publisher-mechanics §4): DINE, Security Admin. */
const DEFENDER_SERVERS = '8e86a5b6-b9bd-49d1-8e21-4bb8a0862222';
const MG = (name: string): string => `providers/Microsoft.Management/managementGroups/${name}`;
const DEF_ID = (mg: string, name: string): string => `/providers/Microsoft.Management/managementGroups/${mg}/providers/Microsoft.Authorization/policyDefinitions/${name}`;
const SET_ID = (mg: string, name: string): string => `/providers/Microsoft.Management/managementGroups/${mg}/providers/Microsoft.Authorization/policySetDefinitions/${name}`;

const auditDef = (): PolicyDefinition => ({
  displayName: 'Audit storage',
  mode: 'All',
  parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Audit' } },
  policyRule: { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: "[parameters('effect')]" } },
  metadata: { category: 'Storage', ztpolicy: 'owned' },
});

const dineDef = (): PolicyDefinition => ({
  displayName: 'Deploy diagnostics',
  mode: 'Indexed',
  parameters: {
    effect: { type: 'String', allowedValues: ['DeployIfNotExists', 'Disabled'], defaultValue: 'DeployIfNotExists' },
    workspaceId: { type: 'String' },
  },
  policyRule: {
    if: { field: 'type', equals: 'Microsoft.KeyVault/vaults' },
    then: {
      effect: "[parameters('effect')]",
      details: {
        type: 'Microsoft.Insights/diagnosticSettings',
        roleDefinitionIds: ['/providers/Microsoft.Authorization/roleDefinitions/749f88d5-cbae-40b8-bcfc-e573ddc772fa'],
        deployment: { properties: { mode: 'incremental', template: {}, parameters: { ws: { value: "[parameters('workspaceId')]" } } } },
      },
    },
  },
});

describe('policy definitions', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  let builtinsDir: string;
  beforeAll(async () => {
    // A two-file built-ins folder keeps the unfiltered (built-ins included) listing small.
    builtinsDir = await mkdtemp(path.join(os.tmpdir(), 'emu-builtins-'));
    await cp(
      path.join(SHARED_BUILTINS, 'policyDefinitions', 'Security Center', 'ASC_Azure_Defender_Servers_DINE.json'),
      path.join(builtinsDir, 'policyDefinitions', 'Security Center', 'ASC_Azure_Defender_Servers_DINE.json'),
    );
    emu = await startArmEmulator({ pageSize: 2, builtinsDir });
    c = emulatorClients(emu);
  });
  afterAll(async () => {
    await emu.close();
    await rm(builtinsDir, { recursive: true, force: true });
  });

  it('creates with 201 and returns server-added fields; update keeps createdOn and sets updatedOn', async () => {
    const created = await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'zt-audit', auditDef());
    expect(created.id).toBe('/providers/Microsoft.Management/managementgroups/root/providers/Microsoft.Authorization/policyDefinitions/zt-audit');
    expect(created.type).toBe('Microsoft.Authorization/policyDefinitions');
    expect(created.policyType).toBe('Custom');
    expect(created.metadata).toMatchObject({ category: 'Storage', ztpolicy: 'owned', createdBy: expect.any(String), createdOn: expect.any(String), updatedBy: null, updatedOn: null });
    expect(created.systemData?.createdAt).toBeInstanceOf(Date);

    const updated = await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'zt-audit', { ...auditDef(), displayName: 'Audit storage v2' });
    expect(updated.displayName).toBe('Audit storage v2');
    expect(updated.metadata.createdOn).toBe(created.metadata.createdOn);
    expect(updated.metadata.updatedOn).toEqual(expect.any(String));

    const got = await c.policy.policyDefinitions.getAtManagementGroup('root', 'ZT-AUDIT');
    expect(got.displayName).toBe('Audit storage v2');
    expect(got.policyRule).toEqual(auditDef().policyRule);
  });

  it('defaults mode to Indexed (spec default)', async () => {
    const d = await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'no-mode', { policyRule: auditDef().policyRule, parameters: auditDef().parameters });
    expect(d.mode).toBe('Indexed');
  });

  it('rejects names ARM rejects (length 64, forbidden characters)', async () => {
    const long = await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'x'.repeat(65), auditDef()));
    expect(long.statusCode).toBe(400);
    expect(long.code).toBe('InvalidPolicyDefinitionName');
    expect(long.message).toContain("must not exceed '64' characters");
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'x'.repeat(64), auditDef());
    for (const bad of ['has.dot', 'ends-with-space ', 'a:b']) {
      const e = await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', bad, auditDef()));
      expect(e.code).toBe('InvalidPolicyDefinitionName');
    }
  });

  it('validates the rule and its parameters', async () => {
    const noEffect = await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'bad-rule', { policyRule: { if: { field: 'type', equals: 'x' }, then: {} } }));
    expect(noEffect.code).toBe('InvalidPolicyRule');
    const undeclared = await rejection(
      c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'bad-param', { policyRule: { if: { field: 'type', equals: "[parameters('resourceType')]" }, then: { effect: 'audit' } } }),
    );
    expect(undeclared.code).toBe('InvalidPolicyParameters');
    expect(undeclared.message).toContain('resourceType');
    const tooMany: Record<string, { type: 'String'; defaultValue: string }> = {};
    for (let i = 0; i < 21; i++) tooMany[`p${i}`] = { type: 'String', defaultValue: 'x' };
    const many = await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'many', { policyRule: auditDef().policyRule, parameters: { ...tooMany, effect: { type: 'String', defaultValue: 'Audit' } } }));
    expect(many.statusCode).toBe(400);
  });

  it('answers 404 PolicyDefinitionNotFound and deletes idempotently (200 then 204)', async () => {
    const e = await rejection(c.policy.policyDefinitions.getAtManagementGroup('root', 'never'));
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe('PolicyDefinitionNotFound');
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'to-delete', auditDef());
    emu.resetRequests();
    await c.policy.policyDefinitions.deleteAtManagementGroup('root', 'to-delete');
    await c.policy.policyDefinitions.deleteAtManagementGroup('root', 'to-delete');
    expect(emu.requests.map((r) => r.status)).toEqual([200, 204]);
  });

  it('lists with paging; atExactScope() keeps only this scope, no filter adds ancestors and built-ins', async () => {
    for (const n of ['lz-1', 'lz-2', 'lz-3']) await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('landing-zones', n, auditDef());
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('corp', 'corp-only', auditDef());
    emu.resetRequests();
    const exact = await all(c.policy.policyDefinitions.listByManagementGroup('landing-zones', { filter: 'atExactScope()' }));
    expect(exact.map((d) => d.name).sort()).toEqual(['lz-1', 'lz-2', 'lz-3']);
    expect(emu.requests).toHaveLength(2); // 3 items at page size 2
    expect(emu.requests[1]!.query).toMatchObject({ $filter: 'atExactScope()', 'api-version': '2024-05-01', $skiptoken: '2' });

    const visible = await all(c.policy.policyDefinitions.listByManagementGroup('landing-zones'));
    const names = visible.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['lz-1', 'zt-audit', DEFENDER_SERVERS]));
    expect(names).not.toContain('corp-only');
    expect(visible.find((d) => d.name === DEFENDER_SERVERS)?.policyType).toBe('BuiltIn');

    const customOnly = await all(c.policy.policyDefinitions.listByManagementGroup('landing-zones', { filter: "policyType eq 'Custom'" }));
    expect(customOnly.every((d) => d.policyType === 'Custom')).toBe(true);

    const bad = await rejection(all(c.policy.policyDefinitions.listByManagementGroup('landing-zones', { filter: 'nonsense()' })));
    expect(bad.statusCode).toBe(400);
  });

  it('honours $top as the page size', async () => {
    emu.resetRequests();
    const got = await all(c.policy.policyDefinitions.listByManagementGroup('landing-zones', { filter: 'atExactScope()', top: 1 }));
    expect(got).toHaveLength(3);
    expect(emu.requests).toHaveLength(3);
  });

  it('serves built-ins at tenant scope', async () => {
    const b = await c.policy.policyDefinitions.getBuiltIn(DEFENDER_SERVERS);
    expect(b.policyType).toBe('BuiltIn');
    expect(b.id).toBe(`/providers/Microsoft.Authorization/policyDefinitions/${DEFENDER_SERVERS}`);
    const e = await rejection(c.policy.policyDefinitions.getBuiltIn('00000000-0000-0000-0000-000000000000'));
    expect(e.code).toBe('PolicyDefinitionNotFound');
  });
});

describe('built-ins from the shared folder', () => {
  it('finds a built-in among the ~5,000 files (lazy index) and an initiative', async () => {
    const emu = await startArmEmulator();
    try {
      const c = emulatorClients(emu);
      const b = await c.policy.policyDefinitions.getBuiltIn(DEFENDER_SERVERS);
      expect(b.displayName).toBe('Configure Azure Defender for servers to be enabled');
      expect((b.policyRule as any).then.details.roleDefinitionIds).toEqual(['/providers/Microsoft.Authorization/roleDefinitions/fb1c8493-542b-48eb-b624-b4c8fea62acd']);
      // Microsoft cloud security benchmark initiative
      const set = await c.policy.policySetDefinitions.getBuiltIn('1f3afdf9-d0c9-4c3d-847f-89da613e70a8');
      expect(set.policyType).toBe('BuiltIn');
      expect(set.policyDefinitions?.length).toBeGreaterThan(100);
    } finally {
      await emu.close();
    }
  });
});

describe('policy set definitions', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator();
    c = emulatorClients(emu);
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'audit', auditDef());
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'dine', dineDef());
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('platform', 'child-def', auditDef());
  });
  afterAll(async () => emu.close());
  beforeEach(() => emu.resetRequests());

  const set = (
    members: PolicyDefinitionReference[] = [{ policyDefinitionId: DEF_ID('root', 'audit'), policyDefinitionReferenceId: 'audit', parameters: { effect: { value: "[parameters('effect')]" } }, groupNames: ['storage'] }],
  ): PolicySetDefinition & { parameters: NonNullable<PolicySetDefinition['parameters']> } => ({
    displayName: 'Zero Trust storage',
    parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Audit' } },
    policyDefinitionGroups: [{ name: 'storage' }],
    policyDefinitions: members,
  });

  it('creates with 201, updates with 200 and references built-ins', async () => {
    const members = [
      ...(set().policyDefinitions ?? []),
      { policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${DEFENDER_SERVERS}`, policyDefinitionReferenceId: 'defender-servers', parameters: {}, groupNames: [] as string[] },
    ];
    const created = await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'zt-storage', set(members));
    expect(created.id).toBe('/providers/Microsoft.Management/managementgroups/root/providers/Microsoft.Authorization/policySetDefinitions/zt-storage');
    expect(created.policyType).toBe('Custom');
    expect(created.metadata).toMatchObject({ createdBy: expect.any(String), updatedOn: null });
    await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'zt-storage', set(members));
    expect(emu.requests.map((r) => r.status)).toEqual([201, 200]);
  });

  it('rejects a member that does not exist or is not visible from the set scope', async () => {
    const missing = await rejection(c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 's1', set([{ policyDefinitionId: DEF_ID('root', 'ghost'), policyDefinitionReferenceId: 'g', parameters: {}, groupNames: [] }])));
    expect(missing.statusCode).toBe(400);
    expect(missing.code).toBe('PolicyDefinitionNotFound');
    // a definition in a child MG is not visible from the parent
    const child = await rejection(c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 's2', set([{ policyDefinitionId: DEF_ID('platform', 'child-def'), policyDefinitionReferenceId: 'c', parameters: {}, groupNames: [] }])));
    expect(child.code).toBe('PolicyDefinitionNotFound');
    // the literal placeholder of generated/ files must be substituted before publishing
    const placeholder = await rejection(
      c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 's3', set([{ policyDefinitionId: DEF_ID('{managementGroupId}', 'audit'), policyDefinitionReferenceId: 'p', parameters: {}, groupNames: [] }])),
    );
    expect(placeholder.code).toBe('PolicyDefinitionNotFound');
    // but a set in the child MG may use the parent's definition
    await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('platform', 's4', set());
  });

  it('rejects a set as a member, undefined and missing member parameters, unknown groups', async () => {
    await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'inner', set());
    const nested = await rejection(c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'outer', set([{ policyDefinitionId: SET_ID('root', 'inner'), policyDefinitionReferenceId: 'i', parameters: {}, groupNames: [] }])));
    expect(nested.code).toBe('InvalidCreatePolicySetDefinitionRequest');
    const undef = await rejection(
      c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'u', set([{ policyDefinitionId: DEF_ID('root', 'audit'), policyDefinitionReferenceId: 'a', parameters: { notAParam: { value: 1 } }, groupNames: [] }])),
    );
    expect(undef.code).toBe('UndefinedPolicyParameter');
    const missing = await rejection(
      c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'm', set([{ policyDefinitionId: DEF_ID('root', 'dine'), policyDefinitionReferenceId: 'd', parameters: {}, groupNames: [] }])),
    );
    expect(missing.code).toBe('MissingPolicyParameter');
    expect(missing.message).toContain('workspaceId');
    const group = await rejection(
      c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'g', set([{ policyDefinitionId: DEF_ID('root', 'audit'), policyDefinitionReferenceId: 'a', parameters: {}, groupNames: ['nope'] }])),
    );
    expect(group.statusCode).toBe(400);
    const dupe = await rejection(
      c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'd', set([
        { policyDefinitionId: DEF_ID('root', 'audit'), policyDefinitionReferenceId: 'same', parameters: {}, groupNames: [] },
        { policyDefinitionId: DEF_ID('root', 'audit'), policyDefinitionReferenceId: 'same', parameters: {}, groupNames: [] },
      ])),
    );
    expect(dupe.statusCode).toBe(400);
  });

  it('rejects a set default that a member does not allow (InvalidPolicyParameters)', async () => {
    const s = set();
    s.parameters.effect = { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled', 'Modify'], defaultValue: 'Modify' };
    const e = await rejection(c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'bad-default', s));
    expect(e.code).toBe('InvalidPolicyParameters');
  });

  it('protects a definition referenced by a set, and a set referenced by an assignment', async () => {
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'member', auditDef());
    await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'holder', set([{ policyDefinitionId: DEF_ID('root', 'member'), policyDefinitionReferenceId: 'm', parameters: {}, groupNames: [] }]));
    const del = await rejection(c.policy.policyDefinitions.deleteAtManagementGroup('root', 'member'));
    expect(del.statusCode).toBe(400);
    expect(del.code).toBe('InvalidDeletePolicyDefinitionRequest');
    await c.policy.policyAssignments.create(MG('root'), 'holder-asg', { policyDefinitionId: SET_ID('root', 'holder') });
    const delSet = await rejection(c.policy.policySetDefinitions.deleteAtManagementGroup('root', 'holder'));
    expect(delSet.code).toBe('InvalidDeletePolicySetDefinitionRequest');
    // dependency order works: assignment, then set, then definition
    await c.policy.policyAssignments.delete(MG('root'), 'holder-asg');
    await c.policy.policySetDefinitions.deleteAtManagementGroup('root', 'holder');
    await c.policy.policyDefinitions.deleteAtManagementGroup('root', 'member');
    expect(emu.state.policyDefinitions.has(DEF_ID('root', 'member').toLowerCase())).toBe(false);
  });
});

describe('policy assignments', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator({ acceptUnknownPrincipals: false });
    c = emulatorClients(emu);
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'audit', auditDef());
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'dine', dineDef());
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('platform', 'platform-def', auditDef());
    await c.policy.policySetDefinitions.createOrUpdateAtManagementGroup('root', 'zt', {
      parameters: { workspaceId: { type: 'String' }, dineEffect: { type: 'String', defaultValue: 'DeployIfNotExists' } },
      policyDefinitions: [
        { policyDefinitionId: DEF_ID('root', 'audit'), policyDefinitionReferenceId: 'audit' },
        { policyDefinitionId: DEF_ID('root', 'dine'), policyDefinitionReferenceId: 'diag', parameters: { workspaceId: { value: "[parameters('workspaceId')]" }, effect: { value: "[parameters('dineEffect')]" } } },
      ],
    });
  });
  afterAll(async () => emu.close());

  const ws = { workspaceId: { value: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws' } };

  it('creates at a management group with a SystemAssigned identity (201, principalId, scope, defaults)', async () => {
    const a = await c.policy.policyAssignments.create(MG('root'), 'zt-root', {
      policyDefinitionId: SET_ID('root', 'zt'),
      parameters: ws,
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      metadata: { ztpolicy: 'owned' },
    });
    expect(a.id).toBe('/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyAssignments/zt-root');
    expect(a.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.identity?.tenantId).toBe(DEFAULT_TENANT_ID);
    expect(a.scope).toBe('/providers/Microsoft.Management/managementGroups/root');
    expect(a.notScopes).toEqual([]);
    expect(a.enforcementMode).toBe('Default');
    expect(a.metadata).toMatchObject({ ztpolicy: 'owned', createdBy: expect.any(String) });

    // principal is stable across updates...
    const again = await c.policy.policyAssignments.create(MG('root'), 'zt-root', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws, location: 'westeurope', identity: { type: 'SystemAssigned' }, enforcementMode: 'DoNotEnforce' });
    expect(again.identity?.principalId).toBe(a.identity?.principalId);
    expect(again.enforcementMode).toBe('DoNotEnforce');
    // ...and new after delete + create
    const deleted = await c.policy.policyAssignments.delete(MG('root'), 'zt-root');
    expect(deleted.name).toBe('zt-root');
    const recreated = await c.policy.policyAssignments.create(MG('root'), 'zt-root', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws, location: 'westeurope', identity: { type: 'SystemAssigned' } });
    expect(recreated.identity?.principalId).not.toBe(a.identity?.principalId);
    expect(emu.state.principals.get(a.identity!.principalId!.toLowerCase())?.deleted).toBe(true);
  });

  it('limits assignment names to 24 characters at a management group, 64 elsewhere', async () => {
    const name25 = 'a'.repeat(25);
    const e = await rejection(c.policy.policyAssignments.create(MG('root'), name25, { policyDefinitionId: DEF_ID('root', 'audit') }));
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('InvalidPolicyAssignmentName');
    expect(e.message).toContain("'24'");
    await c.policy.policyAssignments.create(MG('root'), 'a'.repeat(24), { policyDefinitionId: DEF_ID('root', 'audit') });
    await c.policy.policyAssignments.create(`subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}`, name25, { policyDefinitionId: DEF_ID('root', 'audit') });
    const e65 = await rejection(c.policy.policyAssignments.create(`subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}`, 'a'.repeat(65), { policyDefinitionId: DEF_ID('root', 'audit') }));
    expect(e65.code).toBe('InvalidPolicyAssignmentName');
  });

  it('rejects definitions out of scope and missing ones', async () => {
    const out = await rejection(c.policy.policyAssignments.create(MG('root'), 'oos', { policyDefinitionId: DEF_ID('platform', 'platform-def') }));
    expect(out.statusCode).toBe(400);
    expect(out.code).toBe('InvalidCreatePolicyAssignmentRequest');
    expect(out.message).toContain('out of scope');
    const sandbox = await rejection(c.policy.policyAssignments.create(`subscriptions/${DEFAULT_SUBSCRIPTIONS.sandbox}`, 'oos2', { policyDefinitionId: DEF_ID('root', 'audit') }));
    expect(sandbox.code).toBe('InvalidCreatePolicyAssignmentRequest');
    // below the definition's scope is fine
    await c.policy.policyAssignments.create(MG('corp'), 'from-root', { policyDefinitionId: DEF_ID('root', 'audit') });
    const missing = await rejection(c.policy.policyAssignments.create(MG('root'), 'missing', { policyDefinitionId: SET_ID('root', 'ghost') }));
    expect(missing.code).toBe('PolicySetDefinitionNotFound');
  });

  it('requires an identity (with a location) for deployIfNotExists unless the effect is disabled', async () => {
    const noId = await rejection(c.policy.policyAssignments.create(MG('root'), 'dine-noid', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws }));
    expect(noId.statusCode).toBe(400);
    expect(noId.code).toBe('ResourceIdentityRequired');
    await c.policy.policyAssignments.create(MG('root'), 'dine-off', { policyDefinitionId: SET_ID('root', 'zt'), parameters: { ...ws, dineEffect: { value: 'Disabled' } } });
    const noLoc = await rejection(c.policy.policyAssignments.create(MG('root'), 'dine-noloc', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws, identity: { type: 'SystemAssigned' } }));
    expect(noLoc.statusCode).toBe(400);
    const uai = await rejection(c.policy.policyAssignments.create(MG('root'), 'dine-uai', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws, location: 'westeurope', identity: { type: 'UserAssigned' } }));
    expect(uai.code).toBe('MissingIdentityIds');
  });

  it('refuses a location change', async () => {
    await c.policy.policyAssignments.create(MG('root'), 'loc', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws, location: 'westeurope', identity: { type: 'SystemAssigned' } });
    const e = await rejection(c.policy.policyAssignments.create(MG('root'), 'loc', { policyDefinitionId: SET_ID('root', 'zt'), parameters: ws, location: 'northeurope', identity: { type: 'SystemAssigned' } }));
    expect(e.code).toBe('InvalidLocationUpdate');
    const patched = await c.policy.policyAssignments.update(MG('root'), 'loc', { location: 'westeurope', identity: { type: 'SystemAssigned' } });
    expect(patched.location).toBe('westeurope');
  });

  it('checks assignment parameters against the definition', async () => {
    const undef = await rejection(c.policy.policyAssignments.create(MG('root'), 'p1', { policyDefinitionId: DEF_ID('root', 'audit'), parameters: { nope: { value: 1 } } }));
    expect(undef.code).toBe('UndefinedPolicyParameter');
    const missing = await rejection(c.policy.policyAssignments.create(MG('root'), 'p2', { policyDefinitionId: SET_ID('root', 'zt'), location: 'westeurope', identity: { type: 'SystemAssigned' } }));
    expect(missing.code).toBe('MissingPolicyParameter');
    expect(missing.message).toContain('workspaceId');
    const notAllowed = await rejection(c.policy.policyAssignments.create(MG('root'), 'p3', { policyDefinitionId: DEF_ID('root', 'audit'), parameters: { effect: { value: 'Append' } } }));
    expect(notAllowed.statusCode).toBe(400);
    // allowedValues compare case-insensitively, like ARM's effect values
    await c.policy.policyAssignments.create(MG('root'), 'p4', { policyDefinitionId: DEF_ID('root', 'audit'), parameters: { effect: { value: 'deny' } } });
  });

  it('lists with atExactScope(), atScope() and policyDefinitionId filters', async () => {
    const names = async (mg: string, filter?: string): Promise<string[]> =>
      (await all(c.policy.policyAssignments.listForManagementGroup(mg, filter ? { filter } : {}))).map((a) => a.name!).sort();
    const atCorpExact = await names('corp', 'atExactScope()');
    expect(atCorpExact).toEqual(['from-root']);
    const atCorp = await names('corp', 'atScope()');
    expect(atCorp).toContain('from-root');
    expect(atCorp).toContain('zt-root'); // inherited from root
    expect(await names('root', 'atExactScope()')).not.toContain('from-root');
    const byDef = await names('corp', `policyDefinitionId eq '${DEF_ID('root', 'audit')}'`);
    expect(byDef).toContain('from-root');
    expect(byDef).not.toContain('zt-root');
  });

  it('rejects an incompatible parameter change of a definition in use (InvalidPolicyParameterUpdate)', async () => {
    const removed = { ...auditDef(), parameters: {}, policyRule: { if: { field: 'type', equals: 'x' }, then: { effect: 'audit' } } };
    const e = await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'audit', removed));
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('InvalidPolicyParameterUpdate');
    expect(e.message).toContain("'effect'");
    const retyped = auditDef();
    retyped.parameters = { effect: { type: 'Array', defaultValue: ['Audit'] } };
    retyped.policyRule = { if: { field: 'type', equals: 'x' }, then: { effect: 'audit', details: "[parameters('effect')]" } };
    expect((await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'audit', retyped))).code).toBe('InvalidPolicyParameterUpdate');
    // adding a parameter with a default is fine
    const added = auditDef();
    added.parameters = { ...added.parameters, tagName: { type: 'String', defaultValue: 'owner' } };
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'audit', added);
    // a definition nobody uses may change freely (default parameterUpdateCheck 'inUse')
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'free', auditDef());
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'free', removed);
  });

  it('creates, lists and deletes exemptions with their assignment', async () => {
    const asgId = '/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/policyAssignments/from-root';
    const put = await emu.call('PUT', `/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}/providers/Microsoft.Authorization/policyExemptions/ex1?api-version=2022-07-01-preview`, {
      properties: { policyAssignmentId: asgId, exemptionCategory: 'Waiver' },
    });
    expect(put.status).toBe(201);
    const bad = await emu.call('PUT', `/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}/providers/Microsoft.Authorization/policyExemptions/ex2?api-version=2022-07-01-preview`, {
      properties: { policyAssignmentId: asgId, exemptionCategory: 'Because' },
    });
    expect(bad.status).toBe(400);
    await c.policy.policyAssignments.delete(MG('corp'), 'from-root');
    expect(emu.state.policyExemptions.size).toBe(0);
  });
});

describe('eventual consistency knob', () => {
  it('definitionVisibilityFailures makes the first references to a new definition fail', async () => {
    const emu = await startArmEmulator({ definitionVisibilityFailures: 1 });
    try {
      const c = emulatorClients(emu);
      await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'fresh', auditDef());
      const e = await rejection(c.policy.policyAssignments.create(MG('root'), 'fresh-asg', { policyDefinitionId: DEF_ID('root', 'fresh') }));
      expect(e.code).toBe('PolicyDefinitionNotFound');
      const a = await c.policy.policyAssignments.create(MG('root'), 'fresh-asg', { policyDefinitionId: DEF_ID('root', 'fresh') });
      expect(a.name).toBe('fresh-asg');
    } finally {
      await emu.close();
    }
  });
});
