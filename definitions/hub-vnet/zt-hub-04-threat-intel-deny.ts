import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-HUB-04 (zero-trust-controls.md §4 step 1): threat intelligence runs in "alert and deny". Built-in da79a7e2
 * rejects only 'Off'; this control also rejects 'Alert' and an unset mode (Azure's default is Alert).
 */
export default defineControl({
  name: 'zt-hub-04-threat-intel-deny',
  controlId: 'ZT-HUB-04',
  displayName: 'Azure Firewall policies must run threat intelligence in alert-and-deny mode',
  description: "Denies Azure Firewall policies whose threat intelligence mode is not 'Deny' (alert and deny).",
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
    if: allOf(field('type').equals('Microsoft.Network/firewallPolicies'), field('Microsoft.Network/firewallPolicies/threatIntelMode').notEquals('Deny')),
    then: deny(p.effect),
  }),
  remediation: "Set the policy's threatIntelMode to Deny (portal: Firewall policy > Threat intelligence > Alert and deny).",
  reason: 'Known-malicious addresses and domains should be blocked, not only reported, to contain a breach.',
});
