import {
  allOf,
  anySecurityRule,
  defineControl,
  deny,
  destinationPortsOnly,
  fn,
  INTERNET_SOURCES,
  isInboundAllow,
  not,
  param,
  sourceIn,
  value,
} from '../../src/dsl/index.js';

/**
 * ZT-SPK-07 (zero-trust-controls.md §3, §7.4 item 4): inbound Allow rules from any source ('*', Internet,
 * 0.0.0.0/0, ::/0) are violations, except on the public ingress NSGs (the App Gateway subnet) and then only to the
 * allowed public ports exactly (default 443: no '*', no range, no other port in a list). Inline and child rules.
 * The NSG name of a child rule is the first segment of its fullName ('<nsg>/<rule>').
 */
export default defineControl({
  name: 'zt-spk-07-no-any-source-inbound',
  controlId: 'ZT-SPK-07',
  displayName: 'Inbound rules must not allow traffic from any source',
  description:
    'Audits network security groups and security rules that allow inbound traffic from any source or the Internet, except to the allowed public ports on the public ingress NSGs.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'All',
  resourceType: 'Microsoft.Network/networkSecurityGroups',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
    publicIngressNsgNames: param.array({
      displayName: 'Public ingress NSG names',
      description: 'NSGs that may accept traffic from the Internet (the Application Gateway subnet NSG).',
      defaultValue: [],
    }),
    allowedPublicPorts: param.array({
      displayName: 'Allowed public ports',
      description: 'Destination ports a public ingress NSG may open to any source.',
      defaultValue: ['443'],
    }),
  },
  rule: ({ field, p }) => ({
    if: anySecurityRule((rule) =>
      allOf(
        isInboundAllow(rule),
        sourceIn(rule, INTERNET_SOURCES),
        not(
          allOf(
            (rule.shape === 'inline' ? field('name') : value(fn.first(fn.split(field('fullName'), '/')))).in(p.publicIngressNsgNames),
            destinationPortsOnly(rule, p.allowedPublicPorts),
          ),
        ),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Replace the any-source rule with rules from named sources (application security groups, the App Gateway subnet, the hub prefixes); only the ingress NSG may accept Internet traffic, on 443.',
  reason: 'Zero Trust allows explicit paths only: an any-source allow exposes every VM behind the NSG to the Internet.',
});
