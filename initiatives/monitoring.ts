import { builtin } from '../src/catalog/builtins.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import activityLog from '../definitions/monitoring/zt-mon-01-activity-log-to-workspace.js';

/**
 * The central workspace (zero-trust-controls.md §6 `logAnalyticsWorkspaceId`, shared by STG-16, SPK-09, HUB-08,
 * HUB-10, MDC-10 and MON-01). Declared once here and imported by every unit initiative that sends logs, because
 * the umbrella merges the unit initiatives' parameters and a name must mean one declaration (ZT6009).
 */
export const logAnalyticsWorkspaceId = param.string({
  displayName: 'Central Log Analytics workspace',
  description: 'Resource id of the central (Sentinel-enabled) Log Analytics workspace that receives activity logs and resource logs.',
  strongType: 'omsWorkspace',
  assignPermissions: true,
});

/** Monitoring (zero-trust-controls.md §5.2, ZT-MON-01): control-plane logs land in the central workspace. */
export default defineInitiative({
  name: 'zt-monitoring',
  displayName: 'Zero Trust: Monitoring',
  description: 'Streams every subscription activity log to the central Log Analytics workspace and audits that it does.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'monitoring',
  parameters: {
    logAnalyticsWorkspaceId,
  },
  members: ({ p }) => [
    member(activityLog, { parameters: { logAnalytics: p.logAnalyticsWorkspaceId } }),
    // ZT-MON-01 enforcement: deploys the subscription diagnostic setting.
    member(builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, {
      controlId: 'ZT-MON-01',
      principle: 'assume-breach',
      parameters: { logAnalytics: p.logAnalyticsWorkspaceId, effect: 'DeployIfNotExists' },
    }),
  ],
});
