/**
 * ZT-STG-07 (zero-trust-controls.md §1): copy operations limited to the tenant (AAD) or private link. The
 * parameter is a floor: PrivateLink also satisfies an AAD requirement.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/storage/zt-stg-07-copy-scope.js';
import storage from '../../../initiatives/storage.js';
import { expectMember, expectPolicy, fileServices, storageAccount } from '../../../src/testing/index.js';

describe('ZT-STG-07 copy scope', () => {
  const policy = expectPolicy(control);

  it('denies an account that allows copies from any account (allowedCopyScope missing)', () => {
    policy.toDeny(storageAccount({ allowedCopyScope: undefined }));
  });

  it('finds AAD and the stricter PrivateLink compliant under the default AAD requirement', () => {
    policy.toBeCompliant(storageAccount({ allowedCopyScope: 'AAD' }));
    policy.toBeCompliant(storageAccount({ allowedCopyScope: 'PrivateLink' }));
  });

  it('denies AAD when PrivateLink is required', () => {
    policy.withParameters({ allowedCopyScope: 'PrivateLink' }).toDeny(storageAccount({ allowedCopyScope: 'AAD' }));
    policy.withParameters({ allowedCopyScope: 'PrivateLink' }).toBeCompliant(storageAccount({ allowedCopyScope: 'PrivateLink' }));
  });

  it('does not apply to the file service', () => {
    policy.toBeNotApplicable(fileServices());
  });

  it('denies as zt-storage assigns it and audits with ztStg07Effect=Audit', () => {
    expectMember(storage, control).toDeny(storageAccount({ allowedCopyScope: undefined }));
    expectMember(storage, control, { parameters: { ztStg07Effect: 'Audit' } }).toAudit(storageAccount({ allowedCopyScope: undefined }));
  });
});
