/** ZT-MDC-08 (zero-trust-controls.md §5.2/§6): Defender for App Service (b40e7bcd), off unless configured. */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT, expectDisabled } from './assignment.js';

describe('ZT-MDC-08 Defender for App Service', () => {
  const sub = subscription();
  const on = expectMember(defender, builtin.configureAzureDefenderForAppServiceToBeEnabled, { parameters: { ...ASSIGNMENT, ztMdc08Effect: 'DeployIfNotExists' } });

  it('is Disabled as assigned by default', () => {
    expectDisabled(expectMember(defender, builtin.configureAzureDefenderForAppServiceToBeEnabled, { parameters: ASSIGNMENT }), sub);
  });

  it('when switched on, deploys where the plan is missing and accepts Standard', () => {
    on.toDeployIfNotExists(sub, { related: [] });
    on.toBeCompliant(sub, { related: [defenderPricing('AppServices')] });
  });

  it('does not apply to resources inside the subscription', () => {
    on.toBeNotApplicable(storageAccount());
  });
});
