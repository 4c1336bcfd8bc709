/**
 * ZT-MDC-02 (zero-trust-controls.md §5.2): Defender for Servers P2 with agentless scanning (built-in 5eb6d64a) and
 * the Defender for Endpoint integration (built-in da56d295, WDATP setting), as the Defender initiative assigns them.
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, securitySetting, subscription, virtualMachine } from '../../../src/testing/index.js';
import { ASSIGNMENT, expectDisabled } from './assignment.js';

const agentless = (on: boolean) => [
  { name: 'AgentlessVmScanning', isEnabled: on ? 'True' : 'False' },
  { name: 'MdeDesignatedSubscription', isEnabled: 'False' },
];

describe('ZT-MDC-02 Defender for Servers P2', () => {
  const plan = expectMember(defender, builtin.configureMicrosoftDefenderForServersPlan, { parameters: ASSIGNMENT });
  const mde = expectMember(defender, builtin.configureMicrosoftDefenderForEndpointIntegrationSettingsWithMicrosoftDefenderForCloudWdatp, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys P2 where the plan is missing, Free, or only P1', () => {
    plan.toDeployIfNotExists(sub, { related: [] });
    plan.toDeployIfNotExists(sub, { related: [defenderPricing('VirtualMachines', { pricingTier: 'Free' })] });
    plan.toDeployIfNotExists(sub, { related: [defenderPricing('VirtualMachines', { subPlan: 'P1', extensions: agentless(false) })] });
  });

  it('deploys when agentless scanning is off on P2', () => {
    plan.toDeployIfNotExists(sub, { related: [defenderPricing('VirtualMachines', { subPlan: 'P2', extensions: agentless(false) })] });
  });

  it('finds P2 with agentless scanning on (and not the MDE-designated subscription) compliant', () => {
    plan.toBeCompliant(sub, { related: [defenderPricing('VirtualMachines', { subPlan: 'P2', extensions: agentless(true) })] });
  });

  it('deploys the Defender for Endpoint integration where WDATP is missing or off, and is satisfied when it is on', () => {
    mde.toDeployIfNotExists(sub, { related: [] });
    mde.toDeployIfNotExists(sub, { related: [securitySetting('WDATP', false)] });
    mde.toBeCompliant(sub, { related: [securitySetting('WDATP', true)] });
  });

  it('ztMdc02Effect Disabled switches both members off', () => {
    expectDisabled(expectMember(defender, builtin.configureMicrosoftDefenderForServersPlan, { parameters: { ...ASSIGNMENT, ztMdc02Effect: 'Disabled' } }), sub);
    expectDisabled(expectMember(defender, builtin.configureMicrosoftDefenderForEndpointIntegrationSettingsWithMicrosoftDefenderForCloudWdatp, { parameters: { ...ASSIGNMENT, ztMdc02Effect: 'Disabled' } }), sub);
  });

  it('does not apply to virtual machines themselves', () => {
    plan.toBeNotApplicable(virtualMachine());
    mde.toBeNotApplicable(virtualMachine());
  });
});
