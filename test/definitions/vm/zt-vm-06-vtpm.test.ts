/**
 * ZT-VM-06 (zero-trust-controls.md §2): vTPM on Trusted Launch VMs, through built-in 1c30f9cd as zt-vm assigns it
 * (ztVm06Effect, Audit | Disabled, default Audit).
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, virtualMachine } from '../../../src/testing/index.js';

describe('ZT-VM-06 vTPM (built-in 1c30f9cd in zt-vm)', () => {
  const policy = expectMember(vm, builtin.previewVTPMShouldBeEnabledOnSupportedVirtualMachines);

  it('audits a Trusted Launch VM with vTPM off', () => {
    policy.toAudit(virtualMachine({ securityProfile: { uefiSettings: { vTpmEnabled: false } } }));
  });

  it('finds a Trusted Launch VM with vTPM on compliant', () => {
    policy.toBeCompliant(virtualMachine());
  });

  it('does not apply to a disk', () => {
    policy.toBeNotApplicable(disk());
  });
});
