/**
 * ZT-HUB-04 (zero-trust-controls.md §4): only threat intelligence mode Deny passes the custom rule; built-in
 * da79a7e2, as the initiative assigns it, rejects Off only.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-04-threat-intel-deny.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { azureFirewall, expectMember, expectPolicy, firewallPolicy } from '../../../src/testing/index.js';

describe('ZT-HUB-04 threat intelligence in alert-and-deny', () => {
  const policy = expectPolicy(control);

  it('denies Alert, Off and an unset mode', () => {
    policy.toDeny(firewallPolicy({ threatIntelMode: 'Alert' }));
    policy.toDeny(firewallPolicy({ threatIntelMode: 'Off' }));
    policy.toDeny(firewallPolicy({ threatIntelMode: undefined }));
  });

  it('finds Deny compliant', () => {
    policy.toBeCompliant(firewallPolicy());
  });

  it('does not apply to firewalls', () => {
    policy.toBeNotApplicable(azureFirewall());
  });
});

describe('ZT-HUB-04 built-in da79a7e2 as assigned', () => {
  const member = expectMember(hubVnet, builtin.azureFirewallPolicyShouldEnableThreatIntelligence);

  it('denies Off but lets Alert through (why the custom rule exists)', () => {
    member.toDeny(firewallPolicy({ threatIntelMode: 'Off' }));
    member.toBeCompliant(firewallPolicy({ threatIntelMode: 'Alert' }));
    member.toBeNotApplicable(azureFirewall());
  });

  it('shares the control effect with the custom rule', () => {
    expectMember(hubVnet, builtin.azureFirewallPolicyShouldEnableThreatIntelligence, { parameters: { ztHub04Effect: 'Audit' } }).toAudit(
      firewallPolicy({ threatIntelMode: 'Off' }),
    );
    expectMember(hubVnet, control, { parameters: { ztHub04Effect: 'Audit' } }).toAudit(firewallPolicy({ threatIntelMode: 'Alert' }));
  });
});
