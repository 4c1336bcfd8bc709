import { allOf, anyOf, defineControl, deny, param, value } from '../../src/dsl/index.js';

/**
 * ZT-STG-07 (zero-trust-controls.md §1): copy operations into a storage account come only from the same Entra
 * tenant (AAD) or over private link (PrivateLink). No built-in exists. The ALZ reference (Deny-Storage-CopyScope)
 * requires an exact match, which would deny the stricter PrivateLink under an AAD requirement; this rule treats
 * the parameter as a floor. Values of `allowedCopyScope`: AAD | PrivateLink (Microsoft.Storage 2022-09-01+); a
 * missing value means copies from any account.
 */
export default defineControl({
  name: 'zt-stg-07-copy-scope',
  controlId: 'ZT-STG-07',
  displayName: 'Storage accounts must restrict copy operations to the tenant or private link',
  description:
    'Denies storage accounts that allow copy operations from any source (allowedCopyScope missing) or from a wider scope than required: AAD allows AAD or PrivateLink, PrivateLink allows PrivateLink only.',
  principle: 'assume-breach',
  step: 1,
  unit: 'storage',
  version: '1.0.0',
  category: 'Storage',
  mode: 'Indexed',
  resourceType: 'Microsoft.Storage/storageAccounts',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    allowedCopyScope: param.string({
      displayName: 'Allowed copy scope',
      description: 'The widest copy scope accounts may allow: AAD (same Entra tenant) or PrivateLink (private endpoints only).',
      allowedValues: ['AAD', 'PrivateLink'],
      defaultValue: 'AAD',
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts'),
      anyOf(
        field('Microsoft.Storage/storageAccounts/allowedCopyScope').exists(false),
        field('Microsoft.Storage/storageAccounts/allowedCopyScope').notIn(['AAD', 'PrivateLink']),
        allOf(value(p.allowedCopyScope).equals('PrivateLink'), field('Microsoft.Storage/storageAccounts/allowedCopyScope').notEquals('PrivateLink')),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Set the account\'s allowedCopyScope to AAD, or PrivateLink for high-sensitivity data (az storage account update --allowed-copy-scope AAD).',
  reason: 'Copying from any account lets data be moved in from, or staged by, a foreign tenant; assume breach keeps data movement inside the trust boundary.',
});
