/**
 * ZT-VM-08 (zero-trust-controls.md §2): disk encryption sets use double encryption, through built-in ca91455f as
 * zt-vm assigns it (ztVm08Effect, default Deny).
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, diskEncryptionSet, expectMember } from '../../../src/testing/index.js';

describe('ZT-VM-08 DES double encryption (built-in ca91455f in zt-vm)', () => {
  const policy = expectMember(vm, builtin.managedDisksShouldBeDoubleEncryptedWithBothPlatformManagedAndCustomerManagedKeys);

  it('denies a disk encryption set with the customer key only', () => {
    policy.toDeny(diskEncryptionSet({ encryptionType: 'EncryptionAtRestWithCustomerKey' }));
  });

  it('finds a double-encrypting set compliant', () => {
    policy.toBeCompliant(diskEncryptionSet());
  });

  it('does not apply to the disk itself', () => {
    policy.toBeNotApplicable(disk());
  });
});
