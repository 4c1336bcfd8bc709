import { allOf, anySecurityRule, defineControl, deny, destinationPortsCoverAny, INTERNET_SOURCES, isInboundAllow, param, sourceIn } from '../../src/dsl/index.js';

/**
 * ZT-SPK-06 (zero-trust-controls.md §3, reference: ALZ Deny-MgmtPorts-From-Internet): no inbound Allow rule from the
 * Internet may open a management port. Rules are checked inline in the NSG and as child securityRules resources; the
 * destination may be '*', a single port, a range ('20-4000' contains 22) or a list of those (destinationPortRanges).
 */
export default defineControl({
  name: 'zt-spk-06-no-management-ports-from-internet',
  controlId: 'ZT-SPK-06',
  displayName: 'Management ports must not be open to the Internet',
  description:
    'Denies network security groups and security rules that allow inbound traffic from any source or the Internet to a management port (SSH 22 and RDP 3389 by default), whether the port is given alone, in a range or in a port list.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'All',
  resourceType: 'Microsoft.Network/networkSecurityGroups',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    managementPorts: param.array({
      displayName: 'Management ports',
      description: 'Ports that must never be reachable from the Internet (add 5985/5986 for WinRM).',
      defaultValue: ['22', '3389'],
    }),
  },
  rule: ({ p }) => ({
    if: anySecurityRule((rule) => allOf(isInboundAllow(rule), sourceIn(rule, INTERNET_SOURCES), destinationPortsCoverAny(rule, p.managementPorts))),
    then: deny(p.effect),
  }),
  remediation:
    'Remove the rule or restrict its source to a management subnet; reach VMs through Azure Bastion or just-in-time access instead of an Internet-facing SSH/RDP port.',
  reason: 'An SSH or RDP port open to the Internet is brute-forced within minutes; Zero Trust brokers administrative access instead.',
});
