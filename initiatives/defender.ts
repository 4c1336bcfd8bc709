import { builtin } from '../src/catalog/builtins.js';
import { sharedParameters as shared } from '../src/catalog/zero-trust-parameters.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import { extensionFlag, ZERO_TRUST_DEFENDER_PLANS as plans } from '../src/publisher/defender-plans.js';
import securityContacts from '../definitions/defender/zt-mdc-09-security-contacts.js';

const dine = (defaultValue: 'DeployIfNotExists' | 'Disabled', what: string) =>
  param.effect(['DeployIfNotExists', 'Disabled'], defaultValue, { description: `DeployIfNotExists ${what}; Disabled switches the control off.` });

const cspm = plans.CloudPosture.extensions;
const servers = plans.VirtualMachines;
const storage = plans.StorageAccounts;

/**
 * Defender for Cloud enablement and monitoring (zero-trust-controls.md §5): subscription-targeted
 * deployIfNotExists members assigned at the root management group, so current and future subscriptions are
 * covered (§0 fact 4). Plan settings come from src/publisher/defender-plans.ts, the same values the publisher
 * writes directly, and are passed as fixed values: an assignment cannot make the two disagree.
 *
 * Roles: the full-feature plan built-ins for CSPM (72f8cee7), Servers (5eb6d64a) and Storage (cfdc5972) declare
 * Owner. Learn ("Required permissions for enabling Defender for Storage") documents Owner (or a custom action
 * set) for malware scanning and sensitive data threat detection at subscription level; the Security Admin
 * equivalents (8e86a5b6 tier only, 17bc14a7 activity monitoring only) cannot set P2, agentless scanning or
 * malware scanning, so they would not implement the control. The Owner grant is listed in the summary; a
 * tenant that will not grant Owner at the root can set ztMdc01Effect/ztMdc02Effect/ztMdc03Effect to Disabled and
 * rely on the publisher's direct pricing writes for existing subscriptions.
 */
