/**
 * ZT-SPK-10 (zero-trust-controls.md §3): built-ins 564feb30 (WAF configuration or policy present) and ff1f1879
 * (a WAF policy is attached), both denying by default through ztSpk10Effect.
 */
import { describe, it } from 'vitest';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { applicationGateway, expectMember, wafPolicy } from '../../../src/testing/index.js';

const noWaf = () => applicationGateway({ firewallPolicy: undefined, sku: { name: 'Standard_v2', tier: 'Standard_v2' } });
const legacyWafConfig = () => applicationGateway({ firewallPolicy: undefined, webApplicationFirewallConfiguration: { enabled: true, firewallMode: 'Prevention', ruleSetType: 'OWASP', ruleSetVersion: '3.2' } });

describe('ZT-SPK-10 564feb30 WAF enabled for Application Gateway', () => {
  const member = expectMember(spokeVnet, builtin.webApplicationFirewallWafShouldBeEnabledForApplicationGateway);

  it('denies a gateway with neither WAF configuration nor WAF policy', () => {
    member.toDeny(noWaf());
  });

  it('allows a gateway with a WAF policy, or with the legacy WAF configuration', () => {
    member.toBeCompliant(applicationGateway());
    member.toBeCompliant(legacyWafConfig());
  });

  it('does not apply to WAF policies', () => {
    member.toBeNotApplicable(wafPolicy());
  });
});

describe('ZT-SPK-10 ff1f1879 Application Gateway deployed with a WAF policy', () => {
  const member = expectMember(spokeVnet, builtin.azureApplicationGatewayShouldBeDeployedWithAzureWaf);

  it('denies a gateway without a WAF policy, including the legacy WAF configuration', () => {
    member.toDeny(noWaf());
    member.toDeny(legacyWafConfig());
  });

  it('allows a gateway with a WAF policy', () => {
    member.toBeCompliant(applicationGateway());
  });

  it('audits during rollout', () => {
    expectMember(spokeVnet, builtin.azureApplicationGatewayShouldBeDeployedWithAzureWaf, { parameters: { ztSpk10Effect: 'Audit' } }).toAudit(noWaf());
  });

  it('does not apply to WAF policies', () => {
    member.toBeNotApplicable(wafPolicy());
  });
});
