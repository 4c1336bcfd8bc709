import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-HUB-06 (zero-trust-controls.md §4 step 1, §7.4 item 3): a Premium firewall policy has a TLS inspection CA
 * (transportSecurity.certificateAuthority). Audit first: Deny is safe only once the intermediate CA is in Key Vault
 * and the policy has a user-assigned identity that can read it. Alias evidence: deprecated built-in 711c24bb.
 */
export default defineControl({
  name: 'zt-hub-06-tls-inspection',
  controlId: 'ZT-HUB-06',
  displayName: 'Premium firewall policies must have TLS inspection configured',
  description: 'Audits (or denies) Premium Azure Firewall policies without a TLS inspection certificate authority.',
  principle: 'verify-explicitly',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/firewallPolicies',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/firewallPolicies'),
      field('Microsoft.Network/firewallPolicies/sku.tier').equals('Premium'),
      field('Microsoft.Network/firewallPolicies/transportSecurity.certificateAuthority').exists(false),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Put an intermediate CA certificate in Key Vault, give the policy a user-assigned identity with get access to it, and set transportSecurity.certificateAuthority (portal: Firewall policy > TLS inspection).',
  reason: 'Without TLS inspection the firewall sees only encrypted bytes, so IDPS and URL filtering cannot verify HTTPS traffic.',
});
