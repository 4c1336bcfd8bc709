/**
 * ZT-SPK-12 (zero-trust-controls.md §3, ALZ Deny-Subnet-Without-Udr): subnets need a route table, inline and as
 * subnet resources; Bastion, Route Server and the firewall subnets are excluded, GatewaySubnet is not (ZT-HUB-11).
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-12-subnet-route-table.js';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { expectMember, expectPolicy, routeTable, subnet, subnetObject, virtualNetwork } from '../../../src/testing/index.js';

describe('ZT-SPK-12 route table on every subnet', () => {
  const policy = expectPolicy(control);

  it('denies a VNet with an inline subnet without route table, and a subnet resource without one', () => {
    policy.toDeny(virtualNetwork({ subnets: [subnetObject('snet-app', '10.1.1.0/24'), subnetObject('snet-db', '10.1.2.0/24', { routeTable: undefined })] }));
    policy.toDeny(subnet({ routeTable: undefined }, { name: 'snet-db' }));
  });

  it('keeps GatewaySubnet in scope (its route table sends spoke prefixes to the firewall)', () => {
    policy.toDeny(subnet({ routeTable: undefined, networkSecurityGroup: undefined }, { name: 'GatewaySubnet' }));
  });

  it('excludes Bastion, Route Server and the firewall subnets', () => {
    policy.toBeCompliant(
      virtualNetwork({
        subnets: ['AzureBastionSubnet', 'RouteServerSubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet'].map((n, i) => subnetObject(n, `10.0.${i}.0/26`, { routeTable: undefined })),
      }),
    );
  });

  it('finds subnets with route tables compliant', () => {
    policy.toBeCompliant(virtualNetwork());
    policy.toBeCompliant(subnet());
  });

  it('audits during rollout when the initiative says so', () => {
    expectMember(spokeVnet, control, { parameters: { ztSpk12Effect: 'Audit' } }).toAudit(subnet({ routeTable: undefined }));
  });

  it('does not apply to route tables themselves', () => {
    policy.toBeNotApplicable(routeTable());
  });
});
