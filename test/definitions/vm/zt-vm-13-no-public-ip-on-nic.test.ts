/**
 * ZT-VM-13 (zero-trust-controls.md §2): VMs are reached through Bastion; a network interface must not carry a
 * public IP on any IP configuration (Deny; built-in 83a86a26 has the same condition with a fixed deny).
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/vm/zt-vm-13-no-public-ip-on-nic.js';
import vm from '../../../initiatives/vm.js';
import { expectMember, expectPolicy, networkInterface, publicIp, virtualMachine } from '../../../src/testing/index.js';

const pipId = '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-vm/providers/Microsoft.Network/publicIPAddresses/pip-vm-app-01';

describe('ZT-VM-13 no public IP on NICs', () => {
  const policy = expectPolicy(control);

  it('denies a NIC whose IP configuration references a public IP', () => {
    policy.toDeny(networkInterface({}, { publicIpId: pipId }));
  });

  it('denies a NIC when only its second IP configuration has the public IP', () => {
    const nic = networkInterface();
    const first = (nic.properties?.ipConfigurations as object[])[0]!;
    const second = { name: 'ipconfig2', properties: { privateIPAllocationMethod: 'Dynamic', primary: false, publicIPAddress: { id: pipId } } };
    policy.toDeny(networkInterface({ ipConfigurations: [first as never, second] }));
  });

  it('finds a NIC with private addresses only compliant', () => {
    policy.toBeCompliant(networkInterface());
  });

  it('does not apply to the VM or to the public IP resource itself', () => {
    policy.toBeNotApplicable(virtualMachine());
    policy.toBeNotApplicable(publicIp());
  });

  it('audits instead when assigned with effect Audit (rollout before enforcement)', () => {
    policy.withParameters({ effect: 'Audit' }).toAudit(networkInterface({}, { publicIpId: pipId }));
  });

  it('denies as zt-vm assigns it (ztVm13Effect, default Deny) and audits with ztVm13Effect=Audit', () => {
    expectMember(vm, control).toDeny(networkInterface({}, { publicIpId: pipId }));
    expectMember(vm, control, { parameters: { ztVm13Effect: 'Audit' } }).toAudit(networkInterface({}, { publicIpId: pipId }));
  });
});
