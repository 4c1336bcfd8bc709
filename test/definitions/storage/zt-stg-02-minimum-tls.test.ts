/**
 * ZT-STG-02 (zero-trust-controls.md §1): storage accounts must require TLS 1.2; a missing value or a lower one
 * is refused (Deny by default, Audit | Deny | Disabled allowed).
 */
import { describe, expect, it } from 'vitest';
import control from '../../../definitions/storage/zt-stg-02-minimum-tls.js';
import storage from '../../../initiatives/storage.js';
import { expectMember, expectPolicy, fileServices, storageAccount, virtualMachine } from '../../../src/testing/index.js';

describe('ZT-STG-02 minimum TLS', () => {
  const policy = expectPolicy(control);

  it('denies a storage account that accepts TLS 1.0 or 1.1', () => {
    policy.toDeny(storageAccount({ minimumTlsVersion: 'TLS1_0' }));
    policy.toDeny(storageAccount({ minimumTlsVersion: 'TLS1_1' }));
  });

  it('denies a storage account without a minimum TLS version (the service then accepts TLS 1.0)', () => {
    policy.toDeny(storageAccount({ minimumTlsVersion: undefined }));
  });

  it('finds a TLS 1.2 account compliant', () => {
    policy.toBeCompliant(storageAccount({ minimumTlsVersion: 'TLS1_2' }));
  });

  it('treats the parameter as a floor: an account that requires TLS 1.3 meets a TLS 1.2 floor', () => {
    policy.toBeCompliant(storageAccount({ minimumTlsVersion: 'TLS1_3' }));
  });

  it('does not apply to other resource types, including the account\'s own file service', () => {
    policy.toBeNotApplicable(virtualMachine());
    policy.toBeNotApplicable(fileServices());
  });

  it('audits instead of denying when assigned with effect Audit, and does nothing when Disabled', () => {
    policy.withParameters({ effect: 'Audit' }).toAudit(storageAccount({ minimumTlsVersion: 'TLS1_0' }));
    policy.withParameters({ effect: 'Disabled' }).toAllow(storageAccount({ minimumTlsVersion: 'TLS1_0' }));
  });

  it('refuses a TLS 1.3 floor as an assignment value: Azure Storage does not support a TLS 1.3 minimum', () => {
    expect(() => policy.withParameters({ minimumTlsVersion: 'TLS1_3' }).evaluate(storageAccount())).toThrow(/not one of its allowedValues/);
  });

  it('denies as zt-storage assigns it (ztStg02Effect, default Deny) and audits with ztStg02Effect=Audit', () => {
    expectMember(storage, control).toDeny(storageAccount({ minimumTlsVersion: 'TLS1_1' }));
    expectMember(storage, control).toBeCompliant(storageAccount({ minimumTlsVersion: 'TLS1_2' }));
    expectMember(storage, control, { parameters: { ztStg02Effect: 'Audit' } }).toAudit(storageAccount({ minimumTlsVersion: 'TLS1_0' }));
  });
});
