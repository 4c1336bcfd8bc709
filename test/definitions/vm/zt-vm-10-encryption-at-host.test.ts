/**
 * ZT-VM-10 (zero-trust-controls.md §2): encryption at host, through built-in fc4d8e41 as zt-vm assigns it.
 * §7.2 Audit→Deny: ztVm10Effect defaults to Audit (the subscription feature and the VM size must support it).
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, virtualMachine } from '../../../src/testing/index.js';

describe('ZT-VM-10 encryption at host (built-in fc4d8e41 in zt-vm)', () => {
  const policy = expectMember(vm, builtin.virtualMachinesAndVirtualMachineScaleSetsShouldHaveEncryptionAtHostEnabled);

  it('audits (not denies) a VM without encryption at host, by default', () => {
    policy.toAudit(virtualMachine({ securityProfile: { encryptionAtHost: false } }));
    policy.toAudit(virtualMachine({ securityProfile: { encryptionAtHost: undefined } }));
  });

  it('finds a VM with encryption at host compliant', () => {
    policy.toBeCompliant(virtualMachine());
  });

  it('does not apply to a disk', () => {
    policy.toBeNotApplicable(disk());
  });

  it('denies once enforced with ztVm10Effect=Deny', () => {
    expectMember(vm, builtin.virtualMachinesAndVirtualMachineScaleSetsShouldHaveEncryptionAtHostEnabled, { parameters: { ztVm10Effect: 'Deny' } }).toDeny(
      virtualMachine({ securityProfile: { encryptionAtHost: false } }),
    );
  });
});
