/**
 * ZT-VM-02 (zero-trust-controls.md §2): system-assigned managed identity on VMs, through built-ins 3cf2ab00 and
 * 497dff13 (fixed Modify: they add the identity) and e4953962 (audit, ztVm02Effect default Audit) as zt-vm assigns
 * them. The Modify built-ins apply to Guest-Configuration-supported images only.
 */
import { describe, expect, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, virtualMachine, type ArmResource } from '../../../src/testing/index.js';
import vm from '../../../initiatives/vm.js';

const windows2022 = (identity: ArmResource['identity'] | undefined) => virtualMachine({}, { os: 'Windows', identity });
const userAssigned = {
  type: 'UserAssigned',
  userAssignedIdentities: { '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-vm/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app': {} },
};

// Both Modify built-ins require requestContext().apiVersion >= 2018-10-01 (the API version of the VM write).
const write = { apiVersion: '2024-07-01' };

describe('ZT-VM-02 system-assigned managed identity (built-ins 3cf2ab00, 497dff13, e4953962 in zt-vm)', () => {
  const addWhenNone = expectMember(vm, builtin.addSystemAssignedManagedIdentityToEnableGuestConfigurationAssignmentsOnVirtualMachinesWithNoIdentities);
  const addWhenUser = expectMember(vm, builtin.addSystemAssignedManagedIdentityToEnableGuestConfigurationAssignmentsOnVMsWithAUserAssignedIdentity);
  const audit = expectMember(vm, builtin.previewAManagedIdentityShouldBeEnabledOnYourMachines);

  it('adds a system-assigned identity to a VM without any identity', () => {
    addWhenNone.toModify(windows2022(undefined), [{ field: 'identity.type', value: 'SystemAssigned' }], write);
  });

  it('adds a system-assigned identity next to a user-assigned one', () => {
    addWhenUser.toModify(windows2022(userAssigned), [{ field: 'identity.type', value: 'UserAssigned,SystemAssigned' }], write);
  });

  it('leaves a VM that already has a system-assigned identity alone', () => {
    addWhenNone.toBeCompliant(windows2022({ type: 'SystemAssigned' }), write);
    addWhenUser.toBeCompliant(windows2022({ type: 'SystemAssigned, UserAssigned', userAssignedIdentities: userAssigned.userAssignedIdentities }), write);
  });

  it('audits a VM without any managed identity and accepts one with an identity', () => {
    audit.toAudit(virtualMachine({}, { identity: undefined }));
    audit.toBeCompliant(virtualMachine());
  });

  it('none of them applies to a disk', () => {
    addWhenNone.toBeNotApplicable(disk());
    audit.toBeNotApplicable(disk());
  });

  it('the Modify members are fixed (no effect parameter), the audit follows ztVm02Effect', () => {
    expect(Object.keys(builtin.addSystemAssignedManagedIdentityToEnableGuestConfigurationAssignmentsOnVirtualMachinesWithNoIdentities.parameters)).toEqual([]);
    const off = expectMember(vm, builtin.previewAManagedIdentityShouldBeEnabledOnYourMachines, { parameters: { ztVm02Effect: 'Disabled' } }).evaluate(
      virtualMachine({}, { identity: undefined }),
    );
    expect([off.declaredEffect, off.effect]).toEqual(['disabled', undefined]);
  });
});
