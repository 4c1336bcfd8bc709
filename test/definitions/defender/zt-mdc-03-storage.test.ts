/**
 * ZT-MDC-03 (zero-trust-controls.md §5.2): Defender for Storage V2 with on-upload malware scanning and sensitive
 * data threat detection (built-in cfdc5972), as the Defender initiative assigns it (cap 5000 GB passed).
 */
import { describe, expect, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { compileInitiative } from '../../../src/compiler/compile-initiative.js';
import { defenderPricing, expectMember, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT } from './assignment.js';

const v2 = (malware: string, sdd: string) =>
  defenderPricing('StorageAccounts', {
    subPlan: 'DefenderForStorageV2',
    extensions: [
      { name: 'OnUploadMalwareScanning', isEnabled: malware, additionalExtensionProperties: { CapGBPerMonthPerStorageAccount: '5000' } },
      { name: 'SensitiveDataDiscovery', isEnabled: sdd },
    ],
  });

describe('ZT-MDC-03 Defender for Storage', () => {
  const policy = expectMember(defender, builtin.configureMicrosoftDefenderForStorageToBeEnabled, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys where the plan is missing, or is the classic per-account plan', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
    policy.toDeployIfNotExists(sub, { related: [defenderPricing('StorageAccounts', { subPlan: 'PerStorageAccount' })] });
  });

  it('deploys when malware scanning or sensitive data threat detection is off', () => {
    policy.toDeployIfNotExists(sub, { related: [v2('False', 'True')] });
    policy.toDeployIfNotExists(sub, { related: [v2('True', 'False')] });
  });

  it('finds V2 with both extensions on compliant', () => {
    policy.toBeCompliant(sub, { related: [v2('True', 'True')] });
  });

  it('remediates with the 5000 GB cap (Learn default, what the publisher writes), not the built-in default of 10000', () => {
    const ref = compileInitiative(defender).document.properties.policyDefinitions.find((r) => r.policyDefinitionReferenceId.startsWith('zt-mdc-03-'));
    expect(ref?.parameters?.['capGBPerMonthPerStorageAccount']).toEqual({ value: 5000 });
  });

  it('does not apply to a storage account', () => {
    policy.toBeNotApplicable(storageAccount());
  });
});
