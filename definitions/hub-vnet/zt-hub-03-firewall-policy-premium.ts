import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-HUB-03 (zero-trust-controls.md §4 step 1): the firewall policy is Premium, the tier that carries TLS
 * inspection and IDPS (ZT-HUB-05/06). No built-in covers the policy's tier.
 */
export default defineControl({
  name: 'zt-hub-03-firewall-policy-premium',
  controlId: 'ZT-HUB-03',
  displayName: 'Azure Firewall policies must use the Premium tier',
  description: 'Denies Azure Firewall policies whose tier is not Premium (Basic, Standard, or unset), because TLS inspection and IDPS need a Premium policy.',
  principle: 'verify-explicitly',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/firewallPolicies',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
  },
  rule: ({ field, p }) => ({
    if: allOf(field('type').equals('Microsoft.Network/firewallPolicies'), field('Microsoft.Network/firewallPolicies/sku.tier').notEquals('Premium')),
    then: deny(p.effect),
  }),
  remediation: 'Create the policy with sku.tier Premium (the tier cannot be changed in place on every API version: redeploy and re-associate it with the firewall).',
  reason: 'Only a Premium policy can inspect TLS and run IDPS in deny mode; a Standard policy leaves encrypted traffic unverified.',
});
