/**
 * ZT-STG-03 (zero-trust-controls.md §1): Azure Files accepts SMB 3.x only. `smb.versions` is a semicolon-separated
 * string; a missing value means every version is accepted.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/storage/zt-stg-03-smb-3-only.js';
import storage from '../../../initiatives/storage.js';
import { blobServices, expectMember, expectPolicy, fileServices, storageAccount } from '../../../src/testing/index.js';

const smb = (versions: string | undefined) => fileServices({ protocolSettings: { smb: { versions } } });

describe('ZT-STG-03 SMB 3.x only', () => {
  const policy = expectPolicy(control);

  it('denies a file service that still accepts SMB 2.1, alone or next to SMB 3', () => {
    policy.toDeny(smb('SMB2.1'));
    policy.toDeny(smb('SMB2.1;SMB3.0;SMB3.1.1'));
  });

  it('denies a file service without explicit versions (the service then accepts SMB 2.1)', () => {
    policy.toDeny(smb(undefined));
  });

  it('finds SMB 3.0 and 3.1.1 compliant', () => {
    policy.toBeCompliant(smb('SMB3.1.1'));
    policy.toBeCompliant(smb('SMB3.0;SMB3.1.1'));
  });

  it('does not apply to the storage account or its blob service', () => {
    policy.toBeNotApplicable(storageAccount());
    policy.toBeNotApplicable(blobServices());
  });

  it('takes the disallowed list from its parameter', () => {
    policy.withParameters({ disallowedSmbVersions: ['SMB2.1', 'SMB3.0'] }).toDeny(smb('SMB3.0;SMB3.1.1'));
    policy.withParameters({ disallowedSmbVersions: ['SMB2.1', 'SMB3.0'] }).toBeCompliant(smb('SMB3.1.1'));
  });

  it('denies as zt-storage assigns it and audits with ztStg03Effect=Audit', () => {
    expectMember(storage, control).toDeny(smb('SMB2.1;SMB3.0'));
    expectMember(storage, control, { parameters: { ztStg03Effect: 'Audit' } }).toAudit(smb('SMB2.1;SMB3.0'));
  });
});
