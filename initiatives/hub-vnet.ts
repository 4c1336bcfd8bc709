import { builtin } from '../src/catalog/builtins.js';
import { sharedParameters } from '../src/catalog/zero-trust-parameters.js';
import { defineInitiative, member, param, routeRoleTagNameParameter } from '../src/dsl/index.js';
import firewallPremium from '../definitions/hub-vnet/zt-hub-01-firewall-premium.js';
import policyPremium from '../definitions/hub-vnet/zt-hub-03-firewall-policy-premium.js';
import threatIntelDeny from '../definitions/hub-vnet/zt-hub-04-threat-intel-deny.js';
import idpsDeny from '../definitions/hub-vnet/zt-hub-05-idps-deny.js';
import tlsInspection from '../definitions/hub-vnet/zt-hub-06-tls-inspection.js';
import appRulesInspectTls from '../definitions/hub-vnet/zt-hub-07-application-rules-inspect-tls.js';
import gatewayRoutes from '../definitions/hub-vnet/zt-hub-11-gateway-routes-to-firewall.js';
import noInternetNextHop from '../definitions/hub-vnet/zt-hub-12-no-internet-next-hop.js';
import spokeDefaultRoute from '../definitions/hub-vnet/zt-hub-12-spoke-default-route-to-firewall.js';
import propagationOff from '../definitions/hub-vnet/zt-hub-13-spoke-route-propagation-off.js';

const AUDIT_DENY = ['Audit', 'Deny', 'Disabled'] as const;
const effectOf = (controlId: string, what: string) => ({ displayName: `${controlId} effect`, description: what });

/**
 * Unit 4, hub virtual network (zero-trust-controls.md §4). One effect parameter per control (`ztHubNNEffect`),
 * defaults as §7.2 proposes; a built-in and the custom rule of the same control share it. Route-table rules select
 * tables by the `zt-route-role` tag (gateway | spoke | appgw); firewall IPs and spoke prefixes are assignment facts.
 */
