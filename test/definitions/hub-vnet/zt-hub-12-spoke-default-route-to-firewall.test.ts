/**
 * ZT-HUB-12 (zero-trust-controls.md §4, §7.4 item 2): a spoke route table (role tag spoke) sends 0.0.0.0/0 to a
 * firewall IP; the GatewaySubnet and App Gateway tables are other roles. Also built-in fc5e4038 as assigned.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-12-spoke-default-route-to-firewall.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { azureFirewall, expectMember, expectPolicy, routeObject, routeTable, subnetObject, virtualNetwork } from '../../../src/testing/index.js';

const facts = { firewallPrivateIps: ['10.0.1.4'] };

describe('ZT-HUB-12 spoke default route via the firewall', () => {
  const policy = expectPolicy(control, { parameters: facts });

  it('audits a spoke table without a default route, or with one to another appliance', () => {
    policy.toAudit(routeTable({ routes: [] }));
    policy.toAudit(routeTable({ routes: [routeObject('default', '0.0.0.0/0', 'VirtualAppliance', '10.0.9.9')] }));
    policy.toAudit(routeTable({ routes: [routeObject('default', '0.0.0.0/0', 'Internet')] }));
  });

  it('finds the spoke default route to the firewall compliant', () => {
    policy.toBeCompliant(routeTable());
  });

  // A tag condition does not decide applicability (only type, name and kind do: Learn "What is applicability"), so
  // route tables of another role are evaluated and found compliant.
  it('does not judge gateway or App Gateway tables by the spoke rule', () => {
    policy.toBeCompliant(routeTable({ routes: [routeObject('default', '0.0.0.0/0', 'Internet')] }, { tags: { 'zt-route-role': 'appgw' } }));
    policy.toBeCompliant(routeTable({ routes: [] }, { tags: { 'zt-route-role': 'gateway' } }));
  });

  it('does not apply to firewalls', () => {
    policy.toBeNotApplicable(azureFirewall());
  });

  it('follows the initiative (firewall IPs, effect)', () => {
    const member = expectMember(hubVnet, control, { parameters: { firewallPrivateIps: ['10.0.1.4'], spokeAddressPrefixes: ['10.1.0.0/16'], ztHub12Effect: 'Deny' } });
    member.toDeny(routeTable({ routes: [] }));
    member.toBeCompliant(routeTable());
  });
});

describe('ZT-HUB-12 built-in fc5e4038 (preview, MCSB) as assigned', () => {
  const member = expectMember(hubVnet, builtin.previewAllInternetTrafficShouldBeRoutedViaYourDeployedAzureFirewall);
  // A VNet whose subnet without route table holds two or more ip configurations (VMs) and no firewall in the VNet.
  const busy = subnetObject('snet-app', '10.1.1.0/24', { routeTable: undefined, ipConfigurations: [{ id: 'nic1/ipconfig1' }, { id: 'nic2/ipconfig1' }] });
  const vnet = virtualNetwork({ subnets: [busy] }, { name: 'vnet-hub-weu', resourceGroup: 'rg-hub-network' });

  it('audits a VNet with an unrouted busy subnet and no firewall in it', () => {
    member.toAuditIfNotExists(vnet);
  });

  it('is satisfied when a firewall sits in the VNet\u2019s AzureFirewallSubnet', () => {
    member.withRelated([azureFirewall()]).toBeCompliant(vnet);
  });

  it('does not match a VNet whose subnets all have route tables, and does not apply to route tables', () => {
    // auditIfNotExists: the whole if decides applicability, so a VNet that does not match is not applicable.
    member.toBeNotApplicable(virtualNetwork());
    member.toBeNotApplicable(routeTable());
  });
});
