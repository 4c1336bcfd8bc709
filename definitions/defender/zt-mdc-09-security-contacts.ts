import { allOf, defineControl, deployIfNotExists, param, roles } from '../../src/dsl/index.js';

/**
 * ZT-MDC-09 (zero-trust-controls.md §5.2): every subscription has a Defender for Cloud security contact that
 * emails the security team about alerts (from a minimal severity) and attack paths (from a minimal risk level),
 * and notifies subscription Owners. No built-in deploys the 2023-12-01-preview contact shape (the MCSB audits
 * 4f4f78b8/6e2593d9/0b15565f only report), so this is a custom deployIfNotExists modelled on ALZ
 * Deploy-ASC-SecurityContacts v3.0.0 (reference implementation, own name and version here).
 * Aliases: Microsoft.Security/securityContacts/emails (properties.emails), isEnabled, notificationsSources[*]
 * (aliases-by-resource-type.csv). Writing securityContacts needs Security Admin.
 */
export default defineControl({
  name: 'zt-mdc-09-security-contacts',
  controlId: 'ZT-MDC-09',
  displayName: 'Defender for Cloud security contacts must notify the security team in every subscription',
  description:
    'Deploys the Defender for Cloud security contact "default" to subscriptions without one that emails the given addresses about alerts and attack paths at or above the chosen severity, and notifies Owners.',
  principle: 'assume-breach',
  unit: 'defender',
  version: '1.0.0',
  category: 'Security Center',
  mode: 'All',
  resourceType: 'Microsoft.Resources/subscriptions',
  parameters: {
    effect: param.effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'DeployIfNotExists'),
    emailSecurityContact: param.string({
      displayName: 'Security contact email addresses',
      description: 'Semicolon-separated email addresses of the security team.',
    }),
    minimalSeverity: param.string({
      displayName: 'Minimal alert severity',
      description: 'Alerts at or above this severity are emailed.',
      allowedValues: ['High', 'Medium', 'Low'],
      defaultValue: 'High',
    }),
    attackPathSeverity: param.string({
      displayName: 'Minimal attack path risk level',
      description: 'Attack paths at or above this risk level are emailed.',
      allowedValues: ['Critical', 'High', 'Medium', 'Low'],
      defaultValue: 'Critical',
    }),
  },
  rule: ({ field, count, p }) => ({
    if: field('type').equals('Microsoft.Resources/subscriptions'),
    then: deployIfNotExists(
      {
        type: 'Microsoft.Security/securityContacts',
        name: 'default',
        existenceScope: 'subscription',
        deploymentScope: 'subscription',
        existenceCondition: (related) =>
          allOf(
            related('Microsoft.Security/securityContacts/emails').contains(p.emailSecurityContact),
            related('Microsoft.Security/securityContacts/isEnabled').equals(true),
            count(
              related('Microsoft.Security/securityContacts/notificationsSources[*]'),
              allOf(
                related('Microsoft.Security/securityContacts/notificationsSources[*].sourceType').equals('Alert'),
                related('Microsoft.Security/securityContacts/notificationsSources[*].Alert.minimalSeverity').equals(p.minimalSeverity),
              ),
            ).greaterOrEquals(1),
            count(
              related('Microsoft.Security/securityContacts/notificationsSources[*]'),
              allOf(
                related('Microsoft.Security/securityContacts/notificationsSources[*].sourceType').equals('AttackPath'),
                related('Microsoft.Security/securityContacts/notificationsSources[*].AttackPath.minimalRiskLevel').equals(p.attackPathSeverity),
              ),
            ).greaterOrEquals(1),
          ),
        roleDefinitionIds: [roles.securityAdmin],
        deployment: {
          // Subscription-scope deployments need a location for their metadata only (the built-ins use a fixed one).
          location: 'westeurope',
          properties: {
            mode: 'incremental',
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              parameters: {
                emailSecurityContact: { type: 'string' },
                minimalSeverity: { type: 'string' },
                attackPathSeverity: { type: 'string' },
              },
              resources: [
                {
                  type: 'Microsoft.Security/securityContacts',
                  apiVersion: '2023-12-01-preview',
                  name: 'default',
                  properties: {
                    emails: "[parameters('emailSecurityContact')]",
                    isEnabled: true,
                    notificationsByRole: { state: 'On', roles: ['Owner'] },
                    notificationsSources: [
                      { sourceType: 'Alert', minimalSeverity: "[parameters('minimalSeverity')]" },
                      { sourceType: 'AttackPath', minimalRiskLevel: "[parameters('attackPathSeverity')]" },
                    ],
                  },
                },
              ],
            },
            parameters: {
              emailSecurityContact: { value: p.emailSecurityContact },
              minimalSeverity: { value: p.minimalSeverity },
              attackPathSeverity: { value: p.attackPathSeverity },
            },
          },
        },
      },
      p.effect,
    ),
  }),
  remediation:
    'Run a remediation task for this policy at the root management group, or set the contact: Defender for Cloud > Environment settings > <subscription> > Email notifications (emails, alert severity, attack path risk level, notify Owners).',
  reason: 'Assume breach: an alert nobody receives is no detection. Every subscription must route Defender alerts and attack paths to the security team.',
});
