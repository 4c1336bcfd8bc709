/**
 * ZT-STG-16 (zero-trust-controls.md §1): storage account, blob and file resource logs go to the central
 * workspace, through built-ins 59759c62 (account metrics), b4fe1a3b (blob) and 25a70cc8 (file) as zt-storage
 * assigns them (ztStg16Effect, default DeployIfNotExists; logAnalyticsWorkspaceId). Both sides of the existence
 * check: the diagnostic setting must have the built-in's default name and point at the workspace the initiative passes.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import { blobServices, diagnosticSetting, expectMember, fileServices, storageAccount } from '../../../src/testing/index.js';
import storage from '../../../initiatives/storage.js';

const workspace = '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central';
const parameters = { logAnalyticsWorkspaceId: workspace };
// The built-ins' default profileName (the existence check looks for the setting by this name).
const profile = {
  account: 'storageAccountsDiagnosticsLogsToWorkspace',
  blob: 'blobServicesDiagnosticsLogsToWorkspace',
  file: 'fileServicesDiagnosticsLogsToWorkspace',
};
const logs = ['StorageRead', 'StorageWrite', 'StorageDelete'];

describe('ZT-STG-16 storage logs to Log Analytics (built-ins 59759c62, b4fe1a3b, 25a70cc8 in zt-storage)', () => {
  const account = expectMember(storage, builtin.configureDiagnosticSettingsForStorageAccountsToLogAnalyticsWorkspace, { parameters });
  const blob = expectMember(storage, builtin.configureDiagnosticSettingsForBlobServicesToLogAnalyticsWorkspace, { parameters });
  const file = expectMember(storage, builtin.configureDiagnosticSettingsForFileServicesToLogAnalyticsWorkspace, { parameters });

  it('deploys diagnostic settings for an account and its blob and file services that have none', () => {
    account.toDeployIfNotExists(storageAccount());
    blob.toDeployIfNotExists(blobServices());
    file.toDeployIfNotExists(fileServices());
  });

  it('finds them compliant once the setting sends logs and metrics to the central workspace', () => {
    const sa = storageAccount();
    account.withRelated([diagnosticSetting(sa.id, { name: profile.account, workspaceId: workspace, categories: [], metrics: true })]).toBeCompliant(sa);
    const bs = blobServices();
    blob.withRelated([diagnosticSetting(bs.id, { name: profile.blob, workspaceId: workspace, categories: logs, metrics: true })]).toBeCompliant(bs);
    const fs = fileServices();
    file.withRelated([diagnosticSetting(fs.id, { name: profile.file, workspaceId: workspace, categories: logs, metrics: true })]).toBeCompliant(fs);
  });

  it('still deploys when the setting sends to another workspace', () => {
    const bs = blobServices();
    const elsewhere = workspace.replace('law-central', 'law-team');
    blob.withRelated([diagnosticSetting(bs.id, { name: profile.blob, workspaceId: elsewhere, categories: logs, metrics: true })]).toDeployIfNotExists(bs);
  });

  it('still deploys when the setting has logs switched off', () => {
    const bs = blobServices();
    blob.withRelated([diagnosticSetting(bs.id, { name: profile.blob, workspaceId: workspace, categories: logs, enabled: false, metrics: true })]).toDeployIfNotExists(bs);
  });

  it('each member applies only to its own resource type', () => {
    account.toBeNotApplicable(blobServices());
    blob.toBeNotApplicable(fileServices());
    file.toBeNotApplicable(storageAccount());
  });

  it('only audits with ztStg16Effect=AuditIfNotExists', () => {
    expectMember(storage, builtin.configureDiagnosticSettingsForBlobServicesToLogAnalyticsWorkspace, {
      parameters: { ...parameters, ztStg16Effect: 'AuditIfNotExists' },
    }).toAuditIfNotExists(blobServices());
  });
});
