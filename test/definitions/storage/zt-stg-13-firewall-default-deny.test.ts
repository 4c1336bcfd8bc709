/**
 * ZT-STG-13 (zero-trust-controls.md §1): storage firewall default action Deny, through built-in 34c877ad as
 * zt-storage assigns it (ztStg13Effect, default Deny).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { blobServices, expectMember, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-13 firewall default Deny (built-in 34c877ad in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldRestrictNetworkAccess);

  it('denies an account whose firewall allows by default', () => {
    policy.toDeny(storageAccount({ networkAcls: { defaultAction: 'Allow' } }));
  });

  it('finds an account whose firewall denies by default compliant', () => {
    policy.toBeCompliant(storageAccount({ networkAcls: { defaultAction: 'Deny' } }));
  });

  it('does not apply to the blob service', () => {
    policy.toBeNotApplicable(blobServices());
  });
});
