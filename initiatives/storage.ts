import { builtin } from '../src/catalog/builtins.js';
import { sharedParameters as shared } from '../src/catalog/zero-trust-parameters.js';
import { defineInitiative, member, param, type ControlInfo } from '../src/dsl/index.js';
import minimumTls from '../definitions/storage/zt-stg-02-minimum-tls.js';
import smb3Only from '../definitions/storage/zt-stg-03-smb-3-only.js';
import smbChannelEncryption from '../definitions/storage/zt-stg-04-smb-channel-encryption.js';
import copyScope from '../definitions/storage/zt-stg-07-copy-scope.js';

/*
 * Unit 1, Azure Storage (zero-trust-controls.md §1): every ZT-STG control, as a custom definition (STG-02, 03,
 * 04, 07) or as the catalog's built-in. One effect parameter per control (`ztStgNNEffect`), so a team can
 * phase in one control at a time; defaults as §7.2 proposes (Audit for the "Audit→Deny" controls STG-06 and
 * STG-11, which break workloads that still use account keys or unbounded SAS).
 *
 * Left out on purpose: the Modify companions of STG-01/05/12 (f81e3117, 13502221, a06d0189). Modify runs before
 * Deny, so with them assigned a create request that violates the control is silently rewritten instead of
 * denied, and the assignment needs Storage Account Contributor at the root; existing accounts are reported by
 * the deny members' compliance scan and fixed by their owners. The private-endpoint DINE of STG-14 (9f766f00)
 * needs one subnet per region and one reference per sub-resource: a per-estate decision, not a default.
 */

/** Facts of one catalog control, spread into each built-in member that implements it. */
const stg = (n: string, title: string, step: number, remediation: string, reason: string): ControlInfo => ({
  controlId: `ZT-STG-${n}`,
  title,
  step,
  remediation,
  reason,
});

const STG01 = stg('01', 'HTTPS only (secure transfer required)', 1,
  'Enable secure transfer on the account (az storage account update --https-only true).',
  'Zero Trust assumes the network is hostile: data in transit is always encrypted.');
const STG05 = stg('05', 'No anonymous (public) blob access', 1,
  'Disallow public blob access on the account (az storage account update --allow-blob-public-access false); share data with SAS or Entra identities instead.',
  'Anonymous read access serves data to anyone who finds the URL, with no identity to verify.');
const STG06 = stg('06', 'Shared Key authorization disabled (Entra-only)', 1,
  'Move clients to Microsoft Entra ID (RBAC data roles, user-delegation SAS), then disable Shared Key (az storage account update --allow-shared-key-access false). Test log and diagnostic accounts first.',
  'Account keys are all-powerful shared secrets with no identity behind them; Entra ID verifies every caller explicitly.');
const STG08 = stg('08', 'No cross-tenant object replication', 1,
  'Disallow cross-tenant replication (az storage account update --allow-cross-tenant-replication false).',
  'Object replication to another Entra tenant moves data outside the trust boundary.');
const STG09 = stg('09', 'Infrastructure (double) encryption', 1,
  'Infrastructure encryption can only be chosen at creation: recreate the account with --require-infrastructure-encryption and move the data, or exempt it.',
  'A second, independent encryption layer protects data if one key or algorithm is compromised.');
const STG10 = stg('10', 'Customer-managed keys', 1,
  'Configure encryption with a customer-managed key in Key Vault (az storage account update --encryption-key-source Microsoft.Keyvault ...).',
  'Customer-managed keys put key rotation and revocation under the organisation\'s control.');
const STG11 = stg('11', 'SAS expiration policy', 2,
  'Set a SAS expiration policy on the account (az storage account update --sas-expiration-period 1.00:00:00) and prefer user-delegation SAS.',
  'Every SAS must expire so a leaked token stops working; unbounded tokens are standing access.');
const STG12 = stg('12', 'Public network access disabled', 3,
  'Disable public network access (az storage account update --public-network-access Disabled) and reach the account through private endpoints.',
  'Data is separated from the internet by network controls; only private paths reach it.');
