/**
 * ZT-STG-15 (zero-trust-controls.md §1): blob and file private endpoints register in the central private DNS
 * zones, through built-ins 75973700 (blob) and 6df98d03 (file) as zt-storage assigns them (ztStg15Effect,
 * default DeployIfNotExists; privateDnsZoneIdBlob / privateDnsZoneIdFile). Both sides of the existence check.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, privateDnsZoneGroup, privateEndpoint, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

const zones = '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones';
const parameters = {
  privateDnsZoneIdBlob: `${zones}/privatelink.blob.core.windows.net`,
  privateDnsZoneIdFile: `${zones}/privatelink.file.core.windows.net`,
};

describe('ZT-STG-15 private DNS for storage private endpoints (built-ins 75973700, 6df98d03 in zt-storage)', () => {
  const blob = expectMember(storage, builtin.configureAPrivateDnsZoneIdForBlobGroupID, { parameters });
  const file = expectMember(storage, builtin.configureAPrivateDnsZoneIdForFileGroupID, { parameters });
  const blobPe = privateEndpoint({}, { groupId: 'blob' });
  const filePe = privateEndpoint({}, { name: 'pe-stztprod001-file', groupId: 'file' });

  it('deploys a DNS zone group for a blob endpoint without one', () => {
    blob.toDeployIfNotExists(blobPe);
  });

  it('finds a blob endpoint with a DNS zone group compliant', () => {
    blob.withRelated([privateDnsZoneGroup(parameters.privateDnsZoneIdBlob)]).toBeCompliant(blobPe);
  });

  it('deploys a DNS zone group for a file endpoint, and finds it compliant once it has one', () => {
    file.toDeployIfNotExists(filePe);
    file.withRelated([privateDnsZoneGroup(parameters.privateDnsZoneIdFile, { parent: 'pe-stztprod001-file' })]).toBeCompliant(filePe);
  });

  it('each member applies to its own sub-resource only, and not to the account', () => {
    blob.toBeNotApplicable(filePe);
    file.toBeNotApplicable(blobPe);
    blob.toBeNotApplicable(storageAccount());
  });
});
