import { allOf, count, defineControl, deny, param } from '../../src/dsl/index.js';

const RC = 'Microsoft.Network/firewallPolicies/ruleCollectionGroups/ruleCollections[*]';
const RULES = `${RC}.FirewallPolicyFilterRuleCollection.rules[*]` as const;

/**
 * ZT-HUB-07 (zero-trust-controls.md §4 step 1, §7.4 item 3): HTTPS application rules terminate (inspect) TLS. The
 * rules sit two arrays deep in a rule collection group: ruleCollections[*] (filter or NAT collections) ->
 * rules[*] (application, network or NAT rules, told apart by ruleType) -> protocols[*]. A group is a violation when
 * some collection not named in exemptRuleCollectionNames holds an application rule with an HTTPS protocol whose
 * terminateTLS is not true (missing counts as false, the API default). Alias evidence: deprecated built-in a58ac66d.
 */
export default defineControl({
  name: 'zt-hub-07-application-rules-inspect-tls',
  controlId: 'ZT-HUB-07',
  displayName: 'Firewall application rules for HTTPS must inspect TLS',
  description:
    'Audits firewall policy rule collection groups with an HTTPS application rule that does not terminate TLS, outside the exempt rule collections.',
  principle: 'verify-explicitly',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'All',
  resourceType: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
    exemptRuleCollectionNames: param.array({
      displayName: 'Exempt rule collections',
      description: 'Rule collections whose traffic cannot be TLS-terminated (certificate pinning, Azure Virtual Desktop).',
      defaultValue: [],
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/firewallPolicies/ruleCollectionGroups'),
      count(
        field(RC),
        allOf(
          field(`${RC}.name`).notIn(p.exemptRuleCollectionNames),
          count(
            field(RULES),
            allOf(
              field(`${RULES}.ruleType`).equals('ApplicationRule'),
              field(`${RULES}.ApplicationRule.terminateTLS`).notEquals(true),
              count(field(`${RULES}.ApplicationRule.protocols[*]`), field(`${RULES}.ApplicationRule.protocols[*].protocolType`).equals('Https')).greater(0),
            ),
          ).greater(0),
        ),
      ).greater(0),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Enable TLS inspection on the application rule (terminateTLS: true) once ZT-HUB-06 is in place, or move workloads that cannot be inspected to an exempt rule collection.',
  reason: 'An HTTPS allow without inspection lets any payload through an allowed FQDN, including exfiltration and malware downloads.',
});
