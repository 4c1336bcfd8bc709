import { allOf, anyOf, countValue, defineControl, deny, expr, param } from '../../src/dsl/index.js';

/**
 * ZT-STG-03 (zero-trust-controls.md §1): Azure Files accepts SMB 3.x only. No built-in exists; the ALZ reference
 * (Deny-FileServices-InsecureSmbVersions) requires one allowed version to be present, which still lets SMB 2.1
 * through next to it. This rule looks for any disallowed version instead. `protocolSettings.smb.versions` is a
 * semicolon-separated string ("SMB2.1;SMB3.0;SMB3.1.1", Microsoft.Storage fileServices REST API), so `contains`
 * is a substring test; a missing value means the service default, which accepts every version.
 */
export default defineControl({
  name: 'zt-stg-03-smb-3-only',
  controlId: 'ZT-STG-03',
  displayName: 'Azure Files must accept SMB 3.x only',
  description:
    'Denies file services whose SMB protocol versions are not set (the service then accepts SMB 2.1) or include a disallowed version, so file shares are only reached over SMB 3.x with encryption.',
  principle: 'assume-breach',
  step: 1,
  unit: 'storage',
  version: '1.0.0',
  category: 'Storage',
  mode: 'All',
  resourceType: 'Microsoft.Storage/storageAccounts/fileServices',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    disallowedSmbVersions: param.array({
      displayName: 'Disallowed SMB versions',
      description: 'SMB protocol versions file services must not accept (values of protocolSettings.smb.versions).',
      defaultValue: ['SMB2.1'],
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts/fileServices'),
      anyOf(
        field('Microsoft.Storage/storageAccounts/fileServices/protocolSettings.smb.versions').exists(false),
        countValue(p.disallowedSmbVersions, {
          name: 'version',
          where: field('Microsoft.Storage/storageAccounts/fileServices/protocolSettings.smb.versions').contains(expr<'string'>("[current('version')]")),
        }).greater(0),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Set the file service SMB versions explicitly to SMB 3.x (az storage account file-service-properties update --versions "SMB3.0;SMB3.1.1"), after checking that no client still needs SMB 2.1.',
  reason: 'SMB 2.1 has no encryption in transit; Zero Trust assumes the network is hostile, so file traffic must be encrypted end to end.',
});
