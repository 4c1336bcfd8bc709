/** ZT-MDC-06 (zero-trust-controls.md §5.2): Defender for SQL databases (b99b73e7) and SQL servers on machines (50ea7265). */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { defenderPricing, expectMember, subscription, virtualMachine } from '../../../src/testing/index.js';
import { ASSIGNMENT } from './assignment.js';

describe('ZT-MDC-06 Defender for SQL', () => {
  const paas = expectMember(defender, builtin.configureAzureDefenderForAzureSqlDatabaseToBeEnabled, { parameters: ASSIGNMENT });
  const vms = expectMember(defender, builtin.configureAzureDefenderForSqlServersOnMachinesToBeEnabled, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys each plan where it is missing or Free', () => {
    paas.toDeployIfNotExists(sub, { related: [] });
    vms.toDeployIfNotExists(sub, { related: [defenderPricing('SqlServerVirtualMachines', { pricingTier: 'Free' })] });
    // One plan on does not satisfy the other.
    paas.toDeployIfNotExists(sub, { related: [defenderPricing('SqlServerVirtualMachines')] });
  });

  it('finds each Standard plan compliant', () => {
    paas.toBeCompliant(sub, { related: [defenderPricing('SqlServers')] });
    vms.toBeCompliant(sub, { related: [defenderPricing('SqlServerVirtualMachines')] });
  });

  it('does not apply to the SQL virtual machine itself', () => {
    vms.toBeNotApplicable(virtualMachine());
  });
});