export default defineInitiative({
  name: 'zt-hub-vnet',
  displayName: 'Zero Trust: Hub virtual network',
  description:
    'Zero Trust guardrails for the hub: Azure Firewall Premium managed by a Premium policy with threat intelligence and IDPS in deny mode and TLS inspection, firewall and Bastion logs, DDoS Network Protection and its logs, and routing that sends spoke and gateway traffic through the firewall.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'hub-vnet',
  parameters: {
    ztHub01Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-HUB-01', 'Azure Firewall Premium.')),
    ztHub02Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-HUB-02', 'Firewall managed by a firewall policy.')),
    ztHub03Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-HUB-03', 'Premium firewall policy.')),
    ztHub04Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-HUB-04', 'Threat intelligence in alert-and-deny.')),
    ztHub05Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-HUB-05', 'IDPS in alert-and-deny.')),
    ztHub06Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-HUB-06', 'TLS inspection configured (Audit, then Deny once the CA is in place).')),
    ztHub07Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-HUB-07', 'HTTPS application rules inspect TLS.')),
    ztHub08Effect: param.effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'DeployIfNotExists', effectOf('ZT-HUB-08', 'Firewall and Bastion logs to Log Analytics.')),
    ztHub09Effect: param.effect(['Modify', 'Audit', 'Disabled'], 'Modify', effectOf('ZT-HUB-09', 'DDoS Network Protection on every virtual network.')),
    ztHub10Effect: param.effect(['AuditIfNotExists', 'DeployIfNotExists', 'Disabled'], 'AuditIfNotExists', effectOf('ZT-HUB-10', 'DDoS logs on public IPs.')),
    ztHub11Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-HUB-11', 'GatewaySubnet routes spoke prefixes to the firewall.')),
    ztHub12Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-HUB-12', 'Spoke default route via the firewall, no next hop around it (Audit, then Deny).')),
    ztHub13Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-HUB-13', 'Gateway route propagation off on spoke route tables.')),
    routeRoleTagName: routeRoleTagNameParameter,
    firewallPrivateIps: sharedParameters.firewallPrivateIps,
    spokeAddressPrefixes: sharedParameters.spokeAddressPrefixes,
    exemptRuleCollectionNames: appRulesInspectTls.parameters.exemptRuleCollectionNames,
    ddosPlanId: param.string({
      displayName: 'DDoS protection plan',
      description: 'Resource id of the DDoS Network Protection plan every virtual network is linked to.',
      strongType: 'Microsoft.Network/ddosProtectionPlans',
    }),
    logAnalyticsWorkspaceId: sharedParameters.logAnalyticsWorkspaceId,
  },
  members: ({ p }) => [
    // ZT-HUB-01: custom (any tier but Premium) and the built-in (Standard only).
    member(firewallPremium, { parameters: { effect: p.ztHub01Effect } }),
    member(builtin.azureFirewallStandardShouldBeUpgradedToPremiumForNextGenerationProtection, {
      controlId: 'ZT-HUB-01',
      principle: 'assume-breach',
      parameters: { effect: p.ztHub01Effect },
    }),
    // ZT-HUB-02
    member(builtin.azureFirewallClassicRulesShouldBeMigratedToFirewallPolicy, {
      controlId: 'ZT-HUB-02',
      principle: 'verify-explicitly',
      parameters: { effect: p.ztHub02Effect },
    }),
    // ZT-HUB-03
    member(policyPremium, { parameters: { effect: p.ztHub03Effect } }),
    // ZT-HUB-04: custom (only Deny passes) and the built-in (rejects Off).
    member(threatIntelDeny, { parameters: { effect: p.ztHub04Effect } }),
    member(builtin.azureFirewallPolicyShouldEnableThreatIntelligence, {
      controlId: 'ZT-HUB-04',
      principle: 'assume-breach',
      parameters: { effect: p.ztHub04Effect },
    }),
    // ZT-HUB-05 / 06 / 07
    member(idpsDeny, { parameters: { effect: p.ztHub05Effect } }),
    member(tlsInspection, { parameters: { effect: p.ztHub06Effect } }),
    member(appRulesInspectTls, { parameters: { effect: p.ztHub07Effect, exemptRuleCollectionNames: p.exemptRuleCollectionNames } }),
    // ZT-HUB-08: firewall and Bastion logs, all categories.
    member(builtin.enableLoggingByCategoryGroupForFirewallsMicrosoftNetworkAzurefirewallsToLogAnalytics, {
      controlId: 'ZT-HUB-08',
      principle: 'assume-breach',
      parameters: { effect: p.ztHub08Effect, categoryGroup: 'allLogs', logAnalytics: p.logAnalyticsWorkspaceId },
    }),
    member(builtin.enableLoggingByCategoryGroupForBastionsMicrosoftNetworkBastionhostsToLogAnalytics, {
      controlId: 'ZT-HUB-08',
      principle: 'assume-breach',
      parameters: { effect: p.ztHub08Effect, categoryGroup: 'allLogs', logAnalytics: p.logAnalyticsWorkspaceId },
    }),
    // ZT-HUB-09: Modify links every VNet to the plan; the MCSB audit as companion.
    member(builtin.virtualNetworksShouldBeProtectedByAzureDDoSProtection, {
      controlId: 'ZT-HUB-09',
      principle: 'assume-breach',
      parameters: { effect: p.ztHub09Effect, ddosPlan: p.ddosPlanId },
    }),
    member(builtin.azureDDoSProtectionShouldBeEnabled, {
      controlId: 'ZT-HUB-09',
      principle: 'assume-breach',
      parameters: { effect: 'AuditIfNotExists' },
    }),
    // ZT-HUB-10
    member(builtin.publicIpAddressesShouldHaveResourceLogsEnabledForAzureDDoSProtection, {
      controlId: 'ZT-HUB-10',
      principle: 'assume-breach',
      // Metrics too (the built-in's default is 'False'): the article asks for DDoS telemetry as well as logs.
      parameters: { effect: p.ztHub10Effect, logAnalytics: p.logAnalyticsWorkspaceId, profileName: 'zt-ddos-logs', logsEnabled: 'True', metricsEnabled: 'True' },
    }),
    // ZT-HUB-11 / 12 / 13: routing by route-table role.
    member(gatewayRoutes, {
      parameters: { effect: p.ztHub11Effect, routeRoleTagName: p.routeRoleTagName, firewallPrivateIps: p.firewallPrivateIps, spokeAddressPrefixes: p.spokeAddressPrefixes },
    }),
    member(spokeDefaultRoute, { parameters: { effect: p.ztHub12Effect, routeRoleTagName: p.routeRoleTagName, firewallPrivateIps: p.firewallPrivateIps } }),
    member(noInternetNextHop, { parameters: { effect: p.ztHub12Effect, routeRoleTagName: p.routeRoleTagName } }),
    member(builtin.previewAllInternetTrafficShouldBeRoutedViaYourDeployedAzureFirewall, {
      controlId: 'ZT-HUB-12',
      principle: 'verify-explicitly',
      parameters: { effect: 'AuditIfNotExists' },
    }),
    member(propagationOff, { parameters: { effect: p.ztHub13Effect, routeRoleTagName: p.routeRoleTagName } }),
  ],
});
