/**
 * ZT-VM-05 (zero-trust-controls.md §2): Secure Boot on Trusted Launch / Confidential VMs: custom rule for Linux and
 * built-in 97566dd7 for Windows, both on ztVm05Effect (Audit | Disabled, default Audit) as zt-vm assigns them.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/vm/zt-vm-05-secure-boot-linux.js';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, expectPolicy, virtualMachine } from '../../../src/testing/index.js';

const noSecureBoot = { securityProfile: { uefiSettings: { secureBootEnabled: false } } };

describe('ZT-VM-05 Secure Boot', () => {
  const linux = expectPolicy(control);
  const windows = expectMember(vm, builtin.previewSecureBootShouldBeEnabledOnSupportedWindowsVirtualMachines);

  it('audits a Trusted Launch Linux VM with Secure Boot off', () => {
    linux.toAudit(virtualMachine(noSecureBoot, { os: 'Linux' }));
    expectMember(vm, control).toAudit(virtualMachine(noSecureBoot, { os: 'Linux' }));
  });

  it('audits a Trusted Launch Windows VM with Secure Boot off (built-in 97566dd7)', () => {
    windows.toAudit(virtualMachine(noSecureBoot, { os: 'Windows' }));
  });

  it('finds VMs with Secure Boot on compliant', () => {
    linux.toBeCompliant(virtualMachine({}, { os: 'Linux' }));
    windows.toBeCompliant(virtualMachine({}, { os: 'Windows' }));
  });

  it('each half leaves the other OS, and Standard VMs without UEFI settings, to others', () => {
    linux.toBeCompliant(virtualMachine(noSecureBoot, { os: 'Windows' }));
    windows.toBeCompliant(virtualMachine(noSecureBoot, { os: 'Linux' }));
    linux.toBeCompliant(virtualMachine({ securityProfile: { securityType: undefined, uefiSettings: undefined } }, { os: 'Linux' }));
  });

  it('does not apply to a disk', () => {
    linux.toBeNotApplicable(disk());
    windows.toBeNotApplicable(disk());
  });
});
