/**
 * ZT-SPK-03 (zero-trust-controls.md §3 step 4): a NIC none of whose IP configurations is in an application security
 * group is audited (Deny once rolled out); private endpoint NICs are left out.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-03-nic-application-security-group.js';
import { expectPolicy, networkInterface, networkSecurityGroup, virtualMachine } from '../../../src/testing/index.js';

describe('ZT-SPK-03 NIC in an application security group', () => {
  const policy = expectPolicy(control);

  it('audits a workload NIC without an application security group', () => {
    policy.toAudit(networkInterface({}, { applicationSecurityGroupIds: [] }));
    policy.withParameters({ effect: 'Deny' }).toDeny(networkInterface({}, { applicationSecurityGroupIds: [] }));
  });

  it('finds a NIC in an application security group compliant', () => {
    policy.toBeCompliant(networkInterface());
  });

  it('leaves private endpoint NICs alone (Azure manages them, they take no ASG on the ip configuration)', () => {
    const peNic = networkInterface(
      { privateEndpoint: { id: '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-storage/providers/Microsoft.Network/privateEndpoints/pe-stztprod001-blob' } },
      { name: 'pe-stztprod001-blob.nic.0b6c', applicationSecurityGroupIds: [] },
    );
    policy.toBeCompliant(peNic);
  });

  it('does not apply to VMs or NSGs', () => {
    policy.toBeNotApplicable(virtualMachine());
    policy.toBeNotApplicable(networkSecurityGroup());
  });
});
