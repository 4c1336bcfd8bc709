/**
 * ZT-SPK-11 (zero-trust-controls.md §3): built-in 12430be1 with modeRequirement = the initiative's wafMode
 * (Prevention; the built-in's own default is Detection) and built-in ca85ef9a (request body inspection).
 */
import { describe, it } from 'vitest';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { applicationGateway, expectMember, wafPolicy } from '../../../src/testing/index.js';

describe('ZT-SPK-11 12430be1 WAF mode', () => {
  const member = expectMember(spokeVnet, builtin.webApplicationFirewallWafShouldUseTheSpecifiedModeForApplicationGateway);

  it('denies a WAF policy in Detection mode (the initiative requires Prevention)', () => {
    member.toDeny(wafPolicy({ policySettings: { mode: 'Detection' } }));
  });

  it('allows Prevention', () => {
    member.toBeCompliant(wafPolicy());
  });

  it('does not apply to the gateway itself', () => {
    member.toBeNotApplicable(applicationGateway());
  });
});

describe('ZT-SPK-11 ca85ef9a request body inspection', () => {
  const member = expectMember(spokeVnet, builtin.azureWebApplicationFirewallOnAzureApplicationGatewayShouldHaveRequestBodyInspectionEnabled);

  it('denies a WAF policy with body inspection off, allows it on', () => {
    member.toDeny(wafPolicy({ policySettings: { requestBodyCheck: false } }));
    member.toBeCompliant(wafPolicy());
    member.toBeNotApplicable(applicationGateway());
  });

  it('audits during rollout', () => {
    expectMember(spokeVnet, builtin.azureWebApplicationFirewallOnAzureApplicationGatewayShouldHaveRequestBodyInspectionEnabled, {
      parameters: { ztSpk11Effect: 'Audit' },
    }).toAudit(wafPolicy({ policySettings: { requestBodyCheck: false } }));
  });
});
