/**
 * ZT-VM-01 (zero-trust-controls.md §2): VMs only in resource groups tagged for VMs (rgTagName=zt-unit, value vm).
 * The resource group comes from the evaluation context, as Azure takes it from the resource's group.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/vm/zt-vm-01-dedicated-resource-group.js';
import vm from '../../../initiatives/vm.js';
import { disk, expectMember, expectPolicy, networkInterface, virtualMachine } from '../../../src/testing/index.js';

const group = (tags: Record<string, string>) => ({ resourceGroup: { name: 'rg-vm', tags } });

describe('ZT-VM-01 dedicated VM resource group', () => {
  const policy = expectPolicy(control);

  it('reports a VM in a resource group tagged for another unit, or not tagged at all', () => {
    policy.withContext(group({ 'zt-unit': 'spoke-network' })).toAudit(virtualMachine());
    policy.withContext(group({})).toAudit(virtualMachine());
  });

  it('finds a VM in a resource group tagged zt-unit=vm compliant', () => {
    policy.withContext(group({ 'zt-unit': 'vm' })).toBeCompliant(virtualMachine());
  });

  it('does not apply to disks or NICs (only the types in resourceTypes)', () => {
    policy.withContext(group({})).toBeNotApplicable(disk());
    policy.withContext(group({})).toBeNotApplicable(networkInterface());
  });

  it('applies the tag name and value zt-vm passes, and denies with ztVm01Effect=Deny', () => {
    expectMember(vm, control, { parameters: { rgTagName: 'unit', vmRgTagValue: 'compute' } }).withContext(group({ unit: 'compute' })).toBeCompliant(virtualMachine());
    expectMember(vm, control, { parameters: { ztVm01Effect: 'Deny' } }).withContext(group({ 'zt-unit': 'data' })).toDeny(virtualMachine());
  });
});
