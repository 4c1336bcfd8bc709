/**
 * ZT-STG-09 (zero-trust-controls.md §1): infrastructure (double) encryption, through built-in 4733ea7b as
 * zt-storage assigns it (ztStg09Effect, default Deny: the setting can only be chosen when an account is created).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, fileServices, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-09 infrastructure encryption (built-in 4733ea7b in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldHaveInfrastructureEncryption);

  it('denies an account without infrastructure encryption', () => {
    policy.toDeny(storageAccount({ encryption: { requireInfrastructureEncryption: false } }));
    policy.toDeny(storageAccount({ encryption: { requireInfrastructureEncryption: undefined } }));
  });

  it('finds a double-encrypted account compliant', () => {
    policy.toBeCompliant(storageAccount({ encryption: { requireInfrastructureEncryption: true } }));
  });

  it('does not apply to the file service', () => {
    policy.toBeNotApplicable(fileServices());
  });
});
