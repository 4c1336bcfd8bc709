import { builtin } from '../src/catalog/builtins.js';
import { sharedParameters as shared } from '../src/catalog/zero-trust-parameters.js';
import { defineInitiative, member } from '../src/dsl/index.js';
import activityLog from '../definitions/monitoring/zt-mon-01-activity-log-to-workspace.js';

/** Monitoring (zero-trust-controls.md §5.2, ZT-MON-01): control-plane logs land in the central workspace. */
export default defineInitiative({
  name: 'zt-monitoring',
  displayName: 'Zero Trust: Monitoring',
  description: 'Streams every subscription activity log to the central Log Analytics workspace and audits that it does.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'monitoring',
  parameters: {
    // Shared with zt-storage (ZT-STG-16): one declaration, so the umbrella merges them (ZT6009 otherwise).
    logAnalyticsWorkspaceId: shared.logAnalyticsWorkspaceId,
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
