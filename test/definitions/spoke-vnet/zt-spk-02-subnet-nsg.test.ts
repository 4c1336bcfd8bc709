/**
 * ZT-SPK-02 (zero-trust-controls.md §3, ALZ Deny-Subnet-Without-Nsg): a virtual network with a subnet that has
 * no NSG, or a subnet resource without one, is denied — except the platform subnets named in excludedSubnets
 * (default GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet).
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-02-subnet-nsg.js';
import { expectPolicy, networkSecurityGroup, storageAccount, subnet, subnetObject, virtualNetwork } from '../../../src/testing/index.js';

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
