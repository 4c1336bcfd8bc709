/**
 * ZT-STG-11 (zero-trust-controls.md §1): a SAS expiration policy on every account, through built-in bc1b984e as
 * zt-storage assigns it (ztStg11Effect, default Audit: §7.2 Audit→Deny).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, fileServices, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-11 SAS expiration policy (built-in bc1b984e in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldHaveSharedAccessSignatureSasPoliciesConfigured);

  it('audits an account without a SAS policy', () => {
    policy.toAudit(storageAccount({ sasPolicy: undefined }));
  });

  it('finds an account with a SAS expiration policy compliant', () => {
    policy.toBeCompliant(storageAccount({ sasPolicy: { sasExpirationPeriod: '1.00:00:00', expirationAction: 'Block' } }));
  });

  it('does not apply to the file service', () => {
    policy.toBeNotApplicable(fileServices());
  });

  it('denies with ztStg11Effect=Deny', () => {
    expectMember(storage, builtin.storageAccountsShouldHaveSharedAccessSignatureSasPoliciesConfigured, { parameters: { ztStg11Effect: 'Deny' } }).toDeny(
      storageAccount({ sasPolicy: undefined }),
    );
  });
});