export default defineInitiative({
  name: 'zt-defender',
  displayName: 'Zero Trust: Microsoft Defender for Cloud and monitoring',
  description:
    'Enables the Defender for Cloud plans the Zero Trust units rely on (CSPM, Servers P2, Storage with malware scanning, Key Vault, Resource Manager, SQL) in every subscription, sets security contacts, exports Defender data and the activity log to the central workspace.',
  version: '2.0.0',
  category: 'Zero Trust',
  unit: 'defender',
  reviewerNotes: [
    'The publisher also writes these Defender plans directly on every subscription under the target (pricings API, src/publisher/defender-plans.ts). The members pass the same settings, so the direct writes are compliant and remediation never undoes them; the members cover subscriptions created later.',
    'Owner: built-ins 72f8cee7 (CSPM), 5eb6d64a (Servers) and cfdc5972 (Storage) declare Owner. Learn ("Required permissions for enabling Defender for Storage and its features") documents Owner, or a custom role with its action set, for malware scanning and sensitive data threat detection at subscription level. The Security Admin built-ins 8e86a5b6 (Servers, tier only) and 17bc14a7 (Storage, activity monitoring only) cannot set P2, agentless scanning or malware scanning, so they would not implement ZT-MDC-01/02/03. To avoid the Owner grant, assign with ztMdc01Effect, ztMdc02Effect and ztMdc03Effect = Disabled and rely on the publisher\'s direct writes (re-run publish for new subscriptions).',
    'Containers (ZT-MDC-07) and App Service (ZT-MDC-08) are Disabled by default (no such workloads in the IaaS scope): to turn one on, set its effect to DeployIfNotExists and add the plan to defender.plans in ztpolicy.config.json, together.',
    'ZT-MDC-10 (built-in ffb6f416) has a fixed deployIfNotExists effect: it cannot be switched off per assignment other than by an exemption or by removing the member.',
  ],
  parameters: {
    logAnalyticsWorkspaceId: shared.logAnalyticsWorkspaceId,
    securityContactEmails: shared.securityContactEmails,
    ztMdc01Effect: dine('DeployIfNotExists', 'enables Defender CSPM with all its extensions'),
    ztMdc02Effect: dine('DeployIfNotExists', 'enables Defender for Servers P2 and its Defender for Endpoint integration'),
    ztMdc03Effect: dine('DeployIfNotExists', 'enables Defender for Storage with malware scanning'),
    ztMdc04Effect: dine('DeployIfNotExists', 'enables Defender for Key Vault'),
    ztMdc05Effect: dine('DeployIfNotExists', 'enables Defender for Resource Manager'),
    ztMdc06Effect: dine('DeployIfNotExists', 'enables Defender for SQL databases and SQL servers on machines'),
    ztMdc07Effect: dine('Disabled', 'enables Defender for Containers (off by default: no containers in the IaaS scope)'),
    ztMdc08Effect: dine('Disabled', 'enables Defender for App Service (off by default: no App Service in the IaaS scope)'),
    ztMdc09Effect: param.effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'DeployIfNotExists', {
      description: 'DeployIfNotExists sets the security contact; AuditIfNotExists only reports; Disabled switches the control off.',
    }),
    // ZT-MDC-09's own declarations (allowed values, defaults), passed through: one declaration per fact.
    alertMinimalSeverity: securityContacts.parameters.minimalSeverity,
    attackPathMinimalRiskLevel: securityContacts.parameters.attackPathSeverity,
    mdcExportResourceGroupName: param.string({
      displayName: 'Resource group of the continuous export',
      description: 'Resource group (created in every subscription) that holds the Defender for Cloud continuous export automation.',
      defaultValue: 'rg-zt-mdc-export',
    }),
    mdcExportResourceGroupLocation: param.string({
      displayName: 'Location of the continuous export resource group',
      description: 'Azure region of that resource group (the primary region).',
      strongType: 'location',
    }),
    ztMon01Effect: dine('DeployIfNotExists', 'streams every subscription activity log to the central workspace'),
  },
  members: ({ p }) => [
    member(builtin.configureMicrosoftDefenderCspmPlan, {
      controlId: 'ZT-MDC-01',
      principle: 'assume-breach',
      parameters: {
        effect: p.ztMdc01Effect,
        isSensitiveDataDiscoveryEnabled: extensionFlag(cspm.SensitiveDataDiscovery),
        isContainerRegistriesVulnerabilityAssessmentsEnabled: extensionFlag(cspm.ContainerRegistriesVulnerabilityAssessments),
        isAgentlessDiscoveryForKubernetesEnabled: extensionFlag(cspm.AgentlessDiscoveryForKubernetes),
        isAgentlessVmScanningEnabled: extensionFlag(cspm.AgentlessVmScanning),
        isEntraPermissionsManagementEnabled: extensionFlag(cspm.EntraPermissionsManagement),
      },
    }),
    member(builtin.configureMicrosoftDefenderForServersPlan, {
      controlId: 'ZT-MDC-02',
      principle: 'verify-explicitly',
      parameters: {
        effect: p.ztMdc02Effect,
        subPlan: servers.subPlan,
        isAgentlessVmScanningEnabled: extensionFlag(servers.extensions.AgentlessVmScanning),
        isMdeDesignatedSubscriptionEnabled: extensionFlag(servers.extensions.MdeDesignatedSubscription),
      },
    }),
    // ZT-MDC-02: Defender for Endpoint integration (WDATP setting), what Servers P2 protects VMs with (§5.2).
    member(builtin.configureMicrosoftDefenderForEndpointIntegrationSettingsWithMicrosoftDefenderForCloudWdatp, {
      controlId: 'ZT-MDC-02',
      principle: 'assume-breach',
      parameters: { effect: p.ztMdc02Effect },
    }),
    member(builtin.configureMicrosoftDefenderForStorageToBeEnabled, {
      controlId: 'ZT-MDC-03',
      principle: 'assume-breach',
      parameters: {
        effect: p.ztMdc03Effect,
        isOnUploadMalwareScanningEnabled: extensionFlag(storage.extensions.OnUploadMalwareScanning),
        capGBPerMonthPerStorageAccount: storage.extensions.OnUploadMalwareScanning.properties.CapGBPerMonthPerStorageAccount,
        isSensitiveDataDiscoveryEnabled: extensionFlag(storage.extensions.SensitiveDataDiscovery),
      },
    }),
    member(builtin.configureMicrosoftDefenderForKeyVaultPlan, {
      controlId: 'ZT-MDC-04',
      principle: 'assume-breach',
      parameters: { effect: p.ztMdc04Effect, subPlan: plans.KeyVaults.subPlan },
    }),
    member(builtin.configureAzureDefenderForResourceManagerToBeEnabled, {
      controlId: 'ZT-MDC-05',
      principle: 'verify-explicitly',
      parameters: { effect: p.ztMdc05Effect, subPlan: plans.Arm.subPlan },
    }),
    member(builtin.configureAzureDefenderForAzureSqlDatabaseToBeEnabled, {
      controlId: 'ZT-MDC-06',
      principle: 'assume-breach',
      parameters: { effect: p.ztMdc06Effect },
    }),
    member(builtin.configureAzureDefenderForSqlServersOnMachinesToBeEnabled, {
      controlId: 'ZT-MDC-06',
      principle: 'assume-breach',
      parameters: { effect: p.ztMdc06Effect },
    }),
    member(builtin.configureMicrosoftDefenderForContainersToBeEnabled, {
      controlId: 'ZT-MDC-07',
      principle: 'assume-breach',
      parameters: { effect: p.ztMdc07Effect },
    }),
    member(builtin.configureAzureDefenderForAppServiceToBeEnabled, {
      controlId: 'ZT-MDC-08',
      principle: 'assume-breach',
      parameters: { effect: p.ztMdc08Effect },
    }),
    member(securityContacts, {
      parameters: {
        effect: p.ztMdc09Effect,
        emailSecurityContact: p.securityContactEmails,
        minimalSeverity: p.alertMinimalSeverity,
        attackPathSeverity: p.attackPathMinimalRiskLevel,
      },
    }),
    // ZT-MDC-10: the effect of ffb6f416 is fixed (deployIfNotExists, no effect parameter, §0 fact 2).
    member(builtin.deployExportToLogAnalyticsWorkspaceForMicrosoftDefenderForCloudData, {
      controlId: 'ZT-MDC-10',
      principle: 'assume-breach',
      parameters: {
        workspaceResourceId: p.logAnalyticsWorkspaceId,
        resourceGroupName: p.mdcExportResourceGroupName,
        resourceGroupLocation: p.mdcExportResourceGroupLocation,
      },
    }),
    member(builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, {
      controlId: 'ZT-MON-01',
      unit: 'monitoring',
      principle: 'assume-breach',
      parameters: { effect: p.ztMon01Effect, logAnalytics: p.logAnalyticsWorkspaceId },
    }),
  ],
});
