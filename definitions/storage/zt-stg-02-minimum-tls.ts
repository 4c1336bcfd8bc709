import { anyOf, allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-STG-02 (zero-trust-controls.md §1): storage accounts must refuse TLS below 1.2. Built-in fe83a0eb asks for
 * an exact value (minimumTlsVersion notEquals the parameter); this rule is a floor (`less` than the parameter),
 * so a future higher minimum is never denied. Azure Policy compares strings with InvariantCultureIgnoreCase
 * (Learn, policy rule conditions), and TLS1_0 < TLS1_1 < TLS1_2 in that order. The only floor offered is TLS1_2:
 * it is the highest minimum Azure Storage supports ("Minimum TLS version 1.3 version is not supported",
 * Microsoft.Storage MinimumTlsVersion in the Azure SDK reference, although the REST enum lists TLS1_3), and
 * lower floors are not Zero Trust.
 */
export default defineControl({
  name: 'zt-stg-02-minimum-tls',
  controlId: 'ZT-STG-02',
  displayName: 'Storage accounts must require TLS 1.2 or later',
  description:
    'Denies storage accounts whose minimum TLS version is missing or lower than TLS 1.2, so data in transit is never protected by deprecated TLS.',
  principle: 'assume-breach',
  step: 1,
  unit: 'storage',
  version: '2.0.0',
  category: 'Storage',
  mode: 'Indexed',
  resourceType: 'Microsoft.Storage/storageAccounts',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    minimumTlsVersion: param.string({
      displayName: 'Minimum TLS version',
      description: 'The lowest TLS version storage accounts may accept; higher versions are always allowed. TLS1_2 is the highest floor Azure Storage supports.',
      allowedValues: ['TLS1_2'],
      defaultValue: 'TLS1_2',
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts'),
      // A missing value means the service default, which accepts TLS 1.0.
      anyOf(
        field('Microsoft.Storage/storageAccounts/minimumTlsVersion').exists(false),
        field('Microsoft.Storage/storageAccounts/minimumTlsVersion').less(p.minimumTlsVersion),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    "Set the storage account's minimumTlsVersion to TLS1_2 (az storage account update --min-tls-version TLS1_2) after confirming clients support TLS 1.2.",
  reason: 'Zero Trust assumes the network is hostile: encryption in transit must use a TLS version without known weaknesses.',
});
