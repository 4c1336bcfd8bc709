import { builtin } from '../src/catalog/builtins.js';
import { sharedParameters } from '../src/catalog/zero-trust-parameters.js';
import { defineInitiative, denyRulePriorityParameter, member, outboundModeParameter, param } from '../src/dsl/index.js';
import networkResourceGroup from '../definitions/spoke-vnet/zt-spk-01-network-resource-group.js';
import subnetNsg from '../definitions/spoke-vnet/zt-spk-02-subnet-nsg.js';
import nicAsg from '../definitions/spoke-vnet/zt-spk-03-nic-application-security-group.js';
import denyAllInbound from '../definitions/spoke-vnet/zt-spk-04-deny-all-inbound.js';
import denyAllInboundClash from '../definitions/spoke-vnet/zt-spk-04-deny-all-inbound-clash.js';
import denyAllOutbound from '../definitions/spoke-vnet/zt-spk-05-deny-all-outbound.js';
import denyAllOutboundClash from '../definitions/spoke-vnet/zt-spk-05-deny-all-outbound-clash.js';
import managementPorts from '../definitions/spoke-vnet/zt-spk-06-no-management-ports-from-internet.js';
import anySourceInbound from '../definitions/spoke-vnet/zt-spk-07-no-any-source-inbound.js';
import subnetRouteTable from '../definitions/spoke-vnet/zt-spk-12-subnet-route-table.js';
// ZT-SPK-01 and ZT-VM-01 share the resource-group tag name (§6 rgTagName): one declaration, in the VM unit.
import { rgTagName } from './vm.js';

const AUDIT_DENY = ['Audit', 'Deny', 'Disabled'] as const;
const effectOf = (controlId: string, what: string) => ({ displayName: `${controlId} effect`, description: what });

/**
 * Unit 3, spoke virtual networks (zero-trust-controls.md §3). One effect parameter per control (`ztSpkNNEffect`,
 * catalog §6 "policyEffect.<controlId>"), defaults as §7.2 proposes, so a team can phase in one control at a time.
 * Companions of another effect family (auditIfNotExists audits, the clash audits of ZT-SPK-04/05) are passed their
 * effect as a literal: an initiative parameter cannot feed both families.
 */
