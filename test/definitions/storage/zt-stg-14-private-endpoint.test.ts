/**
 * ZT-STG-14 (zero-trust-controls.md §1): every account has an approved private endpoint connection, through
 * built-in 6edd7eda (auditIfNotExists on Microsoft.Storage/storageAccounts/privateEndpointConnections) as
 * zt-storage assigns it (ztStg14Effect, default AuditIfNotExists). Both sides of the existence check.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, fileServices, storageAccount, storagePrivateEndpointConnection } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

describe('ZT-STG-14 private endpoint (built-in 6edd7eda in zt-storage)', () => {
  const policy = expectMember(storage, builtin.storageAccountsShouldUsePrivateLink);
  const account = storageAccount();

  it('reports an account without any private endpoint connection', () => {
    policy.toAuditIfNotExists(account);
  });

  it('reports an account whose only private endpoint connection is still pending approval', () => {
    policy.withRelated([storagePrivateEndpointConnection({ privateLinkServiceConnectionState: { status: 'Pending' } })]).toAuditIfNotExists(account);
  });

  it('finds an account with an approved private endpoint connection compliant', () => {
    policy.withRelated([storagePrivateEndpointConnection()]).toBeCompliant(account);
  });

  it('does not count another account\'s approved connection', () => {
    policy.withRelated([storagePrivateEndpointConnection({}, { parent: 'stother001' })]).toAuditIfNotExists(account);
  });

  it('does not apply to the file service', () => {
    policy.toBeNotApplicable(fileServices());
  });
});
