/**
 * ZT-MDC-01 (zero-trust-controls.md §5.2): Defender CSPM (pricing CloudPosture) is Standard with all five
 * extensions enabled, through built-in 72f8cee7 as the Defender initiative assigns it.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT, expectDisabled } from './assignment.js';

const ext = (names: string[], isEnabled = 'True') => names.map((name) => ({ name, isEnabled }));
const ALL = ['SensitiveDataDiscovery', 'ContainerRegistriesVulnerabilityAssessments', 'AgentlessDiscoveryForKubernetes', 'AgentlessVmScanning', 'EntraPermissionsManagement'];

describe('ZT-MDC-01 Defender CSPM', () => {
  const policy = expectMember(defender, builtin.configureMicrosoftDefenderCspmPlan, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys the plan to a subscription without a CloudPosture pricing, or on the Free tier', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('CloudPosture', { pricingTier: 'Free' })] });
  });

  it('deploys when an extension the control wants is missing or off (the old publisher wrote only three)', () => {
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('CloudPosture', { extensions: ext(['SensitiveDataDiscovery', 'AgentlessVmScanning', 'AgentlessDiscoveryForKubernetes']) })] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('CloudPosture', { extensions: [...ext(ALL.slice(0, 4)), ...ext(['EntraPermissionsManagement'], 'False')] })] });
  });

  it('finds Standard with all five extensions on compliant', () => {
    policy.toBeCompliant(sub, { related: [defenderPricing('CloudPosture', { extensions: ext(ALL) })] });
  });

  it('switches off with ztMdc01Effect Disabled', () => {
    expectDisabled(expectMember(defender, builtin.configureMicrosoftDefenderCspmPlan, { parameters: { ...ASSIGNMENT, ztMdc01Effect: 'Disabled' } }), sub);
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(storageAccount());
  });
});
