/**
 * ZT-STG-04 (zero-trust-controls.md §1): SMB channel encryption without AES-128-CCM. `channelEncryption` is a
 * semicolon-separated string; a missing value means every cipher is offered.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/storage/zt-stg-04-smb-channel-encryption.js';
import storage from '../../../initiatives/storage.js';
import { blobServices, expectMember, expectPolicy, fileServices, storageAccount } from '../../../src/testing/index.js';

const channel = (channelEncryption: string | undefined) => fileServices({ protocolSettings: { smb: { channelEncryption } } });

describe('ZT-STG-04 SMB AES-GCM channel encryption', () => {
  const policy = expectPolicy(control);

  it('denies a file service that offers AES-128-CCM, alone or among others', () => {
    policy.toDeny(channel('AES-128-CCM'));
    policy.toDeny(channel('AES-128-CCM;AES-128-GCM;AES-256-GCM'));
  });

  it('denies a file service without explicit channel encryption', () => {
    policy.toDeny(channel(undefined));
  });

  it('finds AES-GCM only compliant', () => {
    policy.toBeCompliant(channel('AES-256-GCM'));
    policy.toBeCompliant(channel('AES-128-GCM;AES-256-GCM'));
  });

  it('does not apply to the storage account or its blob service', () => {
    policy.toBeNotApplicable(storageAccount());
    policy.toBeNotApplicable(blobServices());
  });

  it('denies as zt-storage assigns it and audits with ztStg04Effect=Audit', () => {
    expectMember(storage, control).toDeny(channel('AES-128-CCM;AES-256-GCM'));
    expectMember(storage, control, { parameters: { ztStg04Effect: 'Audit' } }).toAudit(channel('AES-128-CCM'));
  });
});
