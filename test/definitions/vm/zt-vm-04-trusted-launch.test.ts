/**
 * ZT-VM-04 (zero-trust-controls.md §2): Trusted Launch or Confidential VM security type. Custom Deny (ztVm04Effect,
 * default Deny) plus built-in c95b54ad fixed to Audit as zt-vm assigns it.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/vm/zt-vm-04-trusted-launch.js';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, expectPolicy, virtualMachine } from '../../../src/testing/index.js';

const standard = virtualMachine({ securityProfile: { securityType: undefined, uefiSettings: undefined } });
const confidential = virtualMachine({ securityProfile: { securityType: 'ConfidentialVM' } });

describe('ZT-VM-04 Trusted Launch / Confidential VM', () => {
  const policy = expectPolicy(control);

  it('denies a Standard VM (no security type) and an unknown security type', () => {
    policy.toDeny(standard);
    policy.toDeny(virtualMachine({ securityProfile: { securityType: 'Standard' } }));
  });

  it('finds Trusted Launch and Confidential VMs compliant', () => {
    policy.toBeCompliant(virtualMachine());
    policy.toBeCompliant(confidential);
  });

  it('does not apply to a disk', () => {
    policy.toBeNotApplicable(disk());
  });

  it('takes the allowed types from allowedSecurityTypes as zt-vm passes it', () => {
    expectMember(vm, control, { parameters: { allowedSecurityTypes: ['TrustedLaunch'] } }).toDeny(confidential);
    expectMember(vm, control, { parameters: { ztVm04Effect: 'Audit' } }).toAudit(standard);
  });

  it('the built-in companion c95b54ad audits (fixed) a Standard VM and one with vTPM off, and reports Confidential VMs too', () => {
    const bi = expectMember(vm, builtin.virtualMachineShouldHaveTrustedLaunchEnabled);
    bi.toAudit(standard);
    bi.toAudit(virtualMachine({ securityProfile: { uefiSettings: { vTpmEnabled: false } } }));
    bi.toBeCompliant(virtualMachine());
    bi.toAudit(confidential);
    bi.toBeNotApplicable(disk());
  });
});
