/**
 * ZT-STG-06 (zero-trust-controls.md §1): Shared Key authorization disabled, through built-in 8c6a50c6 as zt-storage
 * assigns it. §7.2 proposes Audit→Deny: ztStg06Effect defaults to Audit because Functions, AKS, Databricks and
 * log/diagnostic accounts may still use keys; Deny once dependencies are tested.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, fileServices, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-06 no Shared Key (built-in 8c6a50c6 in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldPreventSharedKeyAccess);

  it('audits (not denies) an account that allows Shared Key, by default', () => {
    policy.toAudit(storageAccount({ allowSharedKeyAccess: true }));
    policy.toAudit(storageAccount({ allowSharedKeyAccess: undefined }));
  });

  it('finds an Entra-only account compliant', () => {
    policy.toBeCompliant(storageAccount({ allowSharedKeyAccess: false }));
  });

  it('does not apply to the file service', () => {
    policy.toBeNotApplicable(fileServices());
  });

  it('denies once the control is enforced with ztStg06Effect=Deny', () => {
    expectMember(storage, builtin.storageAccountsShouldPreventSharedKeyAccess, { parameters: { ztStg06Effect: 'Deny' } }).toDeny(
      storageAccount({ allowSharedKeyAccess: true }),
    );
  });
});
