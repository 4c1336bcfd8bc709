/**
 * ZT-SPK-04 clash audit: the NSG lacks DenyAllInbound and the Modify cannot add it because inbound priority 4096
 * (or the name) is taken.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-04-deny-all-inbound-clash.js';
import { expectPolicy, networkSecurityGroup, routeTable, securityRuleObject } from '../../../src/testing/index.js';

const legacyAt = (priority: number, direction: 'Inbound' | 'Outbound' = 'Inbound') =>
  securityRuleObject('Allow-Legacy', { access: 'Allow', direction, priority, sourceAddressPrefix: '10.0.0.0/8', destinationAddressPrefix: '*', destinationPortRange: '8080' });

describe('ZT-SPK-04 priority 4096 inbound clash', () => {
  const policy = expectPolicy(control);

  it('audits an NSG whose inbound priority 4096 holds another rule', () => {
    policy.toAudit(networkSecurityGroup({ securityRules: [legacyAt(4096)] }));
  });

  it('audits an NSG where a rule named DenyAllInbound is not the baseline', () => {
    policy.toAudit(
      networkSecurityGroup({
        securityRules: [securityRuleObject('DenyAllInbound', { access: 'Deny', direction: 'Inbound', priority: 4000, sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*', destinationPortRange: '*' })],
      }),
    );
  });

  it('finds compliant an NSG with the baseline, and one the Modify can fix (slot free)', () => {
    policy.toBeCompliant(networkSecurityGroup());
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [legacyAt(4000)] }));
    policy.toBeCompliant(networkSecurityGroup({ securityRules: [legacyAt(4096, 'Outbound')] }));
  });

  it('follows a custom baseline priority', () => {
    policy.withParameters({ denyRulePriority: 4000 }).toAudit(networkSecurityGroup({ securityRules: [legacyAt(4000)] }));
  });

  it('does not apply to route tables', () => {
    policy.toBeNotApplicable(routeTable());
  });
});
