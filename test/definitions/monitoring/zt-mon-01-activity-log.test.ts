/**
 * ZT-MON-01 (zero-trust-controls.md §5.2): every subscription's activity log streams to the central workspace,
 * through built-in 2465583e as the Defender-and-monitoring initiative assigns it.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { diagnosticSetting, expectMember, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT, LAW, expectDisabled } from '../defender/assignment.js';

describe('ZT-MON-01 activity log to the central workspace', () => {
  const policy = expectMember(defender, builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys the diagnostic setting where there is none, or it sends elsewhere', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
    policy.toDeployIfNotExists(sub, { related: [diagnosticSetting(sub.id, { workspaceId: LAW.replace('law-security', 'law-other') })] });
  });

  it('deploys when the logs are switched off', () => {
    policy.toDeployIfNotExists(sub, { related: [diagnosticSetting(sub.id, { workspaceId: LAW, enabled: false })] });
  });

  it('finds a setting sending enabled logs to the workspace compliant', () => {
    policy.toBeCompliant(sub, { related: [diagnosticSetting(sub.id, { workspaceId: LAW })] });
  });

  it('switches off with ztMon01Effect Disabled', () => {
    expectDisabled(expectMember(defender, builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, { parameters: { ...ASSIGNMENT, ztMon01Effect: 'Disabled' } }), sub);
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(storageAccount());
  });
});
