import { defineExemption } from '../src/dsl/index.js';
import minimumTls from '../definitions/storage/zt-stg-02-minimum-tls.js';
import zeroTrust from '../initiatives/zero-trust.js';

/**
 * A legacy line-of-business app in corp-prod still talks TLS 1.0 to its storage account; the account is
 * reachable only through a private endpoint while the app is replaced (CHG-4711).
 */
export default defineExemption({
  name: 'ex-corp-legacy-tls',
  displayName: 'Legacy payroll app: TLS 1.0 on its storage until replacement',
  description:
    'The payroll app cannot negotiate TLS 1.2; its storage account has public network access disabled and is reachable only through a private endpoint until the app is replaced.',
  initiative: zeroTrust,
  members: [minimumTls],
  scope: '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-payroll-legacy',
  category: 'Mitigated',
  expiresOn: '2027-06-30',
  ticket: 'CHG-4711',
});
