/**
 * ZT-STG-08 (zero-trust-controls.md §1): no cross-tenant object replication, through built-in 92a89a79 as
 * zt-storage assigns it (ztStg08Effect, default Deny).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { blobServices, expectMember, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-08 no cross-tenant replication (built-in 92a89a79 in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldPreventCrossTenantObjectReplication);

  it('denies an account that allows cross-tenant replication, or does not say', () => {
    policy.toDeny(storageAccount({ allowCrossTenantReplication: true }));
    policy.toDeny(storageAccount({ allowCrossTenantReplication: undefined }));
  });

  it('finds an account that disallows it compliant', () => {
    policy.toBeCompliant(storageAccount({ allowCrossTenantReplication: false }));
  });

  it('does not apply to the blob service', () => {
    policy.toBeNotApplicable(blobServices());
  });
});
