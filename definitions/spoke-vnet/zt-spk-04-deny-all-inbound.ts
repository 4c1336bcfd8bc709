import { allOf, blocksDenyAllRule, countRules, defineControl, denyAllRuleObject, denyRulePriorityParameter, isDenyAllRule, param, roles } from '../../src/dsl/index.js';

/**
 * ZT-SPK-04 (zero-trust-controls.md §3, §7.4 item 1): every NSG ends with a DenyAllInbound rule at priority 4096 (the
 * lowest custom priority), so only the explicit allows above it pass. Modify adds the rule to securityRules[*]
 * (an "add" on a [*] alias appends one member, aliases-and-arrays.md §6.7) — but only when the slot is free: if
 * another inbound rule holds that priority, or a rule already has the name, the PUT would fail with
 * SecurityRuleConflict, so this definition leaves such NSGs to zt-spk-04-deny-all-inbound-clash (audit).
 * A GET of an NSG lists child securityRules resources inline, so the count sees rules however they were created.
 */
export default defineControl({
  name: 'zt-spk-04-deny-all-inbound',
  controlId: 'ZT-SPK-04',
  displayName: 'Network security groups must end with a DenyAllInbound rule at priority 4096',
  description:
    'Adds a Deny rule for all inbound traffic at the baseline priority to network security groups that lack one, when no other inbound rule holds that priority.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/networkSecurityGroups',
  parameters: {
    effect: param.effect(['Modify', 'Audit', 'Disabled'], 'Modify'),
    denyRulePriority: denyRulePriorityParameter,
    ruleName: param.string({ displayName: 'Rule name', description: 'Name of the added rule.', defaultValue: 'DenyAllInbound' }),
  },
  rule: ({ field, p, modify }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/networkSecurityGroups'),
      countRules((r) => isDenyAllRule(r, 'Inbound', p.denyRulePriority, '*')).equals(0),
      countRules((r) => blocksDenyAllRule(r, 'Inbound', p.denyRulePriority, p.ruleName)).equals(0),
    ),
    then: modify(
      {
        roleDefinitionIds: [roles.networkContributor],
        conflictEffect: 'audit',
        operations: [
          {
            operation: 'add',
            field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
            value: denyAllRuleObject(p.ruleName, 'Inbound', p.denyRulePriority, '*', 'Zero Trust baseline (ZT-SPK-04): deny all inbound traffic not allowed above.'),
          },
        ],
      },
      p.effect,
    ),
  }),
  remediation:
    'Run a remediation task for existing NSGs, or add the rule to the NSG template: access Deny, direction Inbound, priority 4096, protocol/source/destination/ports *.',
  reason: "Azure's default rules allow all traffic inside the virtual network; an explicit deny-all makes every allowed flow a deliberate rule.",
});
