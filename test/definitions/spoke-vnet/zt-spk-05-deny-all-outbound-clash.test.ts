/** ZT-SPK-05 clash audit: no DenyAllOutbound and outbound priority 4096 (or the name) taken. */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-05-deny-all-outbound-clash.js';
import { expectPolicy, networkSecurityGroup, routeTable, securityRuleObject } from '../../../src/testing/index.js';

const ntpAt = (priority: number, direction: 'Inbound' | 'Outbound' = 'Outbound') =>
  securityRuleObject('Allow-Ntp', { access: 'Allow', direction, priority, protocol: 'Udp', sourceAddressPrefix: '*', destinationAddressPrefix: 'Internet', destinationPortRange: '123' });

describe('ZT-SPK-05 priority 4096 outbound clash', () => {
  const policy = expectPolicy(control);

  it('audits an NSG whose outbound priority 4096 holds another rule', () => {
    policy.toAudit(networkSecurityGroup({ securityRules: [ntpAt(4096)] }));
  });

  it('in firewallEgress mode a deny-all to * at 4096 is not the baseline and blocks it', () => {
    const denyStar = securityRuleObject('DenyAllOutbound', { access: 'Deny', direction: 'Outbound', priority: 4096, sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*' });
    policy.withParameters({ outboundMode: 'firewallEgress' }).toAudit(networkSecurityGroup({ securityRules: [denyStar] }));
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [denyStar] }));
  });

  it('finds compliant the baseline NSG and one with the slot free', () => {
    policy.toBeCompliant(networkSecurityGroup());
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [ntpAt(4000), ntpAt(4096, 'Inbound')] }));
  });

  it('does not apply to route tables', () => {
    policy.toBeNotApplicable(routeTable());
  });
});
