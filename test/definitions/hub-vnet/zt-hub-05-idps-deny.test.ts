/** ZT-HUB-05 (zero-trust-controls.md §4): a Premium policy runs IDPS in Deny mode; missing IDPS counts as off. */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-05-idps-deny.js';
import { azureFirewall, expectPolicy, firewallPolicy } from '../../../src/testing/index.js';

describe('ZT-HUB-05 IDPS in alert-and-deny', () => {
  const policy = expectPolicy(control);

  it('denies a Premium policy with IDPS in Alert, Off, or without an intrusionDetection block', () => {
    policy.toDeny(firewallPolicy({ intrusionDetection: { mode: 'Alert' } }));
    policy.toDeny(firewallPolicy({ intrusionDetection: { mode: 'Off' } }));
    policy.toDeny(firewallPolicy({ intrusionDetection: undefined }));
  });

  it('finds IDPS Deny compliant, and leaves non-Premium policies to ZT-HUB-03', () => {
    policy.toBeCompliant(firewallPolicy());
    policy.toBeCompliant(firewallPolicy({ sku: { tier: 'Standard' }, intrusionDetection: undefined }));
  });

  it('does not apply to firewalls', () => {
    policy.toBeNotApplicable(azureFirewall());
  });
});
