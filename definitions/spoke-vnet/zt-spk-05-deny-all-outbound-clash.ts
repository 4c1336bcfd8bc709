import { allOf, audit, blocksDenyAllRule, countRules, defineControl, denyRulePriorityParameter, isDenyAllRule, outboundBaselineDestination, outboundModeParameter, param } from '../../src/dsl/index.js';

/**
 * ZT-SPK-05 companion: an NSG without the baseline DenyAllOutbound rule whose outbound baseline slot (or the rule
 * name) is taken, which zt-spk-05-deny-all-outbound cannot fix (SecurityRuleConflict).
 */
export default defineControl({
  name: 'zt-spk-05-deny-all-outbound-clash',
  controlId: 'ZT-SPK-05',
  displayName: 'Network security groups whose priority 4096 outbound slot blocks the DenyAllOutbound baseline',
  description:
    'Audits network security groups that lack the baseline DenyAllOutbound rule while another outbound rule holds its priority (or its name), which the baseline Modify cannot fix.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/networkSecurityGroups',
  parameters: {
    effect: param.effect(['Audit', 'Disabled'], 'Audit'),
    denyRulePriority: denyRulePriorityParameter,
    ruleName: param.string({ displayName: 'Rule name', description: 'Name of the added rule.', defaultValue: 'DenyAllOutbound' }),
    outboundMode: outboundModeParameter,
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/networkSecurityGroups'),
      countRules((r) => isDenyAllRule(r, 'Outbound', p.denyRulePriority, outboundBaselineDestination(p.outboundMode))).equals(0),
      countRules((r) => blocksDenyAllRule(r, 'Outbound', p.denyRulePriority, p.ruleName)).greater(0),
    ),
    then: audit(p.effect),
  }),
  remediation:
    'Move the rule that holds outbound priority 4096 to a free priority (or rename the rule that uses the baseline name), then let the baseline Modify add DenyAllOutbound.',
  reason: 'Without the baseline the NSG falls back to the default rules, which allow outbound traffic to the virtual network and the Internet.',
});
