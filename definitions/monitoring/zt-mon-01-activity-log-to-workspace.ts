import { allOf, auditIfNotExists, defineControl, param } from '../../src/dsl/index.js';

/**
 * ZT-MON-01 (zero-trust-controls.md §5.2): each subscription's activity log (including the Security
 * category) streams to the central Log Analytics workspace. This control audits; the built-in 2465583e in the
 * monitoring initiative deploys the diagnostic setting. The existence check looks at the subscription's
 * Microsoft.Insights/diagnosticSettings: one must send to the workspace with at least one log category on.
 */
export default defineControl({
  name: 'zt-mon-01-activity-log-to-workspace',
  controlId: 'ZT-MON-01',
  displayName: 'Subscription activity logs must stream to the central Log Analytics workspace',
  description:
    'Audits subscriptions without a diagnostic setting that sends enabled activity log categories to the given Log Analytics workspace.',
  principle: 'assume-breach',
  unit: 'monitoring',
  version: '1.0.0',
  category: 'Monitoring',
  mode: 'All',
  resourceType: 'Microsoft.Resources/subscriptions',
  parameters: {
    effect: param.effect(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists'),
    logAnalytics: param.string({
      displayName: 'Log Analytics workspace',
      description: 'Resource id of the central workspace that must receive the activity log.',
      strongType: 'omsWorkspace',
      assignPermissions: true,
    }),
  },
  rule: ({ field, count, p }) => ({
    if: field('type').equals('Microsoft.Resources/subscriptions'),
    then: auditIfNotExists(
      {
        type: 'Microsoft.Insights/diagnosticSettings',
        existenceCondition: (related) =>
          allOf(
            related('Microsoft.Insights/diagnosticSettings/workspaceId').equals(p.logAnalytics),
            count(
              related('Microsoft.Insights/diagnosticSettings/logs[*]'),
              related('Microsoft.Insights/diagnosticSettings/logs[*].enabled').equals(true),
            ).greater(0),
          ),
      },
      p.effect,
    ),
  }),
  remediation:
    'Assign the monitoring initiative (its deployIfNotExists member creates the diagnostic setting) and run a remediation task, or create a subscription diagnostic setting that sends Administrative, Security and Policy logs to the workspace.',
  reason: 'Assume breach needs an audit trail outside the attacker\'s reach: control-plane activity must land in the central workspace.',
});
