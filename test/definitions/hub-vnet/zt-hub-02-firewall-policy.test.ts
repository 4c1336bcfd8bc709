/** ZT-HUB-02 (zero-trust-controls.md §4): built-in 794d77cc denies a firewall without a firewall policy (classic rules). */
import { describe, it } from 'vitest';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { azureFirewall, expectMember, firewallPolicy } from '../../../src/testing/index.js';

describe('ZT-HUB-02 794d77cc firewall managed by a firewall policy', () => {
  const member = expectMember(hubVnet, builtin.azureFirewallClassicRulesShouldBeMigratedToFirewallPolicy);

  it('denies a firewall with classic rules and no policy', () => {
    member.toDeny(azureFirewall({ firewallPolicy: undefined, networkRuleCollections: [{ name: 'classic', properties: { priority: 100, action: { type: 'Allow' }, rules: [] } }] }));
  });

  it('allows a firewall with a policy', () => {
    member.toBeCompliant(azureFirewall());
  });

  it('audits during rollout, and does not apply to the policy itself', () => {
    expectMember(hubVnet, builtin.azureFirewallClassicRulesShouldBeMigratedToFirewallPolicy, { parameters: { ztHub02Effect: 'Audit' } }).toAudit(
      azureFirewall({ firewallPolicy: undefined }),
    );
    member.toBeNotApplicable(firewallPolicy());
  });
});
