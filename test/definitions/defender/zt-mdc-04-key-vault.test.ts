/**
 * ZT-MDC-04 (zero-trust-controls.md §5.2): Defender for Key Vault on the PerTransaction plan, through built-in
 * 1f725891 (it replaced a custom copy of the same rule).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, keyVault, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT } from './assignment.js';

describe('ZT-MDC-04 Defender for Key Vault', () => {
  const policy = expectMember(defender, builtin.configureMicrosoftDefenderForKeyVaultPlan, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys where the plan is missing, Free, or only another plan is on', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('KeyVaults', { pricingTier: 'Free' })] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('VirtualMachines', { subPlan: 'P2' })] });
  });

  it('deploys on the legacy PerKeyVault plan (what the publisher used to write: the flip-flop)', () => {
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('KeyVaults', { subPlan: 'PerKeyVault' })] });
  });

  it('finds Standard PerTransaction compliant', () => {
    policy.toBeCompliant(sub, { related: [defenderPricing('KeyVaults', { subPlan: 'PerTransaction' })] });
  });

  it('does not apply to a key vault', () => {
    policy.toBeNotApplicable(keyVault());
  });
});
