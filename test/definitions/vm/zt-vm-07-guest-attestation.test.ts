/**
 * ZT-VM-07 (zero-trust-controls.md §2): the Guest Attestation extension on Trusted Launch VMs with Secure Boot and
 * vTPM, through built-ins 98ea2fc7 (Windows) and 6074e9a3 (Linux) as zt-vm assigns them (ztVm07Effect, default
 * DeployIfNotExists). Both sides of the existence check.
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, virtualMachine, vmExtension } from '../../../src/testing/index.js';

const attestation = (os: 'Windows' | 'Linux') =>
  vmExtension(
    { publisher: `Microsoft.Azure.Security.${os}Attestation`, type: 'GuestAttestation', typeHandlerVersion: '1.0' },
    { name: 'GuestAttestation' },
  );

describe('ZT-VM-07 Guest Attestation (built-ins 98ea2fc7, 6074e9a3 in zt-vm)', () => {
  const windows = expectMember(vm, builtin.previewConfigureSupportedWindowsVirtualMachinesToAutomaticallyInstallTheGuestAttestationExtension);
  const linux = expectMember(vm, builtin.previewConfigureSupportedLinuxVirtualMachinesToAutomaticallyInstallTheGuestAttestationExtension);
  const winVm = virtualMachine({}, { os: 'Windows' });
  const linuxVm = virtualMachine({}, { os: 'Linux' });

  it('deploys the extension to a Trusted Launch VM that lacks it', () => {
    windows.toDeployIfNotExists(winVm);
    linux.toDeployIfNotExists(linuxVm);
  });

  it('finds a VM with the extension of its OS compliant', () => {
    windows.withRelated([attestation('Windows')]).toBeCompliant(winVm);
    linux.withRelated([attestation('Linux')]).toBeCompliant(linuxVm);
  });

  it('still deploys when only the other OS\'s attestation extension is there', () => {
    linux.withRelated([attestation('Windows')]).toDeployIfNotExists(linuxVm);
  });

  it('does not apply to a disk', () => {
    windows.toBeNotApplicable(disk());
    linux.toBeNotApplicable(disk());
  });
});
