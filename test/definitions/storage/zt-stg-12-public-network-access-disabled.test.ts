/**
 * ZT-STG-12 (zero-trust-controls.md §1): public network access disabled, through built-in b2982f36 as zt-storage
 * assigns it (ztStg12Effect, default Deny).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, privateEndpoint, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-12 public network access disabled (built-in b2982f36 in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldDisablePublicNetworkAccess);

  it('denies an account reachable from public networks, or that does not say', () => {
    policy.toDeny(storageAccount({ publicNetworkAccess: 'Enabled' }));
    policy.toDeny(storageAccount({ publicNetworkAccess: undefined }));
  });

  it('finds an account with public network access disabled compliant', () => {
    policy.toBeCompliant(storageAccount({ publicNetworkAccess: 'Disabled' }));
  });

  it('does not apply to the private endpoint that serves the account', () => {
    policy.toBeNotApplicable(privateEndpoint());
  });
});