const STG13 = stg('13', 'Storage firewall default action Deny', 3,
  'Set the storage firewall default action to Deny (az storage account update --default-action Deny) and allow only the needed virtual networks.',
  'Network access is denied unless a rule explicitly allows it.');
const STG14 = stg('14', 'Private endpoint per storage service', 3,
  'Create an approved private endpoint for each storage service the workload uses (blob, file, ...) in the spoke\'s private-endpoint subnet.',
  'Private endpoints keep storage traffic on the Microsoft backbone and out of the internet.');
const STG15 = stg('15', 'Private DNS registration for storage private endpoints', 3,
  'Link the private endpoint to the central privatelink.blob / privatelink.file DNS zones (private DNS zone group).',
  'Without private DNS, clients resolve the public endpoint and bypass the private path.');
const STG16 = stg('16', 'Storage resource logs to Log Analytics', 4,
  'Add a diagnostic setting that sends the account\'s and its blob and file services\' logs and metrics to the central workspace.',
  'Assume breach: data-plane access must be visible to detection (Defender for Storage, Sentinel).');

const denyEffect = (control: string, defaultValue: 'Audit' | 'Deny') =>
  param.effect(['Audit', 'Deny', 'Disabled'], defaultValue, { description: `Effect of ${control} (Audit during rollout, Deny to enforce).` });

