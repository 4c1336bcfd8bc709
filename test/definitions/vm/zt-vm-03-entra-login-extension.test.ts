/**
 * ZT-VM-03 (zero-trust-controls.md §2): every VM has the Entra ID sign-in extension for its OS, provisioned
 * (auditIfNotExists on the VM's extensions). Both sides of the existence check, per OS.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/vm/zt-vm-03-entra-login-extension.js';
import vm from '../../../initiatives/vm.js';
import { disk, expectMember, expectPolicy, virtualMachine, vmExtension } from '../../../src/testing/index.js';

const linux = virtualMachine({}, { os: 'Linux' });
const windows = virtualMachine({}, { os: 'Windows' });
const sshLogin = vmExtension();
const winLogin = vmExtension({ type: 'AADLoginForWindows' }, { name: 'AADLoginForWindows' });

describe('ZT-VM-03 Entra ID sign-in extension', () => {
  const policy = expectPolicy(control);

  it('reports a VM without any extension', () => {
    policy.toAuditIfNotExists(linux);
    policy.toAuditIfNotExists(windows);
  });

  it('finds each OS compliant with its own sign-in extension', () => {
    policy.withRelated([sshLogin]).toBeCompliant(linux);
    policy.withRelated([winLogin]).toBeCompliant(windows);
  });

  it('reports a VM whose extension is for the other OS, failed, or from another publisher', () => {
    policy.withRelated([winLogin]).toAuditIfNotExists(linux);
    policy.withRelated([sshLogin]).toAuditIfNotExists(windows);
    policy.withRelated([vmExtension({ provisioningState: 'Failed' })]).toAuditIfNotExists(linux);
    policy.withRelated([vmExtension({ publisher: 'Contoso.Tools' })]).toAuditIfNotExists(linux);
  });

  it('does not count another VM\'s extension', () => {
    policy.withRelated([vmExtension({}, { parent: 'vm-other-01' })]).toAuditIfNotExists(linux);
  });

  it('does not apply to a disk', () => {
    policy.toBeNotApplicable(disk());
  });

  it('audits as zt-vm assigns it (ztVm03Effect, default AuditIfNotExists)', () => {
    expectMember(vm, control).toAuditIfNotExists(linux);
    expectMember(vm, control).withRelated([sshLogin]).toBeCompliant(linux);
  });
});
