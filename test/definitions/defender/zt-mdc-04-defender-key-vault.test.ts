/**
 * ZT-MDC-04 (zero-trust-controls.md §5): Defender for Key Vault is on in every subscription; a subscription
 * whose Microsoft.Security/pricings/KeyVaults is not Standard (with the chosen sub-plan) is remediated by
 * deployIfNotExists.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/defender/zt-mdc-04-defender-key-vault.js';
import { defenderPricing, expectPolicy, keyVault, subscription } from '../../../src/testing/index.js';

describe('ZT-MDC-04 Defender for Key Vault', () => {
  const policy = expectPolicy(control);
  const sub = subscription();

  it('deploys the plan to a subscription without a Key Vault pricing', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
  });

  it('deploys the plan when Key Vault is on the Free tier, or only other plans are on', () => {
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('KeyVaults', { pricingTier: 'Free' })] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('VirtualMachines', { pricingTier: 'Standard', subPlan: 'P2' })] });
  });

  it('finds a subscription with Defender for Key Vault (Standard, PerTransaction) compliant', () => {
    policy.toBeCompliant(sub, { related: [defenderPricing('KeyVaults', { pricingTier: 'Standard', subPlan: 'PerTransaction' })] });
  });

  it('follows the subPlan parameter', () => {
    const perTx = [defenderPricing('KeyVaults', { pricingTier: 'Standard', subPlan: 'PerTransaction' })];
    policy.withParameters({ subPlan: 'PerKeyVault' }).toDeployIfNotExists(sub, { related: perTx });
  });

  it('only audits when assigned with AuditIfNotExists', () => {
    policy.withParameters({ effect: 'AuditIfNotExists' }).toAuditIfNotExists(sub);
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(keyVault());
  });
});