export default defineInitiative({
  name: 'zt-storage',
  displayName: 'Zero Trust: Azure Storage',
  description:
    'Zero Trust guardrails for storage accounts: encryption in transit and at rest, Entra-only data access, no anonymous access, private network paths and resource logs.',
  version: '2.0.0',
  category: 'Zero Trust',
  unit: 'storage',
  parameters: {
    ztStg01Effect: denyEffect('ZT-STG-01 (HTTPS only)', 'Deny'),
    ztStg02Effect: denyEffect('ZT-STG-02 (minimum TLS 1.2)', 'Deny'),
    ztStg03Effect: denyEffect('ZT-STG-03 (SMB 3.x only)', 'Deny'),
    ztStg04Effect: denyEffect('ZT-STG-04 (SMB AES-GCM channel encryption)', 'Deny'),
    ztStg05Effect: denyEffect('ZT-STG-05 (no anonymous blob access)', 'Deny'),
    ztStg06Effect: denyEffect('ZT-STG-06 (no Shared Key authorization; Audit until every client uses Entra ID)', 'Audit'),
    ztStg07Effect: denyEffect('ZT-STG-07 (copy scope restricted)', 'Deny'),
    ztStg08Effect: denyEffect('ZT-STG-08 (no cross-tenant replication)', 'Deny'),
    ztStg09Effect: denyEffect('ZT-STG-09 (infrastructure encryption; existing accounts cannot change it)', 'Deny'),
    ztStg10Effect: param.effect(['Audit', 'Disabled'], 'Audit', {
      description: 'Effect of ZT-STG-10 (customer-managed keys); the built-in offers no Deny.',
    }),
    ztStg11Effect: denyEffect('ZT-STG-11 (SAS expiration policy; Audit until SAS issuers are known)', 'Audit'),
    ztStg12Effect: denyEffect('ZT-STG-12 (public network access disabled)', 'Deny'),
    ztStg13Effect: denyEffect('ZT-STG-13 (firewall default action Deny)', 'Deny'),
    ztStg14Effect: param.effect(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists', {
      description: 'Effect of ZT-STG-14 (private endpoint on every account).',
    }),
    ztStg15Effect: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists', {
      description: 'Effect of ZT-STG-15 (private DNS zone group on blob and file private endpoints).',
    }),
    ztStg16Effect: param.effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'DeployIfNotExists', {
      description: 'Effect of ZT-STG-16 (storage resource logs to the central workspace).',
    }),
    privateDnsZoneIdBlob: param.string({
      displayName: 'Private DNS zone for blob',
      description: 'Resource id of the central privatelink.blob.core.windows.net zone (in the hub).',
      strongType: 'Microsoft.Network/privateDnsZones',
    }),
    privateDnsZoneIdFile: param.string({
      displayName: 'Private DNS zone for file',
      description: 'Resource id of the central privatelink.file.core.windows.net zone (in the hub).',
      strongType: 'Microsoft.Network/privateDnsZones',
    }),
    logAnalyticsWorkspaceId: shared.logAnalyticsWorkspaceId,
  },
  members: ({ p }) => [
    member(builtin.secureTransferToStorageAccountsShouldBeEnabled, { ...STG01, principle: 'assume-breach', parameters: { effect: p.ztStg01Effect } }),
    member(minimumTls, { parameters: { effect: p.ztStg02Effect } }),
    member(smb3Only, { parameters: { effect: p.ztStg03Effect } }),
    member(smbChannelEncryption, { parameters: { effect: p.ztStg04Effect } }),
    member(builtin.storageAccountPublicAccessShouldBeDisallowed, { ...STG05, principle: 'assume-breach', parameters: { effect: p.ztStg05Effect } }),
    member(builtin.storageAccountsShouldPreventSharedKeyAccess, { ...STG06, principle: 'verify-explicitly', parameters: { effect: p.ztStg06Effect } }),
    member(copyScope, { parameters: { effect: p.ztStg07Effect } }),
    member(builtin.storageAccountsShouldPreventCrossTenantObjectReplication, { ...STG08, principle: 'assume-breach', parameters: { effect: p.ztStg08Effect } }),
    member(builtin.storageAccountsShouldHaveInfrastructureEncryption, { ...STG09, principle: 'assume-breach', parameters: { effect: p.ztStg09Effect } }),
    member(builtin.storageAccountsShouldUseCustomerManagedKeyForEncryption, { ...STG10, principle: 'assume-breach', parameters: { effect: p.ztStg10Effect } }),
    member(builtin.storageAccountsShouldHaveSharedAccessSignatureSasPoliciesConfigured, { ...STG11, principle: 'verify-explicitly', parameters: { effect: p.ztStg11Effect } }),
    member(builtin.storageAccountsShouldDisablePublicNetworkAccess, { ...STG12, principle: 'assume-breach', parameters: { effect: p.ztStg12Effect } }),
    member(builtin.storageAccountsShouldRestrictNetworkAccess, { ...STG13, principle: 'assume-breach', parameters: { effect: p.ztStg13Effect } }),
    member(builtin.storageAccountsShouldUsePrivateLink, { ...STG14, principle: 'assume-breach', parameters: { effect: p.ztStg14Effect } }),
    member(builtin.configureAPrivateDnsZoneIdForBlobGroupID, {
      ...STG15,
      principle: 'assume-breach',
      parameters: { effect: p.ztStg15Effect, privateDnsZoneId: p.privateDnsZoneIdBlob },
    }),
    member(builtin.configureAPrivateDnsZoneIdForFileGroupID, {
      ...STG15,
      principle: 'assume-breach',
      parameters: { effect: p.ztStg15Effect, privateDnsZoneId: p.privateDnsZoneIdFile },
    }),
    member(builtin.configureDiagnosticSettingsForStorageAccountsToLogAnalyticsWorkspace, {
      ...STG16,
      principle: 'assume-breach',
      parameters: { effect: p.ztStg16Effect, logAnalytics: p.logAnalyticsWorkspaceId },
    }),
    member(builtin.configureDiagnosticSettingsForBlobServicesToLogAnalyticsWorkspace, {
      ...STG16,
      principle: 'assume-breach',
      parameters: { effect: p.ztStg16Effect, logAnalytics: p.logAnalyticsWorkspaceId },
    }),
    member(builtin.configureDiagnosticSettingsForFileServicesToLogAnalyticsWorkspace, {
      ...STG16,
      principle: 'assume-breach',
      parameters: { effect: p.ztStg16Effect, logAnalytics: p.logAnalyticsWorkspaceId },
    }),
  ],
});
