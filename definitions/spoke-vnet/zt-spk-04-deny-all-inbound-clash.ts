import { allOf, audit, blocksDenyAllRule, countRules, defineControl, denyRulePriorityParameter, isDenyAllRule, param } from '../../src/dsl/index.js';

/**
 * ZT-SPK-04 companion (zero-trust-controls.md §3 "also audit the case priority 4096 taken by a different rule"):
 * an NSG without the baseline DenyAllInbound rule whose slot is taken — another inbound rule at the baseline
 * priority, or a rule with the baseline name — cannot be fixed by zt-spk-04-deny-all-inbound (the Modify would fail
 * with SecurityRuleConflict), so it is reported here for a person to renumber the rules.
 */
export default defineControl({
  name: 'zt-spk-04-deny-all-inbound-clash',
  controlId: 'ZT-SPK-04',
  displayName: 'Network security groups whose priority 4096 inbound slot blocks the DenyAllInbound baseline',
  description:
    'Audits network security groups that lack the baseline DenyAllInbound rule while another inbound rule holds its priority (or its name), which the baseline Modify cannot fix.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/networkSecurityGroups',
  parameters: {
    effect: param.effect(['Audit', 'Disabled'], 'Audit'),
    denyRulePriority: denyRulePriorityParameter,
    ruleName: param.string({ displayName: 'Rule name', description: 'Name of the added rule.', defaultValue: 'DenyAllInbound' }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/networkSecurityGroups'),
      countRules((r) => isDenyAllRule(r, 'Inbound', p.denyRulePriority, '*')).equals(0),
      countRules((r) => blocksDenyAllRule(r, 'Inbound', p.denyRulePriority, p.ruleName)).greater(0),
    ),
    then: audit(p.effect),
  }),
  remediation:
    'Move the rule that holds inbound priority 4096 to a free priority (or rename the rule that uses the baseline name), then let the baseline Modify add DenyAllInbound.',
  reason: 'Without the baseline the NSG falls back to the default rules, which allow all traffic inside the virtual network.',
});
