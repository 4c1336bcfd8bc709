/**
 * ZT-VM-11 (zero-trust-controls.md §2): only approved VM extensions, through built-in c0e996f8 as zt-vm assigns it
 * (ztVm11Effect, default Audit; approvedExtensions defaults to what the other controls deploy).
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, virtualMachine, vmExtension } from '../../../src/testing/index.js';

describe('ZT-VM-11 approved extensions (built-in c0e996f8 in zt-vm)', () => {
  const policy = expectMember(vm, builtin.onlyApprovedVmExtensionsShouldBeInstalled);

  it('audits an extension type that is not on the list', () => {
    policy.toAudit(vmExtension({ publisher: 'Microsoft.Compute', type: 'CustomScriptExtension' }, { name: 'CustomScriptExtension' }));
  });

  it('finds the extensions the other controls deploy compliant', () => {
    policy.toBeCompliant(vmExtension());
    policy.toBeCompliant(vmExtension({ publisher: 'Microsoft.Azure.Security.LinuxAttestation', type: 'GuestAttestation' }, { name: 'GuestAttestation' }));
    policy.toBeCompliant(vmExtension({ publisher: 'Microsoft.Azure.Security', type: 'IaaSAntimalware' }, { name: 'IaaSAntimalware' }));
  });

  it('does not apply to the VM', () => {
    policy.toBeNotApplicable(virtualMachine());
  });

  it('denies with ztVm11Effect=Deny and follows approvedExtensions', () => {
    expectMember(vm, builtin.onlyApprovedVmExtensionsShouldBeInstalled, { parameters: { ztVm11Effect: 'Deny', approvedExtensions: ['GuestAttestation'] } }).toDeny(
      vmExtension(),
    );
  });
});