export default defineInitiative({
  name: 'zt-spoke-vnet',
  displayName: 'Zero Trust: Spoke virtual networks',
  description:
    'Zero Trust guardrails for spoke virtual networks: dedicated network resource groups, an NSG and a route table on every subnet, NICs in application security groups, deny-all baselines at priority 4096, no management ports or any-source allows from the Internet, VNet flow logs with traffic analytics, NSG logs, and WAF in Prevention mode on Application Gateways.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'spoke-vnet',
  parameters: {
    ztSpk01Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-SPK-01', 'Network resources in a dedicated resource group.')),
    ztSpk02Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-SPK-02', 'Every subnet has an NSG.')),
    ztSpk03Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-SPK-03', 'NICs in an application security group (Audit, then Deny).')),
    ztSpk04Effect: param.effect(['Modify', 'Audit', 'Disabled'], 'Modify', effectOf('ZT-SPK-04', 'Adds DenyAllInbound at the baseline priority.')),
    ztSpk05Effect: param.effect(['Modify', 'Audit', 'Disabled'], 'Modify', effectOf('ZT-SPK-05', 'Adds DenyAllOutbound at the baseline priority.')),
    ztSpk06Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-SPK-06', 'No management ports from the Internet.')),
    ztSpk07Effect: param.effect([...AUDIT_DENY], 'Audit', effectOf('ZT-SPK-07', 'No any-source inbound allows.')),
    ztSpk08Effect: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists', effectOf('ZT-SPK-08', 'VNet flow logs with traffic analytics.')),
    ztSpk09Effect: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists', effectOf('ZT-SPK-09', 'NSG resource logs to Log Analytics.')),
    ztSpk10Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-SPK-10', 'Application Gateways run WAF with a WAF policy.')),
    ztSpk11Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-SPK-11', 'WAF in the required mode with request body inspection.')),
    ztSpk12Effect: param.effect([...AUDIT_DENY], 'Deny', effectOf('ZT-SPK-12', 'Every subnet has a route table (Audit during rollout).')),
    rgTagName,
    excludedSubnetsNsg: subnetNsg.parameters.excludedSubnets,
    excludedSubnetsUdr: subnetRouteTable.parameters.excludedSubnets,
    denyRulePriority: denyRulePriorityParameter,
    outboundMode: outboundModeParameter,
    managementPorts: managementPorts.parameters.managementPorts,
    publicIngressNsgNames: anySourceInbound.parameters.publicIngressNsgNames,
    allowedPublicPorts: anySourceInbound.parameters.allowedPublicPorts,
    wafMode: param.string({
      displayName: 'WAF mode',
      description: 'Mode every Application Gateway WAF policy must run in (the built-in defaults to Detection).',
      allowedValues: ['Prevention', 'Detection'],
      defaultValue: 'Prevention',
    }),
    logAnalyticsWorkspaceId: sharedParameters.logAnalyticsWorkspaceId,
    logAnalyticsWorkspaceGuid: param.string({
      displayName: 'Central Log Analytics workspace id (GUID)',
      description: 'Workspace id (customerId GUID) of the central workspace; traffic analytics needs it besides the resource id.',
    }),
    logAnalyticsWorkspaceRegion: param.string({
      displayName: 'Central Log Analytics workspace region',
      description: 'Region of the central workspace.',
      strongType: 'location',
    }),
    flowLogRegion: param.string({
      displayName: 'Flow log region',
      description: 'Region whose virtual networks get flow logs (the built-in deploys per region; assign once more per extra region).',
      strongType: 'location',
    }),
    flowLogStorageAccountId: param.string({
      displayName: 'Flow log storage account',
      description: 'Resource id of the storage account in the flow log region that keeps the raw flow logs (hardened per the storage unit, trusted-services bypass).',
      strongType: 'Microsoft.Storage/storageAccounts',
    }),
    networkWatcherResourceGroup: param.string({
      displayName: 'Network Watcher resource group',
      description: 'Resource group of the regional Network Watcher.',
      defaultValue: 'NetworkWatcherRG',
    }),
    networkWatcherName: param.string({
      displayName: 'Network Watcher name',
      description: 'Name of the Network Watcher in the flow log region (NetworkWatcher_<region> when Azure created it).',
    }),
    flowLogRetentionDays: param.string({
      displayName: 'Flow log retention (days)',
      description: 'Days the storage account keeps flow logs (the built-in defaults to 30).',
      defaultValue: '90',
    }),
    trafficAnalyticsInterval: param.string({
      displayName: 'Traffic analytics interval (minutes)',
      description: 'How often traffic analytics processes flow logs.',
      allowedValues: ['10', '60'],
      defaultValue: '10',
    }),
  },
  members: ({ p }) => [
    // ZT-SPK-01
    member(networkResourceGroup, { parameters: { effect: p.ztSpk01Effect, rgTagName: p.rgTagName } }),
    // ZT-SPK-02: custom deny (inline subnets and subnet resources), the MCSB audit, and the GatewaySubnet guard.
    member(subnetNsg, { parameters: { effect: p.ztSpk02Effect, excludedSubnets: p.excludedSubnetsNsg } }),
    member(builtin.subnetsShouldBeAssociatedWithANetworkSecurityGroup, {
      controlId: 'ZT-SPK-02',
      principle: 'least-privilege',
      parameters: { effect: 'AuditIfNotExists' },
    }),
    // Fixed deny (no effect parameter): GatewaySubnet must not get an NSG.
    member(builtin.gatewaySubnetsShouldNotBeConfiguredWithANetworkSecurityGroup, {
      controlId: 'ZT-SPK-02',
      principle: 'assume-breach',
    }),
    // ZT-SPK-03
    member(nicAsg, { parameters: { effect: p.ztSpk03Effect } }),
    // ZT-SPK-04 / 05: Modify that adds the baseline rule, and the audit of NSGs whose slot is taken.
    member(denyAllInbound, { parameters: { effect: p.ztSpk04Effect, denyRulePriority: p.denyRulePriority } }),
    member(denyAllInboundClash, { parameters: { effect: 'Audit', denyRulePriority: p.denyRulePriority } }),
    member(denyAllOutbound, { parameters: { effect: p.ztSpk05Effect, denyRulePriority: p.denyRulePriority, outboundMode: p.outboundMode } }),
    member(denyAllOutboundClash, { parameters: { effect: 'Audit', denyRulePriority: p.denyRulePriority, outboundMode: p.outboundMode } }),
    // ZT-SPK-06
    member(managementPorts, { parameters: { effect: p.ztSpk06Effect, managementPorts: p.managementPorts } }),
    // ZT-SPK-07: custom enforcement plus the MCSB audit of VM-attached NSGs.
    member(anySourceInbound, {
      parameters: { effect: p.ztSpk07Effect, publicIngressNsgNames: p.publicIngressNsgNames, allowedPublicPorts: p.allowedPublicPorts },
    }),
    member(builtin.allNetworkPortsShouldBeRestrictedOnNetworkSecurityGroupsAssociatedToYourVirtualMachine, {
      controlId: 'ZT-SPK-07',
      principle: 'least-privilege',
      parameters: { effect: 'AuditIfNotExists' },
    }),
    // ZT-SPK-08: VNet flow logs (NSG flow logs retire 2027-09-30) with traffic analytics, and the audit that every
    // VNet in any region has one.
    member(builtin.configureVirtualNetworkToEnableFlowLogAndTrafficAnalytics, {
      controlId: 'ZT-SPK-08',
      principle: 'assume-breach',
      parameters: {
        effect: p.ztSpk08Effect,
        vnetRegion: p.flowLogRegion,
        storageId: p.flowLogStorageAccountId,
        timeInterval: p.trafficAnalyticsInterval,
        workspaceResourceId: p.logAnalyticsWorkspaceId,
        workspaceRegion: p.logAnalyticsWorkspaceRegion,
        workspaceId: p.logAnalyticsWorkspaceGuid,
        networkWatcherRG: p.networkWatcherResourceGroup,
        networkWatcherName: p.networkWatcherName,
        retentionDays: p.flowLogRetentionDays,
      },
    }),
    member(builtin.auditFlowLogsConfigurationForEveryVirtualNetwork, {
      controlId: 'ZT-SPK-08',
      principle: 'assume-breach',
      parameters: { effect: 'Audit' },
    }),
    // ZT-SPK-09
    member(builtin.configureDiagnosticSettingsForAzureNetworkSecurityGroupsToLogAnalyticsWorkspace, {
      controlId: 'ZT-SPK-09',
      principle: 'assume-breach',
      parameters: { effect: p.ztSpk09Effect, logAnalytics: p.logAnalyticsWorkspaceId },
    }),
    // ZT-SPK-10: WAF enabled (config or policy) and a WAF policy attached.
    member(builtin.webApplicationFirewallWafShouldBeEnabledForApplicationGateway, {
      controlId: 'ZT-SPK-10',
      principle: 'verify-explicitly',
      parameters: { effect: p.ztSpk10Effect },
    }),
    member(builtin.azureApplicationGatewayShouldBeDeployedWithAzureWaf, {
      controlId: 'ZT-SPK-10',
      principle: 'verify-explicitly',
      parameters: { effect: p.ztSpk10Effect },
    }),
    // ZT-SPK-11: Prevention mode (the built-in defaults to Detection) and request body inspection.
    member(builtin.webApplicationFirewallWafShouldUseTheSpecifiedModeForApplicationGateway, {
      controlId: 'ZT-SPK-11',
      principle: 'verify-explicitly',
      parameters: { effect: p.ztSpk11Effect, modeRequirement: p.wafMode },
    }),
    member(builtin.azureWebApplicationFirewallOnAzureApplicationGatewayShouldHaveRequestBodyInspectionEnabled, {
      controlId: 'ZT-SPK-11',
      principle: 'verify-explicitly',
      parameters: { effect: p.ztSpk11Effect },
    }),
    // ZT-SPK-12
    member(subnetRouteTable, { parameters: { effect: p.ztSpk12Effect, excludedSubnets: p.excludedSubnetsUdr } }),
  ],
});
