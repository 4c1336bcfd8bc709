/**
 * ZT-STG-01 (zero-trust-controls.md §1): secure transfer required, through built-in 404c3081 as zt-storage
 * assigns it (ztStg01Effect, default Deny).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, fileServices, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-01 HTTPS only (built-in 404c3081 in zt-storage)', () => {
  const policy = expectMember(storage, builtin.secureTransferToStorageAccountsShouldBeEnabled);

  it('denies an account that accepts plain HTTP', () => {
    policy.toDeny(storageAccount({ supportsHttpsTrafficOnly: false }));
  });

  it('finds an HTTPS-only account compliant', () => {
    policy.toBeCompliant(storageAccount({ supportsHttpsTrafficOnly: true }));
  });

  it('does not apply to the account\'s file service', () => {
    policy.toBeNotApplicable(fileServices());
  });

  it('audits instead when the control is phased in with ztStg01Effect=Audit', () => {
    expectMember(storage, builtin.secureTransferToStorageAccountsShouldBeEnabled, { parameters: { ztStg01Effect: 'Audit' } }).toAudit(
      storageAccount({ supportsHttpsTrafficOnly: false }),
    );
  });
});
