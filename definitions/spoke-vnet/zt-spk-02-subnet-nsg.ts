import { defineControl, deny, param, subnetWithout } from '../../src/dsl/index.js';

/**
 * ZT-SPK-02 (zero-trust-controls.md §3): every spoke subnet has a network security group. Subnets can be
 * written inline in the virtual network (checked with a count over subnets[*]) or as child resources
 * (Microsoft.Network/virtualNetworks/subnets), both through the DSL helper subnetWithout. Mode All: subnets have neither tags
 * nor location, so Indexed would never evaluate the child resource (Learn, definition structure basics).
 */
export default defineControl({
  name: 'zt-spk-02-subnet-nsg',
  controlId: 'ZT-SPK-02',
  displayName: 'Subnets must be associated with a network security group',
  description:
    'Denies virtual networks and subnets where a subnet (other than the excluded platform subnets) has no network security group, so every workload subnet filters traffic.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'All',
  resourceType: 'Microsoft.Network/virtualNetworks',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    excludedSubnets: param.array({
      displayName: 'Excluded subnets',
      description: 'Subnet names that must not or cannot have an NSG (Azure platform subnets).',
      defaultValue: ['GatewaySubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet', 'RouteServerSubnet'],
    }),
  },
  rule: ({ p }) => ({
    if: subnetWithout('networkSecurityGroup.id', p.excludedSubnets),
    then: deny(p.effect),
  }),
  remediation:
    'Create a network security group with the workload rules (deny-all at priority 4096) and associate it with the subnet in the same deployment that creates the subnet.',
  reason: 'Without an NSG a subnet allows all traffic inside the virtual network, so one compromised VM can reach every other one.',
});
