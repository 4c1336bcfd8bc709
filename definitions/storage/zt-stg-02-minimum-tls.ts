import { anyOf, allOf, defineControl, deny, param, value } from '../../src/dsl/index.js';

/**
 * ZT-STG-02 (zero-trust-controls.md §1): storage accounts must refuse TLS below 1.2. Mirrors built-in
 * fe83a0eb (same condition: missing value or not the required floor) but denies by default.
 */
export default defineControl({
  name: 'zt-stg-02-minimum-tls',
  controlId: 'ZT-STG-02',
  displayName: 'Storage accounts must require TLS 1.2 or later',
  description:
    'Denies storage accounts whose minimum TLS version is missing or lower than the required version, so data in transit is never protected by deprecated TLS.',
  principle: 'assume-breach',
  unit: 'storage',
  version: '1.0.0',
  category: 'Storage',
  mode: 'Indexed',
  resourceType: 'Microsoft.Storage/storageAccounts',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    minimumTlsVersion: param.string({
      displayName: 'Minimum TLS version',
      description: 'The lowest TLS version storage accounts may accept; higher versions are always allowed.',
      allowedValues: ['TLS1_2', 'TLS1_3'],
      defaultValue: 'TLS1_2',
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts'),
      // A floor, not an exact match: TLS1_3 satisfies a TLS1_2 floor. The versions below each floor are listed
      // (the service's values are TLS1_0..TLS1_3, Microsoft.Storage API 2023-01-01+), so a future higher
      // version is never denied. A missing value means the service default, which accepts TLS 1.0.
      anyOf(
        field('Microsoft.Storage/storageAccounts/minimumTlsVersion').exists(false),
        field('Microsoft.Storage/storageAccounts/minimumTlsVersion').in(['TLS1_0', 'TLS1_1']),
        allOf(
          value(p.minimumTlsVersion).equals('TLS1_3'),
          field('Microsoft.Storage/storageAccounts/minimumTlsVersion').equals('TLS1_2'),
        ),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    "Set the storage account's minimumTlsVersion to TLS1_2 (az storage account update --min-tls-version TLS1_2) after confirming clients support TLS 1.2.",
  reason: 'Zero Trust assumes the network is hostile: encryption in transit must use a TLS version without known weaknesses.',
});
