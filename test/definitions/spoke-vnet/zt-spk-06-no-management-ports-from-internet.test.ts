/**
 * ZT-SPK-06 (zero-trust-controls.md §3): an inbound Allow from '*', Internet, 0.0.0.0/0 or ::/0 that opens a
 * management port (22, 3389 by default) is denied: inline in the NSG and as a child securityRules resource, with
 * the port alone, in a range ('20-4000' contains 22), as '*', or in destinationPortRanges.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-06-no-management-ports-from-internet.js';
import { expectPolicy, networkSecurityGroup, routeTable, securityRule, securityRuleObject } from '../../../src/testing/index.js';

const allowFromInternet = (ports: { destinationPortRange?: string; destinationPortRanges?: string[] }, source = 'Internet') => ({
  access: 'Allow' as const,
  direction: 'Inbound' as const,
  priority: 200,
  protocol: 'Tcp',
  sourceAddressPrefix: source,
  destinationAddressPrefix: '*',
  ...ports,
});
const nsgWith = (...rules: ReturnType<typeof securityRuleObject>[]) => networkSecurityGroup({ securityRules: rules });

describe('ZT-SPK-06 no management ports from the Internet', () => {
  const policy = expectPolicy(control);

  it('denies an NSG with an inline rule opening SSH to the Internet', () => {
    policy.toDeny(nsgWith(securityRuleObject('ssh', allowFromInternet({ destinationPortRange: '22' }))));
  });

  it('denies a child security rule opening RDP from any source', () => {
    policy.toDeny(securityRule(allowFromInternet({ destinationPortRange: '3389' }, '*')));
  });

  it('denies a port range that contains a management port, inline and as a child', () => {
    policy.toDeny(nsgWith(securityRuleObject('wide', allowFromInternet({ destinationPortRange: '20-4000' }))));
    policy.toDeny(securityRule(allowFromInternet({ destinationPortRange: '3000-3389' }, '0.0.0.0/0')));
  });

  it('denies a port list whose member is a management port or a range containing one', () => {
    policy.toDeny(nsgWith(securityRuleObject('list', allowFromInternet({ destinationPortRanges: ['443', '3389'] }))));
    policy.toDeny(securityRule(allowFromInternet({ destinationPortRange: undefined, destinationPortRanges: ['80', '10-30'] })));
  });

  it("denies '*' as destination port and a source list containing the Internet", () => {
    policy.toDeny(nsgWith(securityRuleObject('any', allowFromInternet({ destinationPortRange: '*' }))));
    policy.toDeny(
      securityRule({ ...allowFromInternet({ destinationPortRange: '22' }), sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.0.0.0/8', '::/0'] }),
    );
  });

  it('finds ranges that stop short of or start after the management ports compliant', () => {
    policy.toBeCompliant(nsgWith(securityRuleObject('web', allowFromInternet({ destinationPortRange: '23-3388' }))));
    policy.toBeCompliant(securityRule(allowFromInternet({ destinationPortRanges: ['80', '443', '3390-4000'] })));
  });

  it('allows SSH from a private source, denied SSH from the Internet, and outbound rules', () => {
    policy.toBeCompliant(securityRule({ ...allowFromInternet({ destinationPortRange: '22' }), sourceAddressPrefix: '10.0.0.0/24' }));
    policy.toBeCompliant(securityRule({ ...allowFromInternet({ destinationPortRange: '22' }), access: 'Deny' }));
    policy.toBeCompliant(securityRule({ ...allowFromInternet({ destinationPortRange: '22' }), direction: 'Outbound' }));
    policy.toBeCompliant(networkSecurityGroup());
  });

  it('honours a custom port list (WinRM)', () => {
    const winrm = securityRule(allowFromInternet({ destinationPortRange: '5986' }));
    policy.toBeCompliant(winrm);
    policy.withParameters({ managementPorts: ['22', '3389', '5985', '5986'] }).toDeny(winrm);
  });

  it('does not apply to route tables', () => {
    policy.toBeNotApplicable(routeTable());
  });

  it('audits instead when assigned with effect Audit', () => {
    policy.withParameters({ effect: 'Audit' }).toAudit(securityRule(allowFromInternet({ destinationPortRange: '22' })));
  });
});
