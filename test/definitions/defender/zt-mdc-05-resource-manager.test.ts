/** ZT-MDC-05 (zero-trust-controls.md §5.2): Defender for Resource Manager on the PerApiCall plan (built-in b7021b2b). */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, keyVault, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT } from './assignment.js';

describe('ZT-MDC-05 Defender for Resource Manager', () => {
  const policy = expectMember(defender, builtin.configureAzureDefenderForResourceManagerToBeEnabled, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys where the plan is missing or Free', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('Arm', { pricingTier: 'Free' })] });
  });

  it('deploys on the legacy PerSubscription plan (what the publisher used to write)', () => {
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('Arm', { subPlan: 'PerSubscription' })] });
  });

  it('finds Standard PerApiCall compliant', () => {
    policy.toBeCompliant(sub, { related: [defenderPricing('Arm', { subPlan: 'PerApiCall' })] });
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(keyVault());
  });
});
