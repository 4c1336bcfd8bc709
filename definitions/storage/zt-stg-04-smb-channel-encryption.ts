import { allOf, anyOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-STG-04 (zero-trust-controls.md §1): SMB channel encryption without the weak AES-128-CCM cipher. No built-in
 * exists; same condition as the ALZ reference Deny-FileServices-InsecureSmbChannel. `channelEncryption` is a
 * semicolon-separated string ("AES-128-CCM;AES-128-GCM;AES-256-GCM"), so `contains` is a substring test; a
 * missing value means the service default, which offers every cipher.
 */
export default defineControl({
  name: 'zt-stg-04-smb-channel-encryption',
  controlId: 'ZT-STG-04',
  displayName: 'Azure Files SMB channel encryption must use AES-GCM only',
  description:
    'Denies file services whose SMB channel encryption is not set or still offers the disallowed cipher (AES-128-CCM by default), so SMB 3.x traffic is encrypted with AES-GCM.',
  principle: 'assume-breach',
  step: 1,
  unit: 'storage',
  version: '1.0.0',
  category: 'Storage',
  mode: 'All',
  resourceType: 'Microsoft.Storage/storageAccounts/fileServices',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    notAllowedChannelEncryption: param.string({
      displayName: 'Disallowed SMB channel encryption',
      description: 'The SMB channel cipher file services must not offer.',
      allowedValues: ['AES-128-CCM', 'AES-128-GCM', 'AES-256-GCM'],
      defaultValue: 'AES-128-CCM',
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts/fileServices'),
      anyOf(
        field('Microsoft.Storage/storageAccounts/fileServices/protocolSettings.smb.channelEncryption').exists(false),
        field('Microsoft.Storage/storageAccounts/fileServices/protocolSettings.smb.channelEncryption').contains(p.notAllowedChannelEncryption),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Set the SMB channel encryption of the file service to AES-GCM only (az storage account file-service-properties update --channel-encryption "AES-128-GCM;AES-256-GCM").',
  reason: 'AES-128-CCM is the weakest SMB 3 cipher; assume breach means data in transit gets the strongest encryption the clients support.',
});
