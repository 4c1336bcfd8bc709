/**
 * ZT-SPK-08 (zero-trust-controls.md §3): built-in 3e9965dc deploys a VNet flow log with traffic analytics for VNets in
 * the flow log region (deployIfNotExists), and built-in 4c3c6c5f audits any VNet without a flow log — both as
 * the initiative assigns them. The existence check reads the flow log the VNet's flowLogs[*].id points at.
 */
import { describe, expect, it } from 'vitest';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, flowLog, networkSecurityGroup, virtualNetwork } from '../../../src/testing/index.js';

const SUB = '00000000-0000-0000-0000-00000000a11c';
const law = `/subscriptions/${SUB}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central`;
const assignment = {
  parameters: {
    logAnalyticsWorkspaceId: law,
    logAnalyticsWorkspaceGuid: '00000000-0000-0000-0000-00000000a1a1',
    logAnalyticsWorkspaceRegion: 'westeurope',
    flowLogRegion: 'westeurope',
    flowLogStorageAccountId: `/subscriptions/${SUB}/resourceGroups/rg-management/providers/Microsoft.Storage/storageAccounts/stflowlogsweu`,
    networkWatcherName: 'NetworkWatcher_westeurope',
  },
};
const flowLogId = `/subscriptions/${SUB}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope/flowLogs/fl-vnet-spoke-01`;
const vnetWithFlowLog = virtualNetwork({ flowLogs: [{ id: flowLogId }] });

describe('ZT-SPK-08 3e9965dc VNet flow logs with traffic analytics', () => {
  const member = expectMember(spokeVnet, builtin.configureVirtualNetworkToEnableFlowLogAndTrafficAnalytics, assignment);

  it('deploys a flow log for a VNet in the flow log region that has none', () => {
    member.toDeployIfNotExists(virtualNetwork());
  });

  it('deploys when the flow log exists but traffic analytics is off', () => {
    const noAnalytics = flowLog(vnetWithFlowLog.id, { flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: { enabled: false } } });
    member.withRelated([noAnalytics]).toDeployIfNotExists(vnetWithFlowLog);
  });

  it('is satisfied by an enabled flow log with traffic analytics every 10 minutes', () => {
    member.withRelated([flowLog(vnetWithFlowLog.id)]).toBeCompliant(vnetWithFlowLog);
  });

  it('does not apply to VNets of another region (one assignment per region) or to NSGs', () => {
    member.toBeNotApplicable(virtualNetwork({}, { location: 'northeurope' }));
    member.toBeNotApplicable(networkSecurityGroup());
  });

  it('can be switched off with ztSpk08Effect', () => {
    const off = expectMember(spokeVnet, builtin.configureVirtualNetworkToEnableFlowLogAndTrafficAnalytics, {
      parameters: { ...assignment.parameters, ztSpk08Effect: 'Disabled' },
    }).evaluate(virtualNetwork());
    expect({ effect: off.effect, declared: off.declaredEffect }).toEqual({ effect: undefined, declared: 'disabled' });
  });
});

describe('ZT-SPK-08 4c3c6c5f audit: every VNet has a flow log', () => {
  const member = expectMember(spokeVnet, builtin.auditFlowLogsConfigurationForEveryVirtualNetwork, assignment);

  it('audits a VNet in any region without flow logs, not one with', () => {
    member.toAudit(virtualNetwork({}, { location: 'northeurope' }));
    member.toBeCompliant(vnetWithFlowLog);
    member.toBeNotApplicable(networkSecurityGroup());
  });
});
