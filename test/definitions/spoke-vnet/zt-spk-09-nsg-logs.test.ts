/**
 * ZT-SPK-09 (zero-trust-controls.md §3): built-in 98a2e215 deploys an NSG diagnostic setting to the central
 * workspace; its existence check wants a setting whose workspaceId is the initiative's logAnalyticsWorkspaceId.
 */
import { describe, it } from 'vitest';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { diagnosticSetting, expectMember, networkSecurityGroup, routeTable } from '../../../src/testing/index.js';

const SUB = '00000000-0000-0000-0000-00000000a11c';
const law = `/subscriptions/${SUB}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central`;
const other = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.OperationalInsights/workspaces/law-app`;

describe('ZT-SPK-09 98a2e215 NSG logs to the central workspace', () => {
  const member = expectMember(spokeVnet, builtin.configureDiagnosticSettingsForAzureNetworkSecurityGroupsToLogAnalyticsWorkspace, {
    parameters: { logAnalyticsWorkspaceId: law },
  });
  const nsg = networkSecurityGroup();
  const logs = ['NetworkSecurityGroupEvent', 'NetworkSecurityGroupRuleCounter'];

  it('deploys a setting for an NSG without one, or with one to another workspace', () => {
    member.toDeployIfNotExists(nsg);
    member.withRelated([diagnosticSetting(nsg.id, { workspaceId: other, categories: logs })]).toDeployIfNotExists(nsg);
  });

  it('is satisfied by a setting to the central workspace', () => {
    member.withRelated([diagnosticSetting(nsg.id, { workspaceId: law, categories: logs })]).toBeCompliant(nsg);
  });

  it('does not apply to route tables', () => {
    member.toBeNotApplicable(routeTable());
  });
});
