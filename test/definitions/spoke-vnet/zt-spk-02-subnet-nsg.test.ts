/**
 * ZT-SPK-02 (zero-trust-controls.md §3, ALZ Deny-Subnet-Without-Nsg): a virtual network with a subnet that has
 * no NSG, or a subnet resource without one, is denied — except the platform subnets named in excludedSubnets
 * (default GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet).
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-02-subnet-nsg.js';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, expectPolicy, networkSecurityGroup, securityAssessment, storageAccount, subnet, subnetObject, virtualNetwork } from '../../../src/testing/index.js';

describe('ZT-SPK-02 NSG on every subnet', () => {
  const policy = expectPolicy(control);

  it('denies a virtual network with a workload subnet without NSG', () => {
    policy.toDeny(virtualNetwork({ subnets: [subnetObject('snet-app', '10.1.1.0/24'), subnetObject('snet-db', '10.1.2.0/24', { networkSecurityGroup: undefined })] }));
  });

  it('denies a subnet resource without NSG', () => {
    policy.toDeny(subnet({ networkSecurityGroup: undefined }, { name: 'snet-db' }));
  });

  it('finds networks and subnets with NSGs compliant', () => {
    policy.toBeCompliant(virtualNetwork());
    policy.toBeCompliant(subnet());
    policy.toBeCompliant(virtualNetwork({ subnets: [] }));
  });

  it('lets the excluded platform subnets go without NSG, inline or as resources', () => {
    policy.toBeCompliant(
      virtualNetwork({
        subnets: [
          subnetObject('GatewaySubnet', '10.0.0.0/27', { networkSecurityGroup: undefined }),
          subnetObject('AzureFirewallSubnet', '10.0.1.0/26', { networkSecurityGroup: undefined }),
          subnetObject('snet-app', '10.0.2.0/24'),
        ],
      }),
    );
    // A subnet resource named in the exclusion list is not applicable at all: Learn (applicability) counts the
    // name condition when the rule has other conditions, so Azure never evaluates it.
    policy.toBeNotApplicable(subnet({ networkSecurityGroup: undefined }, { name: 'GatewaySubnet' }));
  });

  it('honours a custom exclusion list', () => {
    const noNsg = subnet({ networkSecurityGroup: undefined }, { name: 'snet-appliance' });
    policy.toDeny(noNsg);
    policy.withParameters({ excludedSubnets: ['snet-appliance'] }).toBeNotApplicable(noNsg);
  });

  it('does not apply to NSGs or storage accounts', () => {
    policy.toBeNotApplicable(networkSecurityGroup());
    policy.toBeNotApplicable(storageAccount());
  });
});

describe('ZT-SPK-02 built-ins as the initiative assigns them', () => {
  it('e71308d3 (MCSB audit) flags a subnet whose Defender assessment is Unhealthy or missing', () => {
    const member = expectMember(spokeVnet, builtin.subnetsShouldBeAssociatedWithANetworkSecurityGroup);
    const snet = subnet({ networkSecurityGroup: undefined });
    const assessment = (code: 'Healthy' | 'Unhealthy') => securityAssessment(snet.id, 'eade5b56-eefd-444f-95c8-23f29e5d93cb', { code });
    member.withRelated([assessment('Unhealthy')]).toAuditIfNotExists(snet);
    member.toAuditIfNotExists(snet);
    member.withRelated([assessment('Healthy')]).toBeCompliant(subnet());
    member.toBeNotApplicable(networkSecurityGroup());
  });

  it('35f9c03a (fixed deny) rejects an NSG on GatewaySubnet only', () => {
    const member = expectMember(spokeVnet, builtin.gatewaySubnetsShouldNotBeConfiguredWithANetworkSecurityGroup);
    member.toDeny(subnet({}, { name: 'GatewaySubnet' }));
    member.toBeCompliant(subnet({ networkSecurityGroup: undefined }, { name: 'GatewaySubnet' }));
    // Type and name conditions decide applicability (Learn, "What is applicability"): other subnets are out of scope.
    member.toBeNotApplicable(subnet());
    member.toBeNotApplicable(virtualNetwork());
  });

  it('the custom deny follows the initiative effect and exclusion list', () => {
    const member = expectMember(spokeVnet, control, { parameters: { ztSpk02Effect: 'Audit', excludedSubnetsNsg: ['snet-appliance'] } });
    member.toAudit(subnet({ networkSecurityGroup: undefined }, { name: 'GatewaySubnet' }));
    member.toBeNotApplicable(subnet({ networkSecurityGroup: undefined }, { name: 'snet-appliance' }));
  });
});
