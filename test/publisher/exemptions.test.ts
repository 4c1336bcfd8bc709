/**
 * Exemptions and environments through plan/publish against the ARM emulator: created on the assignment of their
 * initiative, a second publish writes nothing, edits update, removed files are pruned (only our own), expired
 * ones are warned about, and two environments of one config never touch each other's objects.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyExemptionDocument } from '../../src/model.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { azureLikeHierarchy, DEFAULT_SUBSCRIPTIONS, DEFAULT_TENANT_ID, type ArmEmulator } from '../emulator/index.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';

const OWNER = 'contoso/platform-policies';
const CORP_RG = `/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}/resourceGroups/rg-legacy`;
const ASSIGNMENT = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyAssignments/zt-storage';

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

function exemption(over: Partial<PolicyExemptionDocument> = {}): PolicyExemptionDocument {
  return {
    name: 'ex-legacy-tls',
    scope: CORP_RG,
    initiative: 'zt-storage',
    properties: {
      exemptionCategory: 'Mitigated',
      displayName: 'Legacy app TLS',
      description: 'Private endpoint only until the app is replaced.',
      expiresOn: '2099-06-30T23:59:59Z',
      policyDefinitionReferenceIds: ['zt-stg-02'],
      metadata: { ticket: 'CHG-1' },
    },
    ...over,
  };
}

/** Writes exemption documents into the workspace's generated/ and lists them in the manifest. */
function setExemptions(docs: PolicyExemptionDocument[]): void {
  mkdirSync(join(ws.dir, 'generated', 'policyExemptions'), { recursive: true });
  for (const d of docs) ws.writeJson(`generated/policyExemptions/${d.name}.json`, d);
  // The publisher checks every listed file against its sha256 (as the build records it).
  const sha = (name: string) => createHash('sha256').update(readFileSync(join(ws.dir, 'generated', 'policyExemptions', `${name}.json`))).digest('hex');
  ws.editJson('generated/manifest.json', (m) => {
    m.exemptions = docs.map((d) => ({ name: d.name, file: `policyExemptions/${d.name}.json`, sha256: sha(d.name), initiative: d.initiative }));
  });
}

async function publish(extra: Parameters<typeof session>[2] = {}) {
  const s = await session(emu, ws, extra);
  const { plan } = await planSession(s, 'run1');
  const result = await applySession(s, plan);
  return { plan, result };
}

const liveExemption = (scope: string, name: string) =>
  emu.state.policyExemptions.get(`${scope}/providers/microsoft.authorization/policyexemptions/${name}`.toLowerCase());

