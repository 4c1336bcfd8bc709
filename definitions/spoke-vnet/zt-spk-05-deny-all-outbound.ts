import { allOf, blocksDenyAllRule, countRules, defineControl, denyAllRuleObject, denyRulePriorityParameter, isDenyAllRule, outboundBaselineDestination, outboundModeParameter, param, roles } from '../../src/dsl/index.js';

/**
 * ZT-SPK-05 (zero-trust-controls.md §3, §7.4 item 1): every NSG ends with a DenyAllOutbound rule at priority 4096.
 * outboundMode follows the article's alternative: 'denyAll' denies every destination; 'firewallEgress' denies only
 * destination VirtualNetwork, leaving Internet egress to the spoke default route through Azure Firewall (ZT-HUB-12).
 * Same mechanics as ZT-SPK-04: Modify appends the rule when the outbound slot and the name are free; otherwise
 * zt-spk-05-deny-all-outbound-clash reports it.
 */
export default defineControl({
  name: 'zt-spk-05-deny-all-outbound',
  controlId: 'ZT-SPK-05',
  displayName: 'Network security groups must end with a DenyAllOutbound rule at priority 4096',
  description:
    'Adds a Deny rule for outbound traffic (all destinations, or only the virtual network when egress goes through Azure Firewall) at the baseline priority to network security groups that lack one, when no other outbound rule holds that priority.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/networkSecurityGroups',
  parameters: {
    effect: param.effect(['Modify', 'Audit', 'Disabled'], 'Modify'),
    denyRulePriority: denyRulePriorityParameter,
    ruleName: param.string({ displayName: 'Rule name', description: 'Name of the added rule.', defaultValue: 'DenyAllOutbound' }),
    outboundMode: outboundModeParameter,
  },
  rule: ({ field, p, modify }) => {
    const destination = outboundBaselineDestination(p.outboundMode);
    return {
      if: allOf(
        field('type').equals('Microsoft.Network/networkSecurityGroups'),
        countRules((r) => isDenyAllRule(r, 'Outbound', p.denyRulePriority, destination)).equals(0),
        countRules((r) => blocksDenyAllRule(r, 'Outbound', p.denyRulePriority, p.ruleName)).equals(0),
      ),
      then: modify(
        {
          roleDefinitionIds: [roles.networkContributor],
          conflictEffect: 'audit',
          operations: [
            {
              operation: 'add',
              field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
              value: denyAllRuleObject(p.ruleName, 'Outbound', p.denyRulePriority, destination, 'Zero Trust baseline (ZT-SPK-05): deny outbound traffic not allowed above.'),
            },
          ],
        },
        p.effect,
      ),
    };
  },
  remediation:
    'Run a remediation task for existing NSGs, or add the rule to the NSG template: access Deny, direction Outbound, priority 4096, destination * (or VirtualNetwork with firewall egress).',
  reason: 'Default outbound rules let a compromised VM reach any address; an explicit deny makes every egress path a deliberate rule or a firewall decision.',
});
