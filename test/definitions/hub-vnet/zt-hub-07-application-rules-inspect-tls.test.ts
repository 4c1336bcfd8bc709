/**
 * ZT-HUB-07 (zero-trust-controls.md §4, §7.4 item 3): in a rule collection group (ruleCollections[*] ->
 * rules[*] -> protocols[*]), an HTTPS application rule without terminateTLS is audited unless its collection is
 * exempt; HTTP-only application rules and network rules are not concerned.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-07-application-rules-inspect-tls.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { applicationRule, expectMember, expectPolicy, filterRuleCollection, firewallPolicy, networkRule, ruleCollectionGroup } from '../../../src/testing/index.js';

const group = (...collections: ReturnType<typeof filterRuleCollection>[]) => ruleCollectionGroup({ ruleCollections: collections });

describe('ZT-HUB-07 application rules inspect TLS', () => {
  const policy = expectPolicy(control);

  it('audits an HTTPS application rule with terminateTLS false, in the second rule of the second collection', () => {
    policy.toAudit(
      group(
        filterRuleCollection('net-ntp', [networkRule('ntp')], 100),
        filterRuleCollection('app-egress', [applicationRule('inspected'), applicationRule('not-inspected', { terminateTLS: false })], 200),
      ),
    );
  });

  it('treats a missing terminateTLS as not inspected, and finds an HTTPS rule among several protocols', () => {
    const { terminateTLS: _omit, ...noFlag } = applicationRule('no-flag', { protocols: [{ protocolType: 'Http', port: 80 }, { protocolType: 'Https', port: 443 }] });
    policy.toAudit(group(filterRuleCollection('app-egress', [noFlag])));
  });

  it('finds inspected HTTPS rules, HTTP-only rules and network rules compliant', () => {
    policy.toBeCompliant(ruleCollectionGroup());
    policy.toBeCompliant(group(filterRuleCollection('app-http', [applicationRule('http-only', { terminateTLS: false, protocols: [{ protocolType: 'Http', port: 80 }] })])));
    policy.toBeCompliant(group(filterRuleCollection('net-only', [networkRule('dns', ['53'])])));
    policy.toBeCompliant(group());
  });

  it('skips the exempt collections (e.g. Azure Virtual Desktop) but not the others', () => {
    const avd = filterRuleCollection('app-avd', [applicationRule('avd', { terminateTLS: false })]);
    const other = filterRuleCollection('app-other', [applicationRule('other', { terminateTLS: false })]);
    const exempt = expectMember(hubVnet, control, { parameters: { exemptRuleCollectionNames: ['app-avd'] } });
    exempt.toBeCompliant(group(avd));
    exempt.toAudit(group(avd, other));
  });

  it('does not apply to the firewall policy', () => {
    policy.toBeNotApplicable(firewallPolicy());
  });
});
