/** ZT-MDC-07 (zero-trust-controls.md §5.2/§6): Defender for Containers (c9ddb292), off unless configured. */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT, expectDisabled } from './assignment.js';

describe('ZT-MDC-07 Defender for Containers', () => {
  const sub = subscription();
  const on = expectMember(defender, builtin.configureMicrosoftDefenderForContainersToBeEnabled, { parameters: { ...ASSIGNMENT, ztMdc07Effect: 'DeployIfNotExists' } });

  it('is Disabled as assigned by default (no containers in the IaaS scope)', () => {
    expectDisabled(expectMember(defender, builtin.configureMicrosoftDefenderForContainersToBeEnabled, { parameters: ASSIGNMENT }), sub);
  });

  it('when switched on, deploys where the plan is missing or Free and accepts Standard', () => {
    on.toDeployIfNotExists(sub, { related: [defenderPricing('Containers', { pricingTier: 'Free' })] });
    on.toBeCompliant(sub, { related: [defenderPricing('Containers')] });
  });

  it('does not apply to resources inside the subscription', () => {
    on.toBeNotApplicable(storageAccount());
  });
});
