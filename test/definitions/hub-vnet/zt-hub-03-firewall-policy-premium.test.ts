/** ZT-HUB-03 (zero-trust-controls.md §4): firewall policies other than Premium are denied. */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-03-firewall-policy-premium.js';
import { azureFirewall, expectPolicy, firewallPolicy } from '../../../src/testing/index.js';

describe('ZT-HUB-03 Premium firewall policy', () => {
  const policy = expectPolicy(control);

  it('denies Standard and Basic policies, and one without a tier', () => {
    policy.toDeny(firewallPolicy({ sku: { tier: 'Standard' } }));
    policy.toDeny(firewallPolicy({ sku: { tier: 'Basic' } }));
    policy.toDeny(firewallPolicy({ sku: undefined }));
  });

  it('finds a Premium policy compliant', () => {
    policy.toBeCompliant(firewallPolicy());
  });

  it('does not apply to the firewall itself', () => {
    policy.toBeNotApplicable(azureFirewall());
  });
});
