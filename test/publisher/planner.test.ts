/** The pure planner on hand-made live states (no emulator): ownership, adoption, caching of built-in roles. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/publisher/config.js';
import { loadContent } from '../../src/publisher/content.js';
import { analyzeDefinition, builtinsToRead, effectiveEffect, planPublish, ROLE_SCOPES_KEY, type AssignmentItem, type Plan, type RoleAssignmentItem } from '../../src/publisher/planner.js';
import { renderText } from '../../src/publisher/render.js';
import type { LiveState } from '../../src/publisher/types.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fixturesDir } from './helpers.js';

const content = loadContent(join(fixturesDir, 'generated'));
const config = parseConfig(JSON.parse(readFileSync(join(fixturesDir, 'ztpolicy.config.json'), 'utf8')), 'c.json');
const noDefender = { ...config, defender: { plans: {} } };

const BUILTINS = {
  '/providers/microsoft.authorization/policydefinitions/cfdc5972-75b3-4418-8ae1-7f5c36839390': {
    id: 'cfdc5972',
    roleDefinitionIds: ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635'],
    remediates: true,
    effect: "[parameters('effect')]",
    effectDefault: 'DeployIfNotExists',
    version: '1.5.0',
  },
  '/providers/microsoft.authorization/policydefinitions/8e86a5b6-b9bd-49d1-8e21-4bb8a0862222': {
    id: '8e86a5b6',
    roleDefinitionIds: ['fb1c8493-542b-48eb-b624-b4c8fea62acd'],
    remediates: true,
    effect: "[parameters('effect')]",
    effectDefault: 'DeployIfNotExists',
    version: '1.0.1',
  },
};

// Security Admin, the role built-in 8e86a5b6 (a zt-vm member) declares.
const VM_ROLE = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';

// The subscription of the fixture config's Log Analytics workspace: under the target, as in the emulator's seed.
const WORKSPACE_SUB = '11111111-1111-4111-8111-111111111111';

function empty(subscriptions: string[] = [WORKSPACE_SUB]): LiveState {
  return {
    managementGroup: { name: 'root', tenantId: config.tenantId, descendantGroups: [], leafGroups: ['root'], subscriptions },
    definitions: [],
    setDefinitions: [],
    assignments: [],
    roleAssignments: [],
    pricings: [],
    builtins: { ...BUILTINS },
  };
}

const plan = (live: LiveState, c = noDefender): Plan => planPublish({ content, config: c, live, options: { identityLocation: 'westeurope' } });

describe('planner', () => {
  it('plans everything as create on an empty management group, roles waiting for the new identities', () => {
    const p = plan(empty());
    expect(p.summary).toEqual({ create: 3 + 2 + 2 + 4, update: 0, delete: 0, 'no-op': 0 });
    const roles = p.items.filter((i) => i.kind === 'roleAssignment');
    expect(roles.every((r) => r.kind === 'roleAssignment' && r.principalId === undefined)).toBe(true);
  });

  it('grants the roles of the members using an assignPermissions parameter at the workspace it names when the workspace is outside the target', () => {
    const inside = plan(empty());
    expect(inside.items.filter((i) => i.kind === 'roleAssignment' && !i.scope.startsWith('/providers/Microsoft.Management/'))).toEqual([]);
    const p = plan(empty([]));
    const workspace = (config.assignments.find((a) => a.parameters.logAnalyticsWorkspaceId)!.parameters.logAnalyticsWorkspaceId as string).replace(/\/+$/, '');
    const at = p.items.filter((i): i is RoleAssignmentItem => i.kind === 'roleAssignment' && i.scope === workspace);
    expect(at.length).toBeGreaterThan(0);
    const assignment = p.items.find((i): i is AssignmentItem => i.kind === 'policyAssignment' && i.name === at[0]!.assignmentName)!;
    // Only the roles of the member that sends to the workspace (zt-stg-07, blob diagnostics: Monitoring Contributor
    // and Log Analytics Contributor), not Owner, which the Defender for Storage member of the same initiative needs.
    expect(assignment.name).toBe('zt-storage');
    expect(at.map((r) => r.roleDefinitionId.split('/').pop()).sort()).toEqual(['749f88d5-cbae-40b8-bcfc-e573ddc772fa', '92aaf0da-9dab-42b6-94a3-d43ce8d16293']);
    expect(assignment.roleDefinitionIds).toContain('8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    expect(at.every((r) => r.assignmentManagementGroupId === assignment.managementGroupId)).toBe(true);
    // Recorded on the assignment, so a later plan reads the grants there (and prunes them when the workspace changes).
    expect((assignment.body!.properties.metadata as Record<string, unknown>)[ROLE_SCOPES_KEY]).toEqual([workspace]);
    expect(renderText(p)).toContain(`for the identity of assignment '${assignment.name}' at ${workspace}`);
  });

  it('refuses to overwrite an object another owner marked, and blocks on an unmarked same-named one without --adopt', () => {
    const live = empty();
    const def = content.definitions[0]!;
    const other = content.definitions[1]!;
    live.definitions.push(
      { id: 'x', name: def.name, properties: { ...(def.properties as any), metadata: { ztpolicyOwner: 'fabrikam/other' } } },
      { id: 'y', name: other.name, properties: { ...(other.properties as any) } },
    );
    const p = plan(live);
    expect(p.blockers.map((b) => b.code)).toEqual(['ZT8101', 'ZT8106']);
    expect(p.blockers[0]!.message).toContain('fabrikam/other');
    const unmarked = p.blockers[1]!;
    expect(unmarked.message).toContain(`policy definition '${other.name}'`);
    expect(unmarked.message).toContain('without a ztpolicy ownership marker');
    expect(unmarked.object).toBe(`/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/${other.name}`);
    expect(unmarked.hint).toMatch(/rename.*delete.*--adopt/);
    // Neither object is touched: no item for either, no adoption warning.
    expect(p.items.filter((i) => i.name === def.name || i.name === other.name)).toEqual([]);
    expect(p.warnings.map((w) => w.code)).not.toContain('ZT8102');
  });

  it('with --adopt takes an unmarked object over (update adding the marker, warning) but still refuses another owner’s', () => {
    const live = empty();
    const def = content.definitions[0]!;
    const other = content.definitions[1]!;
    live.definitions.push(
      { id: 'x', name: def.name, properties: { ...(def.properties as any), metadata: { ztpolicyOwner: 'fabrikam/other' } } },
      { id: 'y', name: other.name, properties: { ...(other.properties as any) } },
    );
    const p = planPublish({ content, config: noDefender, live, options: { identityLocation: 'westeurope', adopt: true } });
    expect(p.blockers.map((b) => b.code)).toEqual(['ZT8101']);
    const adopted = p.items.find((i) => i.name === other.name)!;
    expect(adopted.action).toBe('update');
    expect(adopted.reason).toBe('adopted: it had no ownership marker');
    expect(adopted.changes).toEqual([{ path: '$.metadata.ztpolicyOwner', after: config.owner }]);
    expect(p.warnings.map((w) => w.code)).toContain('ZT8102');
  });

  it('applies the same rule to sets and assignments: unmarked same-named ones block unless --adopt', () => {
    const live = empty();
    const set = content.setDefinitions[0]!;
    // Same parameters, so --adopt can update it in place (a hand-made set without them would get a versioned name).
    live.setDefinitions.push({ id: 's', name: set.name, properties: { ...(set.properties as any), displayName: 'hand-made', metadata: {} } });
    const first = plan(empty());
    const a = first.items.find((i) => i.kind === 'policyAssignment' && i.body)!;
    if (a.kind !== 'policyAssignment' || !a.body) throw new Error('fixture: an assignment to create');
    const { metadata: _m, ...unmarkedProps } = a.body.properties as Record<string, any>;
    live.assignments.push({ id: a.id, name: a.name, managementGroupId: 'root', properties: unmarkedProps });
    const blocked = plan(live);
    expect(blocked.blockers.map((b) => `${b.code} ${b.object}`).sort()).toEqual([
      `ZT8106 ${a.id}`,
      `ZT8106 /providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policySetDefinitions/${set.name}`,
    ]);
    expect(blocked.items.some((i) => i.id === a.id)).toBe(false);
    const adopted = planPublish({ content, config: noDefender, live, options: { identityLocation: 'westeurope', adopt: true } });
    expect(adopted.blockers).toEqual([]);
    expect(adopted.items.filter((i) => i.reason === 'adopted: it had no ownership marker').map((i) => `${i.kind} ${i.action} ${i.name}`).sort()).toEqual([
      `policyAssignment update ${a.name}`,
      `policySetDefinition update ${set.name}`,
    ]);
  });

  it('never marks, adopts or prunes a role assignment without the marker, even one granting our identity a role', () => {
    const live = empty();
    const first = plan(live);
    for (const a of first.items) {
      if (a.kind !== 'policyAssignment' || !a.body) continue;
      live.assignments.push({ id: a.id, name: a.name, managementGroupId: 'root', location: 'westeurope', identity: { type: 'SystemAssigned', principalId: `p-${a.name}` }, properties: a.body.properties });
    }
    const scope = '/providers/Microsoft.Management/managementGroups/root';
    const role = VM_ROLE;
    live.roleAssignments.push(
      // Granted by hand to our identity: satisfies the need, stays as it is (no write that would mark it).
      { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/hand`, name: 'hand', scope, roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: 'p-zt-vm' },
      // Unmarked and not needed: never deleted.
      { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/other`, name: 'other', scope, roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7', principalId: 'someone' },
    );
    const p = plan(live);
    expect(p.blockers).toEqual([]);
    const hand = p.items.find((i) => i.name === 'hand')!;
    expect(hand.action).toBe('no-op');
    expect(p.items.some((i) => i.name === 'other')).toBe(false);
  });

  it('never prunes objects without this owner’s marker', () => {
    const live = empty();
    live.definitions.push(
      { id: 'a', name: 'theirs', properties: { displayName: 't', metadata: { ztpolicyOwner: 'fabrikam/other' } } },
      { id: 'b', name: 'unmarked', properties: { displayName: 'u', metadata: {} } },
      { id: 'c', name: 'ours-old', properties: { displayName: 'o', metadata: { ztpolicyOwner: config.owner } } },
    );
    const deletes = plan(live).items.filter((i) => i.action === 'delete').map((i) => i.name);
    expect(deletes).toEqual(['ours-old']);
  });

  it('skips a prune that a remaining reference blocks, with a warning naming the referrer', () => {
    const live = empty();
    const id = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/ours-old';
    live.definitions.push({ id: 'c', name: 'ours-old', properties: { displayName: 'o', metadata: { ztpolicyOwner: config.owner } } });
    live.setDefinitions.push({ id: 's', name: 'their-set', properties: { displayName: 't', metadata: { ztpolicyOwner: 'fabrikam/other' }, policyDefinitions: [{ policyDefinitionId: id }] } });
    const p = plan(live);
    expect(p.items.filter((i) => i.action === 'delete')).toEqual([]);
    const w = p.warnings.find((x) => x.code === 'ZT8105')!;
    expect(w.message).toContain("set 'their-set' still references it");
    expect(w.message).toContain('InvalidDeletePolicyDefinitionRequest');
  });

  it('reads built-in definitions only when the assignment has no up-to-date cached answer', () => {
    const live = empty();
    expect(builtinsToRead(content, config, live)).toHaveLength(2);
    // After a publish, the assignment metadata caches what the built-ins need.
    const first = plan(live);
    for (const a of first.items) {
      if (a.kind !== 'policyAssignment' || !a.body) continue;
      live.assignments.push({ id: a.id, name: a.name, managementGroupId: 'root', location: 'westeurope', identity: { type: 'SystemAssigned', principalId: `p-${a.name}` }, properties: a.body.properties });
    }
    // The sets as listed with $expand=LatestDefinitionVersion: each built-in member with its current version.
    const versions: Record<string, string> = { cfdc5972: '1.5.0', '8e86a5b6': '1.0.1' };
    const listSets = () =>
      first.items.flatMap((i) =>
        i.kind === 'policySetDefinition' && i.properties
          ? [{ id: i.id, name: i.name, properties: { ...i.properties, policyDefinitions: (i.properties.policyDefinitions as any[]).map((r) => ({ ...r, latestDefinitionVersion: versions[String(r.policyDefinitionId).split('/').pop()!.slice(0, 8)] ?? '1.0.0' })) } }]
          : [],
      );
    // Without the members' versions nothing is trusted from the cache.
    expect(builtinsToRead(content, config, live)).toHaveLength(2);
    live.setDefinitions = listSets();
    expect(builtinsToRead(content, config, live)).toEqual([]);
    expect(builtinsToRead(content, config, live, true)).toHaveLength(2);
    // A new version of one built-in (issue 11.3) invalidates the answer of the assignment that uses it, only that one.
    versions['8e86a5b6'] = '1.1.0';
    live.setDefinitions = listSets();
    expect(builtinsToRead(content, config, live)).toEqual(['/providers/Microsoft.Authorization/policyDefinitions/8e86a5b6-b9bd-49d1-8e21-4bb8a0862222']);
    versions['8e86a5b6'] = '1.0.1';
    live.setDefinitions = listSets();
    // So does a changed assignment value (it may change a member's effective effect).
    const changed = { ...config, assignments: config.assignments.map((a, i) => (i === 1 ? { ...a, parameters: { vmEffect: 'Deny' } } : a)) };
    expect(builtinsToRead(content, changed, live)).toEqual(['/providers/Microsoft.Authorization/policyDefinitions/8e86a5b6-b9bd-49d1-8e21-4bb8a0862222']);
    // The cached answer gives the same roles as reading the built-ins.
    const cachedPlan = plan({ ...live, builtins: {} });
    const readPlan = plan(live);
    const roles = (p: Plan) => p.items.filter((i) => i.kind === 'roleAssignment').map((i) => i.kind === 'roleAssignment' && i.roleDefinitionId).sort();
    // The roles the members declare: the custom deployIfNotExists definition's two (see the analyzeDefinition test
    // below) and one per built-in in BUILTINS; not merely "the same as the other plan", which holds when both are empty.
    const declared = ['749f88d5-cbae-40b8-bcfc-e573ddc772fa', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '92aaf0da-9dab-42b6-94a3-d43ce8d16293', VM_ROLE].map(
      (g) => `/providers/Microsoft.Authorization/roleDefinitions/${g}`,
    );
    expect(roles(readPlan)).toEqual(declared);
    expect(roles(cachedPlan)).toEqual(declared);
  });

  it('recognises a deployIfNotExists effect behind an effect parameter and reads its roles', () => {
    const info = analyzeDefinition('x', content.definitions[1]!.properties as any);
    expect(info.remediates).toBe(true);
    expect(info.roleDefinitionIds).toEqual(['749f88d5-cbae-40b8-bcfc-e573ddc772fa', '92aaf0da-9dab-42b6-94a3-d43ce8d16293']);
    expect(analyzeDefinition('y', content.definitions[0]!.properties as any).remediates).toBe(false);
  });

  it('resolves a member’s effective effect through member parameters, initiative parameters and defaults (issue 11.1)', () => {
    const info = { id: 'd', roleDefinitionIds: [], remediates: true, effect: "[parameters('effect')]", effectDefault: 'DeployIfNotExists' };
    const setParams = { e: { type: 'String', defaultValue: 'Disabled' } };
    // Not passed by the initiative: the definition's default.
    expect(effectiveEffect(info, undefined, setParams, {})).toBe('DeployIfNotExists');
    // A literal from the initiative.
    expect(effectiveEffect(info, { Effect: { value: 'AuditIfNotExists' } }, setParams, {})).toBe('AuditIfNotExists');
    // Wired to an initiative parameter: the assignment's value (names case-insensitive), else the initiative default.
    expect(effectiveEffect(info, { effect: { value: "[parameters('e')]" } }, setParams, { E: 'Modify' })).toBe('Modify');
    expect(effectiveEffect(info, { effect: { value: "[parameters('e')]" } }, setParams, {})).toBe('Disabled');
    // A literal effect; an expression that cannot be resolved offline.
    expect(effectiveEffect({ ...info, effect: 'modify' }, undefined, setParams, {})).toBe('modify');
    expect(effectiveEffect({ ...info, effect: "[if(true(), 'audit', 'deny')]" }, undefined, setParams, {})).toBeUndefined();
  });

  it('lists each subscription and plan it will change', () => {
    const live = empty();
    live.managementGroup.subscriptions = ['s1', 's2'];
    // Servers as the Zero Trust setting has it (defender-plans.ts): P2 with agentless scanning, not MDE-designated.
    // The fixture config restates tier and subPlan only; the extensions come from the Zero Trust setting.
    live.pricings.push({
      subscriptionId: 's1',
      name: 'VirtualMachines',
      pricingTier: 'Standard',
      subPlan: 'P2',
      extensions: [
        { name: 'AgentlessVmScanning', isEnabled: 'True' },
        { name: 'MdeDesignatedSubscription', isEnabled: 'False' },
      ],
    });
    const pricing = plan(live, config).items.filter((i) => i.kind === 'pricing');
    // The fixture config's five plans laid over the seven Zero Trust plans (config.ts merges them).
    expect(pricing).toHaveLength(2 * 7);
    expect(pricing.filter((i) => i.action === 'no-op').map((i) => i.kind === 'pricing' && `${i.subscriptionId}/${i.name}`)).toEqual(['s1/VirtualMachines']);
  });
});
