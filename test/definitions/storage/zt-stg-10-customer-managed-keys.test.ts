/**
 * ZT-STG-10 (zero-trust-controls.md §1): customer-managed keys, through built-in 6fac406b as zt-storage assigns
 * it. The built-in allows Audit | Disabled only, so ztStg10Effect offers no Deny.
 */
import { describe, expect, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, fileServices, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-10 customer-managed keys (built-in 6fac406b in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldUseCustomerManagedKeyForEncryption);

  it('audits an account encrypted with Microsoft-managed keys', () => {
    policy.toAudit(storageAccount({ encryption: { keySource: 'Microsoft.Storage', keyvaultproperties: undefined } }));
  });

  it('finds an account encrypted with a Key Vault key compliant', () => {
    policy.toBeCompliant(storageAccount({ encryption: { keySource: 'Microsoft.Keyvault' } }));
  });

  it('does not apply to the file service', () => {
    policy.toBeNotApplicable(fileServices());
  });

  it('cannot be assigned with Deny: the built-in offers Audit and Disabled only', () => {
    expect(() => expectMember(storage, builtin.storageAccountsShouldUseCustomerManagedKeyForEncryption, { parameters: { ztStg10Effect: 'Deny' } }).evaluate(storageAccount())).toThrow(
      /not one of its allowedValues/,
    );
  });
});
