/**
 * ZT-HUB-10 (zero-trust-controls.md §4): built-in 752154a7 wants, on every public IP, a diagnostic setting with logs
 * and metrics enabled to the central workspace (auditIfNotExists by default, deployIfNotExists when chosen).
 */
import { describe, it } from 'vitest';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { diagnosticSetting, expectMember, publicIp, virtualNetwork } from '../../../src/testing/index.js';

const SUB = '00000000-0000-0000-0000-00000000a11c';
const law = `/subscriptions/${SUB}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central`;
const ddosCategories = ['DDoSProtectionNotifications', 'DDoSMitigationFlowLogs', 'DDoSMitigationReports'];

describe('ZT-HUB-10 752154a7 DDoS logs on public IPs', () => {
  const member = expectMember(hubVnet, builtin.publicIpAddressesShouldHaveResourceLogsEnabledForAzureDDoSProtection, { parameters: { logAnalyticsWorkspaceId: law } });
  const pip = publicIp();

  it('audits a public IP without a setting, or with one to another workspace', () => {
    member.toAuditIfNotExists(pip);
    member.withRelated([diagnosticSetting(pip.id, { workspaceId: law.replace('law-central', 'law-app'), categories: ddosCategories, metrics: true })]).toAuditIfNotExists(pip);
  });

  it('is satisfied by logs and metrics to the central workspace', () => {
    member.withRelated([diagnosticSetting(pip.id, { workspaceId: law, categories: ddosCategories, metrics: true })]).toBeCompliant(pip);
  });

  it('deploys when the initiative picks DeployIfNotExists, and does not apply to VNets', () => {
    expectMember(hubVnet, builtin.publicIpAddressesShouldHaveResourceLogsEnabledForAzureDDoSProtection, {
      parameters: { logAnalyticsWorkspaceId: law, ztHub10Effect: 'DeployIfNotExists' },
    }).toDeployIfNotExists(pip);
    member.toBeNotApplicable(virtualNetwork());
  });
});
