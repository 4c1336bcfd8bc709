/**
 * ZT-SPK-05 (zero-trust-controls.md §3): Modify appends DenyAllOutbound at 4096 (destination '*', or
 * VirtualNetwork when outboundMode is firewallEgress) when the outbound slot and the name are free.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-05-deny-all-outbound.js';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { expectMember, expectPolicy, networkSecurityGroup, securityRule, securityRuleObject } from '../../../src/testing/index.js';

const denyAll = (direction: 'Inbound' | 'Outbound', destinationAddressPrefix = '*') =>
  securityRuleObject(`DenyAll${direction}`, { access: 'Deny', direction, priority: 4096, protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix, destinationPortRange: '*' });
const added = (destinationAddressPrefix: string) => ({
  operation: 'add' as const,
  field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
  value: {
    name: 'DenyAllOutbound',
    properties: {
      description: 'Zero Trust baseline (ZT-SPK-05): deny outbound traffic not allowed above.',
      access: 'Deny',
      direction: 'Outbound',
      priority: 4096,
      protocol: '*',
      sourceAddressPrefix: '*',
      sourcePortRange: '*',
      destinationAddressPrefix,
      destinationPortRange: '*',
    },
  },
});

describe('ZT-SPK-05 DenyAllOutbound at priority 4096 (Modify)', () => {
  const policy = expectPolicy(control);

  it('adds a deny-all outbound rule to an NSG without one', () => {
    policy.toModify(networkSecurityGroup({ securityRules: [denyAll('Inbound')] }), [added('*')]);
  });

  it('in firewallEgress mode adds a deny to VirtualNetwork, and accepts that rule as the baseline', () => {
    const firewall = policy.withParameters({ outboundMode: 'firewallEgress' });
    firewall.toModify(networkSecurityGroup({ securityRules: [denyAll('Inbound')] }), [added('VirtualNetwork')]);
    firewall.toBeCompliant(networkSecurityGroup({ securityRules: [denyAll('Inbound'), denyAll('Outbound', 'VirtualNetwork')] }));
  });

  it('finds the hardened NSG compliant', () => {
    policy.toBeCompliant(networkSecurityGroup());
  });

  it('does not modify when outbound 4096 is taken by another rule', () => {
    const clash = securityRuleObject('Allow-Ntp', { access: 'Allow', direction: 'Outbound', priority: 4096, protocol: 'Udp', sourceAddressPrefix: '*', destinationAddressPrefix: 'Internet', destinationPortRange: '123' });
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [denyAll('Inbound'), clash] }));
  });

  it('passes the initiative\u2019s outbound mode and effect', () => {
    expectMember(spokeVnet, control, { parameters: { outboundMode: 'firewallEgress' } }).toModify(networkSecurityGroup({ securityRules: [] }), [added('VirtualNetwork')]);
    expectMember(spokeVnet, control, { parameters: { ztSpk05Effect: 'Audit' } }).toAudit(networkSecurityGroup({ securityRules: [] }));
  });

  it('does not apply to child security rules', () => {
    policy.toBeNotApplicable(securityRule());
  });
});
