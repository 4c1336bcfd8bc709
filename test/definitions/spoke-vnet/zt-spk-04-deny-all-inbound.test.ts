/**
 * ZT-SPK-04 (zero-trust-controls.md §3, §7.4 item 1): Modify appends DenyAllInbound at priority 4096 to an NSG
 * without it — only when no other inbound rule holds 4096 and no rule has the name (the clash audit's case).
 */
import { describe, expect, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-04-deny-all-inbound.js';
import { applyMutations } from '../../../src/evaluator/index.js';
import { expectPolicy, networkSecurityGroup, securityRule, securityRuleObject } from '../../../src/testing/index.js';

const https = securityRuleObject('Allow-Https', { access: 'Allow', direction: 'Inbound', priority: 100, protocol: 'Tcp', sourceAddressPrefix: '10.1.0.0/24', destinationAddressPrefix: '*', destinationPortRange: '443' });
const denyAll = (direction: 'Inbound' | 'Outbound', extra: Record<string, unknown> = {}) =>
  securityRuleObject(`DenyAll${direction}`, { access: 'Deny', direction, priority: 4096, protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*', ...extra });
const expectedRule = {
  name: 'DenyAllInbound',
  properties: {
    description: 'Zero Trust baseline (ZT-SPK-04): deny all inbound traffic not allowed above.',
    access: 'Deny',
    direction: 'Inbound',
    priority: 4096,
    protocol: '*',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  },
};

describe('ZT-SPK-04 DenyAllInbound at priority 4096 (Modify)', () => {
  const policy = expectPolicy(control);

  it('adds the rule to an NSG that has only allows, and the request then carries it', () => {
    const nsg = networkSecurityGroup({ securityRules: [https, denyAll('Outbound')] });
    const result = policy.toModify(nsg, [{ operation: 'add', field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]', value: expectedRule }]);
    const { resource: after, skipped } = applyMutations(nsg, result);
    expect(skipped).toEqual([]);
    expect((after as typeof nsg & { properties: { securityRules: { name: string }[] } }).properties.securityRules.map((r) => r.name)).toEqual(['Allow-Https', 'DenyAllOutbound', 'DenyAllInbound']);
    // Once added, the NSG is compliant: the Modify does not fire twice.
    policy.toBeCompliant(after as object);
  });

  it('adds the rule to an empty NSG (the case ALZ Modify-NSG handles)', () => {
    policy.toModify(networkSecurityGroup({ securityRules: [] }), [{ operation: 'add', value: expectedRule }]);
  });

  it('finds an NSG with the baseline compliant', () => {
    policy.toBeCompliant(networkSecurityGroup());
  });

  it('does not modify when priority 4096 inbound is taken by another rule (would be SecurityRuleConflict)', () => {
    const clash = securityRuleObject('Allow-Legacy', { access: 'Allow', direction: 'Inbound', priority: 4096, sourceAddressPrefix: '10.0.0.0/8', destinationAddressPrefix: '*', destinationPortRange: '8080' });
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [https, clash] }));
  });

  it('does not modify when a rule already uses the name at another priority', () => {
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [https, { ...denyAll('Inbound'), properties: { ...(denyAll('Inbound').properties as object), priority: 4000 } }] }));
  });

  it('treats a 4096 inbound deny that is not deny-all (one port) as a clash, not as the baseline', () => {
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [https, denyAll('Inbound', { destinationPortRange: '22' })] }));
  });

  it('an outbound rule at 4096 does not block the inbound baseline', () => {
    policy.toModify(networkSecurityGroup({ securityRules: [https, denyAll('Outbound')] }));
  });

  it('uses the configured priority and audits instead when assigned with effect Audit', () => {
    policy.withParameters({ denyRulePriority: 4000 }).toModify(networkSecurityGroup({ securityRules: [https] }), [{ value: { ...expectedRule, properties: { ...expectedRule.properties, priority: 4000 } } }]);
    policy.withParameters({ effect: 'Audit' }).toAudit(networkSecurityGroup({ securityRules: [https] }));
  });

  it('does not apply to child security rules (an NSG GET lists them inline)', () => {
    policy.toBeNotApplicable(securityRule());
  });
});
