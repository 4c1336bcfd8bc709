import { allOf, audit, defineControl, fn, param, value } from '../../src/dsl/index.js';

/**
 * ZT-SPK-01 (zero-trust-controls.md §3, article step 2): network resources live in a resource group dedicated to
 * the network, recognised by a tag on the resource group (policy cannot see intent, only this convention).
 * tryGet: a resource group without the tag gives null (treated as '') instead of an evaluation error.
 */
export default defineControl({
  name: 'zt-spk-01-network-resource-group',
  controlId: 'ZT-SPK-01',
  displayName: 'Network resources must be in a dedicated network resource group',
  description:
    'Audits virtual networks, network security groups, application security groups, route tables, application gateways and WAF policies whose resource group is not tagged as a network resource group.',
  principle: 'assume-breach',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/virtualNetworks',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
    rgTagName: param.string({
      displayName: 'Resource group tag name',
      description: 'Tag on a resource group that names the Zero Trust unit it holds.',
      defaultValue: 'zt-unit',
    }),
    networkRgTagValues: param.array({
      displayName: 'Network resource group tag values',
      description: 'Tag values that mark a resource group dedicated to network resources (spoke, and hub when assigned at the root).',
      defaultValue: ['spoke-network', 'hub-network'],
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').in([
        'Microsoft.Network/virtualNetworks',
        'Microsoft.Network/networkSecurityGroups',
        'Microsoft.Network/applicationSecurityGroups',
        'Microsoft.Network/routeTables',
        'Microsoft.Network/applicationGateways',
        'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies',
      ]),
      value(fn.string(fn.coalesce(fn.tryGet(fn.resourceGroup().prop('tags'), p.rgTagName), ''))).notIn(p.networkRgTagValues),
    ),
    then: audit(p.effect),
  }),
  remediation:
    "Move the resource into the network resource group (Resource Manager 'Move resources'), or tag its resource group with the network unit if it is one.",
  reason: 'A dedicated resource group lets network roles be granted on network resources only, and keeps workload owners from editing the filters that contain them.',
});
