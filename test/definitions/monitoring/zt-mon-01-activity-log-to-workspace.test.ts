/**
 * ZT-MON-01 (zero-trust-controls.md §5): each subscription's activity log streams to the central Log Analytics
 * workspace: a subscription without a diagnostic setting sending enabled log categories to that workspace is
 * audited (auditIfNotExists).
 */
import { describe, expect, it } from 'vitest';
import control from '../../../definitions/monitoring/zt-mon-01-activity-log-to-workspace.js';
import { diagnosticSetting, expectPolicy, subscription, virtualMachine } from '../../../src/testing/index.js';

const central = '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central';
const other = '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-app/providers/Microsoft.OperationalInsights/workspaces/law-app-team';

describe('ZT-MON-01 activity log to the central workspace', () => {
  const policy = expectPolicy(control, { parameters: { logAnalytics: central } });
  const sub = subscription();

  it('audits a subscription without any diagnostic setting', () => {
    policy.toAuditIfNotExists(sub);
  });

  it('audits a subscription whose activity log goes to another workspace, or with every category off', () => {
    policy.toAuditIfNotExists(sub, { related: [diagnosticSetting(sub.id, { workspaceId: other })] });
    policy.toAuditIfNotExists(sub, { related: [diagnosticSetting(sub.id, { workspaceId: central, enabled: false })] });
  });

  it('finds a subscription streaming its activity log to the central workspace compliant', () => {
    policy.toBeCompliant(sub, { related: [diagnosticSetting(sub.id, { workspaceId: central })] });
    policy.toBeCompliant(sub, { related: [diagnosticSetting(sub.id, { workspaceId: other, name: 'team' }), diagnosticSetting(sub.id, { workspaceId: central })] });
  });

  it('does not count a diagnostic setting of another subscription', () => {
    const elsewhere = subscription({ subscriptionId: '11111111-0000-0000-0000-000000000002' });
    policy.toAuditIfNotExists(sub, { related: [diagnosticSetting(elsewhere.id, { workspaceId: central })] });
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(virtualMachine());
  });

  it('needs the workspace: evaluating without logAnalytics is an error, not a silent pass', () => {
    // Azure refuses an assignment that leaves a parameter without default unset (MissingPolicyParameter).
    expect(() => expectPolicy(control).evaluate(sub, { related: [diagnosticSetting(sub.id, { workspaceId: central })] })).toThrow(/logAnalytics/);
    // Also when no diagnostic setting exists (the rule would never read the parameter): ZT5007, not a silent
    // auditIfNotExists from an assignment Azure would not create.
    expect(() => expectPolicy(control).evaluate(sub, { related: [] })).toThrow(expect.objectContaining({ code: 'ZT5007', parameters: ['logAnalytics'] }));
  });
});
