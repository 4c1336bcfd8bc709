import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-HUB-05 (zero-trust-controls.md §4 step 1): IDPS runs in "alert and deny" on Premium policies (IDPS does not
 * exist below Premium; ZT-HUB-03 covers the tier). A missing intrusionDetection block means IDPS is off.
 * Alias evidence: deprecated built-in 6484db87.
 */
export default defineControl({
  name: 'zt-hub-05-idps-deny',
  controlId: 'ZT-HUB-05',
  displayName: 'Premium firewall policies must run IDPS in alert-and-deny mode',
  description: "Denies Premium Azure Firewall policies whose intrusion detection mode is missing or not 'Deny'.",
  principle: 'assume-breach',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/firewallPolicies',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/firewallPolicies'),
      field('Microsoft.Network/firewallPolicies/sku.tier').equals('Premium'),
      field('Microsoft.Network/firewallPolicies/intrusionDetection.mode').notEquals('Deny'),
    ),
    then: deny(p.effect),
  }),
  remediation: 'Set intrusionDetection.mode to Deny on the firewall policy (portal: Firewall policy > IDPS > Alert and deny); tune false positives with signature overrides, not by switching IDPS off.',
  reason: 'Signature-based detection stops known exploits and command-and-control traffic crossing the hub; alert-only mode records the breach without stopping it.',
});
