import { allOf, defineControl, deployIfNotExists, param, roles } from '../../src/dsl/index.js';

/**
 * ZT-MDC-04 (zero-trust-controls.md §5.2): Microsoft Defender for Key Vault is on in every subscription.
 * A subscription-targeted deployIfNotExists (mode All, type Microsoft.Resources/subscriptions) assigned at
 * the root management group covers current and future subscriptions (§0 fact 4). The existence check reads
 * the subscription's Microsoft.Security/pricings/KeyVaults; the deployment writes it at subscription scope.
 * Writing pricings needs Security Admin (§5.1), granted to the assignment's identity by the publisher.
 */
export default defineControl({
  name: 'zt-mdc-04-defender-key-vault',
  controlId: 'ZT-MDC-04',
  displayName: 'Microsoft Defender for Key Vault must be enabled on subscriptions',
  description:
    'Deploys the Defender for Key Vault plan (pricing tier Standard) to every subscription where it is not enabled, so access anomalies on the vaults holding customer-managed keys raise alerts.',
  principle: 'assume-breach',
  unit: 'defender',
  version: '1.0.0',
  category: 'Security Center',
  mode: 'All',
  resourceType: 'Microsoft.Resources/subscriptions',
  parameters: {
    effect: param.effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'DeployIfNotExists'),
    subPlan: param.string({
      displayName: 'Defender for Key Vault plan',
      description: 'PerTransaction (default plan) or PerKeyVault.',
      allowedValues: ['PerTransaction', 'PerKeyVault'],
      defaultValue: 'PerTransaction',
    }),
  },
  rule: ({ field, p }) => ({
    if: field('type').equals('Microsoft.Resources/subscriptions'),
    then: deployIfNotExists(
      {
        type: 'Microsoft.Security/pricings',
        name: 'KeyVaults',
        existenceScope: 'subscription',
        deploymentScope: 'subscription',
        existenceCondition: (related) =>
          allOf(
            related('Microsoft.Security/pricings/pricingTier').equals('Standard'),
            related('Microsoft.Security/pricings/subPlan').equals(p.subPlan),
          ),
        roleDefinitionIds: [roles.securityAdmin],
        deployment: {
          // Subscription-scope deployments need a location for their metadata only; built-ins use a fixed one.
          location: 'westeurope',
          properties: {
            mode: 'incremental',
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              parameters: { subPlan: { type: 'string' } },
              resources: [
                {
                  type: 'Microsoft.Security/pricings',
                  apiVersion: '2024-01-01',
                  name: 'KeyVaults',
                  properties: { pricingTier: 'Standard', subPlan: "[parameters('subPlan')]" },
                },
              ],
            },
            parameters: { subPlan: { value: p.subPlan } },
          },
        },
      },
      p.effect,
    ),
  }),
  remediation:
    'Run a remediation task for this policy at the root management group, or enable the plan: az security pricing create --name KeyVaults --tier Standard --subplan PerTransaction.',
  reason: 'Key vaults hold the keys of the storage and disk encryption controls; Defender detects unusual access to them.',
});
