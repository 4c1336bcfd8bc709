/**
 * ZT-VM-09 (zero-trust-controls.md §2): OS and data disks encrypted with a customer-managed key from an approved
 * disk encryption set, through built-ins 702dd420 (any CMK) and d461a302 (approved sets, allowedEncryptionSets) as
 * zt-vm assigns them (ztVm09Effect, default Deny).
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, diskEncryptionSet, expectMember, virtualMachine } from '../../../src/testing/index.js';

const approved = diskEncryptionSet().id;
const rogue = diskEncryptionSet({}, { name: 'des-team', resourceGroup: 'rg-team' }).id;
const parameters = { allowedEncryptionSets: [approved] };
const vmWithDes = (id: string | undefined) =>
  virtualMachine({ storageProfile: { osDisk: { managedDisk: { diskEncryptionSet: id === undefined ? undefined : { id } } } } });

describe('ZT-VM-09 CMK from approved disk encryption sets (built-ins 702dd420, d461a302 in zt-vm)', () => {
  const cmk = expectMember(vm, builtin.osAndDataDisksShouldBeEncryptedWithACustomerManagedKey, { parameters });
  const sets = expectMember(vm, builtin.managedDisksShouldUseASpecificSetOfDiskEncryptionSetsForTheCustomerManagedKeyEncryption, { parameters });

  it('denies a VM whose OS disk uses platform-managed keys', () => {
    cmk.toDeny(vmWithDes(undefined));
  });

  it('denies a VM and an unattached disk that use an encryption set outside the approved list', () => {
    sets.toDeny(vmWithDes(rogue));
    sets.toDeny(disk({ encryption: { diskEncryptionSetId: rogue }, diskState: 'Unattached' }));
  });

  it('finds a VM and a disk on the approved set compliant', () => {
    cmk.toBeCompliant(vmWithDes(approved));
    sets.toBeCompliant(vmWithDes(approved));
    cmk.toBeCompliant(disk());
  });

  it('neither applies to the disk encryption set itself', () => {
    cmk.toBeNotApplicable(diskEncryptionSet());
    sets.toBeNotApplicable(diskEncryptionSet());
  });
});
