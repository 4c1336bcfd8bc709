/**
 * Issue 11.2, remainder: owned objects are found at the subscriptions below the target too. An assignment of this
 * repo's owner at a subscription (as an older version or another checkout left it), with the role assignment of
 * its identity there, is pruned, role and assignment together before any set they reference; another owner's
 * assignment and a role assignment ztpolicy did not make at the same subscription stay. Found through Resource
 * Graph, and through one list per subscription when Resource Graph refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySession, planSession } from '../../src/publisher/session.js';
import { emulator, session, workspace, type Workspace } from '../publisher/helpers.js';
import { azureLikeHierarchy, DEFAULT_SUBSCRIPTIONS, type ArmEmulator } from './index.js';

const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const SUB = DEFAULT_SUBSCRIPTIONS.corp;
const OTHER_SUB = DEFAULT_SUBSCRIPTIONS.online;

let emu: ArmEmulator;
let ws: Workspace;
const ids = { ours: '', ourRole: '', theirs: '', theirRole: '' };

async function put(path: string, apiVersion: string, body: unknown): Promise<{ identity?: { principalId: string } }> {
  const r = await emu.call('PUT', `${path}?api-version=${apiVersion}`, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body as { identity?: { principalId: string } };
}

beforeAll(async () => {
  emu = await emulator({ hierarchy: azureLikeHierarchy() });
  ws = workspace();
  const s = await session(emu, ws);
  await applySession(s, (await planSession(s, 'p1')).plan);

  // What ztpolicy itself wrote at the Tenant Root Group: its ownership marker and role-assignment description.
  const published = [...emu.state.policyAssignments.values()].find((a) => a.name === 'zt-storage')!;
  const props = published.properties as { metadata: Record<string, unknown>; policyDefinitionId: string; parameters: unknown };
  const ourRole = [...emu.state.roleAssignments.values()].find((r) => String((r.properties as { description?: string }).description ?? '').includes('zt-storage'))!;
  const description = String((ourRole.properties as { description: string }).description).replace(/zt-storage$/, 'zt-old-storage');

  // Ours, at a subscription: an assignment of the same set with a managed identity, and that identity's role there.
  ids.ours = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/zt-old-storage`;
  const created = await put(ids.ours, '2024-05-01', {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    properties: { displayName: 'old', policyDefinitionId: props.policyDefinitionId, metadata: { ...props.metadata }, parameters: props.parameters },
  });
  ids.ourRole = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/6f1c0d3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f`;
  await put(ids.ourRole, '2022-04-01', {
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      principalId: created.identity!.principalId,
      principalType: 'ServicePrincipal',
      description,
    },
  });
  // Not ours: another team's assignment at another subscription, and a role assignment nobody marked, at ours.
  ids.theirs = `/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/policyAssignments/team-storage`;
  const theirs = await put(ids.theirs, '2024-05-01', {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    properties: { displayName: 'team', policyDefinitionId: props.policyDefinitionId, metadata: { owner: 'another-team' }, parameters: props.parameters },
  });
  ids.theirRole = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/7a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d`;
  await put(ids.theirRole, '2022-04-01', {
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      principalId: theirs.identity!.principalId,
      principalType: 'ServicePrincipal',
    },
  });
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

const deletes = (plan: Awaited<ReturnType<typeof planSession>>['plan']) =>
  plan.items
    .filter((i) => i.action === 'delete')
    .map((i) => i.id.toLowerCase())
    .sort();

describe('prune at the subscriptions below the target (issue 11.2)', () => {
  it('plans the removal of ours only, found through Resource Graph, then through per-subscription lists when it refuses', async () => {
    const expected = [ids.ours, ids.ourRole].map((x) => x.toLowerCase()).sort();
    emu.resetRequests();
    const { plan } = await planSession(await session(emu, ws));
    expect(deletes(plan)).toEqual(expected);
    expect(emu.requests.some((r) => /Microsoft\.ResourceGraph/i.test(r.path))).toBe(true);
    expect(emu.writes()).toHaveLength(0);

    emu.faults.add({ match: { pathIncludes: '/providers/Microsoft.ResourceGraph/' }, kind: 'status', status: 403, code: 'AuthorizationFailed' });
    try {
      emu.resetRequests();
      const { plan: direct } = await planSession(await session(emu, ws));
      expect(deletes(direct)).toEqual(expected);
      // One atExactScope() list per subscription below the target instead.
      const lists = emu.requests.filter((r) => r.method === 'GET' && /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/policyAssignments$/i.test(r.path));
      expect(lists.length).toBe(emu.state.subscriptionsUnder(emu.tenantId).length);
      expect(lists.every((r) => r.query.$filter === 'atExactScope()')).toBe(true);
    } finally {
      emu.faults.clear();
    }
  });

  it('deletes them, leaves the rest, and then plans nothing', async () => {
    const s = await session(emu, ws);
    const { plan } = await planSession(s, 'p2');
    emu.resetRequests();
    await applySession(s, plan);
    const deleted = emu.requests.filter((r) => r.method === 'DELETE').map((r) => r.path.toLowerCase());
    expect(deleted.sort()).toEqual([ids.ours, ids.ourRole].map((x) => x.toLowerCase()).sort());
    expect(emu.state.policyAssignments.has(ids.ours.toLowerCase())).toBe(false);
    expect(emu.state.policyAssignments.has(ids.theirs.toLowerCase())).toBe(true);
    expect([...emu.state.roleAssignments.values()].some((r) => r.id.toLowerCase() === ids.theirRole.toLowerCase())).toBe(true);

    const again = await planSession(await session(emu, ws));
    expect(again.plan.hasChanges).toBe(false);
  });
});
