/**
 * One source of truth for Defender for Cloud (src/publisher/defender-plans.ts): the pricing state the publisher
 * writes must satisfy the existence condition of every plan-enabling deployIfNotExists member of the Defender
 * initiative as assigned. Otherwise each subscription is non-compliant, remediation rewrites the plan and the
 * next publish rewrites it back (the flip-flop this module ended).
 */
import { describe, expect, it } from 'vitest';
import defender from '../../initiatives/defender.js';
import { builtin, getBuiltinDefinitionJson, getBuiltinPolicy } from '../../src/catalog/builtins.js';
import { compileInitiative } from '../../src/compiler/compile-initiative.js';
import { parseConfig } from '../../src/publisher/config.js';
import { ZERO_TRUST_DEFENDER_PLANS } from '../../src/publisher/defender-plans.js';
import { packageRoot } from '../../src/io/paths.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { defenderPricing, expectMember, subscription } from '../../src/testing/index.js';
import { ASSIGNMENT } from '../definitions/defender/assignment.js';
import { DEFAULT_SUBSCRIPTIONS } from '../emulator/defaults.js';
import { planForEmptySubscription } from '../fixtures/exports/make-zero-trust-estate.js';
import { emulator, session, workspace } from './helpers.js';

const SUB = '22222222-2222-4222-8222-222222222222';
const BASE = {
  tenantId: '00000000-0000-4000-8000-0000000a2e00',
  managementGroupId: 'root',
  owner: 'contoso/platform-policies',
  identityLocation: 'westeurope',
};

/** The planner's plan for one empty subscription. */
const planFor = (config: ReturnType<typeof parseConfig>) => planForEmptySubscription(config, SUB);

/** The pricings the planner PUTs on an empty subscription, as GET-shaped documents. */
function writtenPricings(config: ReturnType<typeof parseConfig>) {
  return planFor(config).items.flatMap((i) => (i.kind === 'pricing' && i.properties ? [defenderPricing(i.name, i.properties as never, { subscriptionId: SUB })] : []));
}

/** Members of zt-defender whose existence check reads a Microsoft.Security/pricings resource, with the plan name. */
function pricingMembers() {
  return compileInitiative(defender).document.properties.policyDefinitions.flatMap((ref) => {
    const doc = getBuiltinDefinitionJson(ref.policyDefinitionId);
    const details = (doc?.properties.policyRule.then as { details?: { type?: string; name?: string } } | undefined)?.details;
    return details?.type?.toLowerCase() === 'microsoft.security/pricings' ? [{ ref: getBuiltinPolicy(ref.policyDefinitionId)!, plan: String(details.name) }] : [];
  });
}

