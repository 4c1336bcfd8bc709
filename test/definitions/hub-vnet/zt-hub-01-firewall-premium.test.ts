/**
 * ZT-HUB-01 (zero-trust-controls.md §4): the hub firewall must be Azure Firewall Premium; sku.tier other than
 * Premium (Standard, and Basic, which built-in 8c19196d misses) is denied.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-01-firewall-premium.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { azureFirewall, expectMember, expectPolicy, firewallPolicy, publicIp } from '../../../src/testing/index.js';

describe('ZT-HUB-01 Azure Firewall Premium', () => {
  const policy = expectPolicy(control);

  it('denies Standard and Basic firewalls', () => {
    policy.toDeny(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Standard' } }));
    policy.toDeny(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Basic' } }));
  });

  it('finds Premium firewalls compliant, in a VNet hub or a Virtual WAN hub', () => {
    policy.toBeCompliant(azureFirewall());
    policy.toBeCompliant(azureFirewall({ sku: { name: 'AZFW_Hub', tier: 'Premium' } }));
  });

  it('does not apply to the firewall policy or the firewall public IP', () => {
    policy.toBeNotApplicable(firewallPolicy());
    policy.toBeNotApplicable(publicIp());
  });

  it('audits instead when assigned with effect Audit', () => {
    policy.withParameters({ effect: 'Audit' }).toAudit(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Standard' } }));
  });
});

describe('ZT-HUB-01 built-in 8c19196d as assigned (Standard only) and the shared effect', () => {
  const member = expectMember(hubVnet, builtin.azureFirewallStandardShouldBeUpgradedToPremiumForNextGenerationProtection);

  it('denies Standard but not Basic (why the custom rule exists), allows Premium', () => {
    member.toDeny(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Standard' } }));
    member.toBeCompliant(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Basic' } }));
    member.toBeCompliant(azureFirewall());
    member.toBeNotApplicable(firewallPolicy());
  });

  it('both members follow ztHub01Effect', () => {
    const audit = { parameters: { ztHub01Effect: 'Audit' } };
    expectMember(hubVnet, builtin.azureFirewallStandardShouldBeUpgradedToPremiumForNextGenerationProtection, audit).toAudit(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Standard' } }));
    expectMember(hubVnet, control, audit).toAudit(azureFirewall({ sku: { name: 'AZFW_VNet', tier: 'Basic' } }));
  });
});
