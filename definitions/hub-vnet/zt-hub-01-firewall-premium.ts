import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-HUB-01 (zero-trust-controls.md §4): the hub firewall is Azure Firewall Premium (TLS inspection, IDPS,
 * URL filtering). Built-in 8c19196d only flags Standard; this custom rule also catches Basic.
 */
export default defineControl({
  name: 'zt-hub-01-firewall-premium',
  controlId: 'ZT-HUB-01',
  displayName: 'Azure Firewall must use the Premium tier',
  description:
    'Denies Azure Firewall instances whose SKU tier is not Premium, because TLS inspection and intrusion detection and prevention are Premium features.',
  principle: 'assume-breach',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/azureFirewalls',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/azureFirewalls'),
      field('Microsoft.Network/azureFirewalls/sku.tier').notEquals('Premium'),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Upgrade the firewall to Premium (Azure portal: Firewall > Change SKU, or redeploy with sku.tier Premium) and attach a Premium firewall policy.',
  reason: 'Zero Trust assumes breach: east-west and outbound traffic must be inspected, which needs the Premium inspection features.',
});
