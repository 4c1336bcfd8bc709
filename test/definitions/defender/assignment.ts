/** Assignment values the Defender initiative's tests assign it with (its parameters without a default). */
export const LAW = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-security-logs/providers/Microsoft.OperationalInsights/workspaces/law-security';
export const ASSIGNMENT = {
  logAnalyticsWorkspaceId: LAW,
  securityContactEmails: 'soc@contoso.com;secops@contoso.com',
  mdcExportResourceGroupLocation: 'westeurope',
};

import { expect } from 'vitest';
import type { PolicyExpectation } from '../../../src/testing/index.js';

/** The member is switched off: the rule matches, declares disabled, and nothing is deployed or reported. */
export function expectDisabled(policy: PolicyExpectation, resource: object): void {
  const r = policy.evaluate(resource, { related: [] });
  expect(r.declaredEffect).toBe('disabled');
  expect(r.effect ?? 'none').toBe('none');
  expect(r.compliance).not.toBe('NonCompliant');
}
