import { defineControl, deny, param, subnetWithout } from '../../src/dsl/index.js';

/**
 * ZT-SPK-12 (zero-trust-controls.md §3, reference ALZ Deny-Subnet-Without-Udr): every subnet carries a route table,
 * so egress can be forced through the hub firewall (ZT-HUB-12) — inline in the virtual network and as a subnet
 * resource. GatewaySubnet is deliberately not excluded: ZT-HUB-11 needs its route table. Mode All: subnets have
 * no tags or location.
 */
export default defineControl({
  name: 'zt-spk-12-subnet-route-table',
  controlId: 'ZT-SPK-12',
  displayName: 'Subnets must be associated with a route table',
  description:
    'Denies virtual networks and subnets where a subnet (other than the excluded platform subnets) has no route table, so traffic can be steered through the hub firewall.',
  principle: 'verify-explicitly',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'All',
  resourceType: 'Microsoft.Network/virtualNetworks',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    excludedSubnets: param.array({
      displayName: 'Excluded subnets',
      description: 'Subnet names that must not or need not have a route table (Bastion, Route Server; add the firewall subnets in the hub).',
      defaultValue: ['AzureBastionSubnet', 'RouteServerSubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet'],
    }),
  },
  rule: ({ p }) => ({
    if: subnetWithout('routeTable.id', p.excludedSubnets),
    then: deny(p.effect),
  }),
  remediation:
    'Create the route table for the subnet role (spoke: 0.0.0.0/0 to the hub firewall, gateway propagation off) and associate it in the same deployment that creates the subnet.',
  reason: 'Without a user-defined route the subnet reaches the Internet and other networks directly, bypassing the firewall that inspects traffic.',
});
