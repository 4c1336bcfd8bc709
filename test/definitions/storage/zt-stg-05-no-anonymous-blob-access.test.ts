/**
 * ZT-STG-05 (zero-trust-controls.md §1): no anonymous blob access, through built-in 4fa4b6c0 as zt-storage
 * assigns it (ztStg05Effect, default Deny). The built-in flags anything but an explicit false.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { blobServices, expectMember, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-05 no anonymous blob access (built-in 4fa4b6c0 in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountPublicAccessShouldBeDisallowed);

  it('denies an account that allows public blob access, or does not say (older API versions default to allowed)', () => {
    policy.toDeny(storageAccount({ allowBlobPublicAccess: true }));
    policy.toDeny(storageAccount({ allowBlobPublicAccess: undefined }));
  });

  it('finds an account with public blob access disallowed compliant', () => {
    policy.toBeCompliant(storageAccount({ allowBlobPublicAccess: false }));
  });

  it('does not apply to the blob service', () => {
    policy.toBeNotApplicable(blobServices());
  });

  it('leaves Azure Red Hat OpenShift managed accounts alone (the built-in excludes them in its condition)', () => {
    policy.toBeCompliant(storageAccount({ allowBlobPublicAccess: true }, { name: 'imageregistryabc', resourceGroup: 'aro-cluster1' }));
  });
});