describe('Defender plan settings: one source for the publisher and the policies', () => {
  const config = parseConfig(BASE, 'c.json');
  const written = writtenPricings(config);
  const members = pricingMembers();

  it('the publisher writes the Zero Trust plans by default (no defender block in the config)', () => {
    expect(Object.keys(config.defender.plans).sort()).toEqual(Object.keys(ZERO_TRUST_DEFENDER_PLANS).sort());
    expect(written.map((p) => p.name).sort()).toEqual(Object.keys(ZERO_TRUST_DEFENDER_PLANS).sort());
  });

  it('finds every plan member enabled by default compliant with what the publisher writes', () => {
    const enabled = members.filter((m) => !['Containers', 'AppServices'].includes(m.plan));
    // CSPM, Servers, Storage, Key Vault, Resource Manager, SQL PaaS, SQL on machines.
    expect(enabled.map((m) => m.plan).sort()).toEqual(['Arm', 'CloudPosture', 'KeyVaults', 'SqlServerVirtualMachines', 'SqlServers', 'StorageAccounts', 'VirtualMachines']);
    for (const m of enabled) expectMember(defender, m.ref, { parameters: ASSIGNMENT }).toBeCompliant(subscription({ subscriptionId: SUB }), { related: written });
  });

  it('finds them compliant with what a real publish left in ARM (executor, SDK gateway, emulator), read back by GET', async () => {
    const emu = await emulator();
    const ws = workspace(packageRoot());
    try {
      // Only the Defender plans: the repo's config, no assignment and an empty manifest (policy writes are not the point).
      ws.editJson('ztpolicy.config.json', (c) => void (c.assignments = []));
      ws.editJson('generated/manifest.json', (m) => {
        m.definitions = [];
        m.initiatives = [];
        m.exemptions = [];
      });
      const s = await session(emu, ws);
      const { plan } = await planSession(s);
      await applySession(s, plan);
      const sub = DEFAULT_SUBSCRIPTIONS.corp;
      const listed = await emu.call('GET', `/subscriptions/${sub}/providers/Microsoft.Security/pricings?api-version=2024-01-01`);
      const stored = (listed.body as { value: Array<{ name: string; properties: { pricingTier: string } }> }).value;
      expect(stored.filter((p) => p.properties.pricingTier === 'Standard').map((p) => p.name).sort()).toEqual(Object.keys(ZERO_TRUST_DEFENDER_PLANS).sort());
      for (const m of members.filter((x) => !['Containers', 'AppServices'].includes(x.plan))) {
        expectMember(defender, m.ref, { parameters: ASSIGNMENT }).toBeCompliant(subscription({ subscriptionId: sub }), { related: stored as never });
      }
    } finally {
      await emu.close();
      ws.remove();
    }
  }, 60_000);

  it('leaves Containers and App Service alone, matching their members being Disabled by default', () => {
    const off = members.filter((m) => ['Containers', 'AppServices'].includes(m.plan));
    expect(off).toHaveLength(2);
    expect(written.some((p) => p.name === 'Containers' || p.name === 'AppServices')).toBe(false);
    for (const m of off) expect(expectMember(defender, m.ref, { parameters: ASSIGNMENT }).evaluate(subscription({ subscriptionId: SUB }), { related: written }).declaredEffect).toBe('disabled');
  });

  it('lays a configured plan over its Zero Trust setting: what the config restates or adds changes, the rest stays', () => {
    const partial = parseConfig(
      { ...BASE, defender: { plans: { CloudPosture: { extensions: { SensitiveDataDiscovery: true, AgentlessVmScanning: true } }, Containers: { tier: 'Standard' } } } },
      'partial.json',
    );
    const cspm = writtenPricings(partial).find((p) => p.name === 'CloudPosture')!;
    // The five CSPM extensions the built-in 72f8cee7 checks (zero-trust-controls.md ZT-MDC-01), not just the two named.
    const enabled = (cspm.properties as { extensions: Array<{ name: string; isEnabled: string }> }).extensions.filter((e) => e.isEnabled === 'True').map((e) => e.name).sort();
    expect(enabled).toEqual(['AgentlessDiscoveryForKubernetes', 'AgentlessVmScanning', 'ContainerRegistriesVulnerabilityAssessments', 'EntraPermissionsManagement', 'SensitiveDataDiscovery']);
    expect(writtenPricings(partial).map((p) => p.name)).toContain('Containers');
    expectMember(defender, builtin.configureMicrosoftDefenderCspmPlan, { parameters: ASSIGNMENT }).toBeCompliant(subscription({ subscriptionId: SUB }), { related: writtenPricings(partial) });
  });

  it('would catch the old settings: PerKeyVault and PerSubscription make the Key Vault and Resource Manager members non-compliant', () => {
    const old = parseConfig({ ...BASE, defender: { plans: { KeyVaults: { subPlan: 'PerKeyVault' }, Arm: { subPlan: 'PerSubscription' } } } }, 'old.json');
    const oldWritten = writtenPricings(old);
    for (const id of [builtin.configureMicrosoftDefenderForKeyVaultPlan, builtin.configureAzureDefenderForResourceManagerToBeEnabled]) expectMember(defender, id, { parameters: ASSIGNMENT }).toDeployIfNotExists(subscription({ subscriptionId: SUB }), { related: oldWritten });
    // ...and the planner says so before anything is written.
    const warnings = planFor(old).warnings.filter((w) => w.code === 'ZT8108');
    expect(warnings.map((w) => w.object)).toEqual(['defender.plans.KeyVaults', 'defender.plans.Arm']);
    expect(warnings[0]!.message).toContain('subPlan: PerKeyVault (Zero Trust: PerTransaction)');
    expect(planFor(config).warnings.filter((w) => w.code === 'ZT8108')).toEqual([]);
  });
});
