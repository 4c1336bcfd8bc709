/**
 * ZT-HUB-08 (zero-trust-controls.md §4): built-ins 5fcf46f9 (firewall) and f8352124 (Bastion) deploy a diagnostic
 * setting with category group allLogs to the central workspace; both sides of their existence checks.
 */
import { describe, it } from 'vitest';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { azureFirewall, bastionHost, expectMember, firewallPolicy, type ArmResource } from '../../../src/testing/index.js';

const SUB = '00000000-0000-0000-0000-00000000a11c';
const law = `/subscriptions/${SUB}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central`;
const assignment = { parameters: { logAnalyticsWorkspaceId: law } };

/** A diagnostic setting by category group, as GET .../providers/Microsoft.Insights/diagnosticSettings/x returns it. */
function byCategoryGroup(scopeId: string, groups: Record<string, boolean>, workspaceId = law): ArmResource {
  return {
    id: `${scopeId}/providers/Microsoft.Insights/diagnosticSettings/setbypolicy-law`,
    name: 'setbypolicy-law',
    type: 'Microsoft.Insights/diagnosticSettings',
    properties: { workspaceId, logs: Object.entries(groups).map(([categoryGroup, enabled]) => ({ categoryGroup, enabled })), metrics: [] },
  };
}

describe('ZT-HUB-08 5fcf46f9 firewall logs', () => {
  const member = expectMember(hubVnet, builtin.enableLoggingByCategoryGroupForFirewallsMicrosoftNetworkAzurefirewallsToLogAnalytics, assignment);
  const afw = azureFirewall();

  it('deploys for a firewall without a setting, or with only the audit group, or to another workspace', () => {
    member.toDeployIfNotExists(afw);
    member.withRelated([byCategoryGroup(afw.id, { audit: true })]).toDeployIfNotExists(afw);
    member.withRelated([byCategoryGroup(afw.id, { allLogs: true }, law.replace('law-central', 'law-app'))]).toDeployIfNotExists(afw);
  });

  it('is satisfied by allLogs to the central workspace', () => {
    member.withRelated([byCategoryGroup(afw.id, { allLogs: true })]).toBeCompliant(afw);
  });

  it('does not apply to firewall policies', () => {
    member.toBeNotApplicable(firewallPolicy());
  });
});

describe('ZT-HUB-08 f8352124 Bastion logs', () => {
  const member = expectMember(hubVnet, builtin.enableLoggingByCategoryGroupForBastionsMicrosoftNetworkBastionhostsToLogAnalytics, assignment);
  const bas = bastionHost();

  it('deploys for a Bastion without a setting', () => {
    member.toDeployIfNotExists(bas);
  });

  it('is satisfied by allLogs enabled (audit listed, disabled) to the central workspace', () => {
    member.withRelated([byCategoryGroup(bas.id, { audit: false, allLogs: true })]).toBeCompliant(bas);
  });

  it('audits only when the initiative picks AuditIfNotExists', () => {
    expectMember(hubVnet, builtin.enableLoggingByCategoryGroupForBastionsMicrosoftNetworkBastionhostsToLogAnalytics, {
      parameters: { logAnalyticsWorkspaceId: law, ztHub08Effect: 'AuditIfNotExists' },
    }).toAuditIfNotExists(bas);
  });

  it('does not apply to firewalls', () => {
    member.toBeNotApplicable(azureFirewall());
  });
});