describe('exemptions through publish', () => {
  it('creates the exemption on its assignment, then a second publish writes nothing', async () => {
    setExemptions([exemption()]);
    const first = await publish();
    const item = first.plan.items.find((i) => i.kind === 'policyExemption')!;
    expect(item).toMatchObject({ action: 'create', name: 'ex-legacy-tls', scope: CORP_RG });
    const live = liveExemption(CORP_RG, 'ex-legacy-tls')!;
    expect(live.properties).toMatchObject({
      policyAssignmentId: ASSIGNMENT,
      exemptionCategory: 'Mitigated',
      policyDefinitionReferenceIds: ['zt-stg-02'],
      expiresOn: '2099-06-30T23:59:59Z',
      metadata: { ticket: 'CHG-1', ztpolicyOwner: OWNER },
    });
    // The exemption PUT went to the exemption's own scope at the api-version the spec defines.
    const put = emu.requests.find((r) => r.method === 'PUT' && /policyExemptions/i.test(r.path))!;
    expect(put.apiVersion).toBe('2022-07-01-preview');

    emu.resetRequests();
    const again = await publish();
    expect(again.plan.hasChanges).toBe(false);
    expect(again.result.writes).toBe(0);
    expect(emu.writes()).toHaveLength(0);
  });

  it('writes the exemption after its assignment and beside the role assignments (they do not need each other)', async () => {
    await emu.close();
    emu = await emulator({ latencyMs: 40 });
    setExemptions([exemption()]);
    await publish();
    const puts = emu.requests.filter((r) => r.method === 'PUT' && r.status < 300);
    const end = (r: (typeof puts)[number]) => r.at + r.durationMs;
    const assignment = puts.find((r) => /policyAssignments\/zt-storage$/i.test(r.path))!;
    const exemptionPut = puts.find((r) => /policyExemptions\//i.test(r.path))!;
    const roles = puts.filter((r) => /roleAssignments\//i.test(r.path));
    expect(roles.length).toBeGreaterThan(0);
    // ARM refuses an exemption of an assignment it does not have yet (PolicyAssignmentNotFound): after it, always.
    expect(exemptionPut.at).toBeGreaterThanOrEqual(end(assignment));
    // Side by side: the exemption PUT is in flight while a role assignment PUT is (one round trip, not two).
    expect(roles.some((r) => r.at < end(exemptionPut) && exemptionPut.at < end(r))).toBe(true);
  });

  it('updates a changed exemption and prunes one whose file is gone, leaving foreign exemptions alone', async () => {
    setExemptions([exemption(), exemption({ name: 'ex-two', scope: `/subscriptions/${DEFAULT_SUBSCRIPTIONS.online}` })]);
    await publish();
    // Someone else's exemption on the same assignment: never ours to delete.
    await emu.call('PUT', `/subscriptions/${DEFAULT_SUBSCRIPTIONS.platform}/providers/Microsoft.Authorization/policyExemptions/manual?api-version=2022-07-01-preview`, {
      properties: { policyAssignmentId: ASSIGNMENT, exemptionCategory: 'Waiver' },
    });
    setExemptions([exemption({ properties: { ...exemption().properties, exemptionCategory: 'Waiver' } })]);
    const { plan } = await publish();
    const byName = Object.fromEntries(plan.items.filter((i) => i.kind === 'policyExemption').map((i) => [i.name, i]));
    expect(byName['ex-legacy-tls']).toMatchObject({ action: 'update', changes: [{ path: '$.exemptionCategory', before: 'Mitigated', after: 'Waiver' }] });
    expect(byName['ex-two']).toMatchObject({ action: 'delete' });
    expect(byName.manual).toBeUndefined();
    expect(liveExemption(CORP_RG, 'ex-legacy-tls')!.properties).toMatchObject({ exemptionCategory: 'Waiver' });
    expect(liveExemption(`/subscriptions/${DEFAULT_SUBSCRIPTIONS.online}`, 'ex-two')).toBeUndefined();
    expect(liveExemption(`/subscriptions/${DEFAULT_SUBSCRIPTIONS.platform}`, 'manual')).toBeDefined();
  });

  it('blocks on a same-named exemption without our marker, and on a scope outside the target', async () => {
    await publish();
    await emu.call('PUT', `${CORP_RG}/providers/Microsoft.Authorization/policyExemptions/ex-legacy-tls?api-version=2022-07-01-preview`, {
      properties: { policyAssignmentId: ASSIGNMENT, exemptionCategory: 'Waiver' },
    });
    setExemptions([exemption(), exemption({ name: 'ex-sandbox', scope: `/subscriptions/${DEFAULT_SUBSCRIPTIONS.sandbox}` })]);
    const s = await session(emu, ws);
    const { plan } = await planSession(s);
    expect(plan.blockers.map((b) => b.code).sort()).toEqual(['ZT8106', 'ZT8111']);
    expect(plan.blockers.find((b) => b.code === 'ZT8111')!.message).toContain(DEFAULT_SUBSCRIPTIONS.sandbox);
  });

  it('warns about an expired exemption in the plan and does not create it', async () => {
    setExemptions([exemption({ properties: { ...exemption().properties, expiresOn: '2020-01-31T23:59:59Z' } })]);
    const { plan, result } = await publish();
    expect(plan.warnings).toContainEqual(expect.objectContaining({ code: 'ZT8110', message: expect.stringContaining('expired on 2020-01-31T23:59:59Z') }));
    expect(plan.items.find((i) => i.kind === 'policyExemption')).toMatchObject({ action: 'no-op', reason: 'expired: not created' });
    expect(liveExemption(CORP_RG, 'ex-legacy-tls')).toBeUndefined();
    expect(result.writes).toBeGreaterThan(0); // the rest was published
  });

  it('refuses an exemption whose initiative the config does not assign (before any call)', async () => {
    setExemptions([exemption({ initiative: 'zt-network' })]);
    await expect(session(emu, ws)).rejects.toMatchObject({ diagnostics: [expect.objectContaining({ code: 'ZT8025', jsonPath: '$.initiative' })] });
    expect(emu.requests).toHaveLength(0);
  });
});

describe('environments through publish', () => {
  function twoEnvironments(): void {
    ws.editJson('ztpolicy.config.json', (c) => {
      delete c.managementGroupId;
      c.environments = {
        test: { managementGroupId: 'sandbox', enforcementMode: 'DoNotEnforce', defender: { plans: {} } },
        prod: { managementGroupId: 'root' },
      };
    });
  }

  it('publishes the same content to each environment, apart, and re-publishing writes nothing', async () => {
    twoEnvironments();
    setExemptions([exemption({ environments: ['prod'] })]);
    const test = await publish({ environment: 'test', managementGroupId: undefined });
    const prod = await publish({ environment: 'prod', managementGroupId: undefined });
    expect(test.plan.target).toMatchObject({ environment: 'test', managementGroupId: 'sandbox', owner: `${OWNER}@test` });
    expect(prod.plan.target).toMatchObject({ environment: 'prod', managementGroupId: 'root', owner: `${OWNER}@prod` });
    // The prod publish did not prune or touch anything of test (and the other way round).
    expect(prod.plan.items.filter((i) => i.action === 'delete')).toEqual([]);
    const assignments = [...emu.state.policyAssignments.values()];
    const sandbox = assignments.filter((a) => a.id.toLowerCase().includes('/managementgroups/sandbox/'));
    const root = assignments.filter((a) => a.id.toLowerCase().includes('/managementgroups/root/'));
    expect(sandbox.map((a) => [a.name, (a.properties as any).enforcementMode, (a.properties as any).metadata.ztpolicyOwner])).toEqual([
      ['zt-storage', 'DoNotEnforce', `${OWNER}@test`],
      ['zt-vm', 'DoNotEnforce', `${OWNER}@test`],
    ]);
    expect(root.map((a) => (a.properties as any).metadata.ztpolicyOwner)).toEqual([`${OWNER}@prod`, `${OWNER}@prod`]);
    // The prod-only exemption exists once, on the prod assignment.
    expect(emu.state.policyExemptions.size).toBe(1);
    expect(test.plan.items.some((i) => i.kind === 'policyExemption')).toBe(false);
    // Both get the Zero Trust Defender plans (one source with the Defender initiative, whatever an environment
    // lists), each on its own subscriptions only: the sandbox's one for test, none of it for prod.
    const pricedSubscriptions = (p: typeof test.plan) => [...new Set(p.items.flatMap((i) => (i.kind === 'pricing' ? [i.subscriptionId] : [])))].sort();
    expect(pricedSubscriptions(test.plan)).toEqual([DEFAULT_SUBSCRIPTIONS.sandbox]);
    expect(pricedSubscriptions(prod.plan)).toEqual([DEFAULT_SUBSCRIPTIONS.platform, DEFAULT_SUBSCRIPTIONS.corp, DEFAULT_SUBSCRIPTIONS.online].sort());

    emu.resetRequests();
    for (const environment of ['test', 'prod']) {
      const again = await publish({ environment, managementGroupId: undefined });
      expect(again.plan.hasChanges, environment).toBe(false);
    }
    expect(emu.writes()).toHaveLength(0);
  });

  it('an exemption for both environments at a scope in both trees: each gets its own, named <name>-<env>; re-publishing writes nothing', async () => {
    // Seeded as Azure is: sandbox under the Tenant Root Group, so the sandbox subscription is under sandbox (test)
    // and under the root (prod): one scope, two assignments to exempt.
    await emu.close();
    emu = await emulator({ hierarchy: azureLikeHierarchy() });
    twoEnvironments();
    const scope = `/subscriptions/${DEFAULT_SUBSCRIPTIONS.sandbox}`;
    setExemptions([exemption({ scope })]);
    const test = await publish({ environment: 'test', managementGroupId: undefined });
    const prod = await publish({ environment: 'prod', managementGroupId: undefined });
    expect(test.plan.items.filter((i) => i.kind === 'policyExemption').map((i) => [i.action, i.name])).toEqual([['create', 'ex-legacy-tls-test']]);
    expect(prod.plan.items.filter((i) => i.kind === 'policyExemption').map((i) => [i.action, i.name])).toEqual([['create', 'ex-legacy-tls-prod']]);
    const of = (name: string) => liveExemption(scope, name)?.properties as { policyAssignmentId: string; metadata: { ztpolicyOwner: string } } | undefined;
    expect(of('ex-legacy-tls-test')).toMatchObject({ policyAssignmentId: expect.stringMatching(/managementGroups\/sandbox\/.*policyAssignments\/zt-storage$/), metadata: { ztpolicyOwner: `${OWNER}@test` } });
    expect(of('ex-legacy-tls-prod')).toMatchObject({ policyAssignmentId: `/providers/Microsoft.Management/managementGroups/${DEFAULT_TENANT_ID}/providers/Microsoft.Authorization/policyAssignments/zt-storage`, metadata: { ztpolicyOwner: `${OWNER}@prod` } });
    expect(of('ex-legacy-tls')).toBeUndefined();
    emu.resetRequests();
    for (const environment of ['test', 'prod']) expect((await publish({ environment, managementGroupId: undefined })).plan.hasChanges, environment).toBe(false);
    expect(emu.writes()).toHaveLength(0);
  });

  it('refuses, before any call, an exemption for several environments whose name with an environment appended is over 64 characters', async () => {
    twoEnvironments();
    setExemptions([exemption({ name: 'x'.repeat(60), scope: `/subscriptions/${DEFAULT_SUBSCRIPTIONS.sandbox}` })]);
    await expect(session(emu, ws, { environment: 'test', managementGroupId: undefined })).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ code: 'ZT8112', jsonPath: '$.name', message: expect.stringContaining(`'${'x'.repeat(60)}-test' (65 characters)`), hint: expect.stringContaining('at most 59 characters') })],
    });
    expect(emu.requests).toHaveLength(0);
  });

  it('names the known environments when --env is missing or misspelt (exit 2, no call)', async () => {
    twoEnvironments();
    await expect(session(emu, ws, { environment: 'prdo', managementGroupId: undefined })).rejects.toMatchObject({
      code: 'ZT8056',
      exitCode: 2,
      message: expect.stringMatching(/unknown environment 'prdo' \(did you mean 'prod'\?\).*test, prod/),
    });
    await expect(session(emu, ws, { managementGroupId: undefined })).rejects.toMatchObject({ code: 'ZT8055' });
    expect(emu.requests).toHaveLength(0);
  });
});

describe('the exemptions read', () => {
  it('costs nothing without exemptions, and still finds ours to prune after the last source is gone', async () => {
    await publish();
    const s = await session(emu, ws);
    emu.resetRequests();
    await planSession(s);
    expect(emu.requests.some((r) => /policyExemptions/i.test(r.path))).toBe(false);

    setExemptions([exemption()]);
    await publish();
    // The assignment records that it carries exemptions of ours, so removing every source still reads and prunes.
    expect((emu.state.policyAssignments.get(ASSIGNMENT.toLowerCase())!.properties as any).metadata.ztpolicyExemptions).toBe(1);
    setExemptions([]);
    const { plan } = await publish();
    expect(plan.items.filter((i) => i.kind === 'policyExemption')).toEqual([expect.objectContaining({ action: 'delete', name: 'ex-legacy-tls' })]);
    expect(liveExemption(CORP_RG, 'ex-legacy-tls')).toBeUndefined();
    expect((emu.state.policyAssignments.get(ASSIGNMENT.toLowerCase())!.properties as any).metadata.ztpolicyExemptions).toBeUndefined();
  });
});
