/**
 * ZT-VM-14 (zero-trust-controls.md §2): management ports closed or JIT-protected, through built-ins b0f33259 (JIT)
 * and 22730e10 (ports closed) as zt-vm assigns them (ztVm14Effect, default AuditIfNotExists). Both read the VM's
 * Defender for Cloud assessment (Microsoft.Security/assessments/<key>): both sides of the existence check.
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, securityAssessment, virtualMachine } from '../../../src/testing/index.js';

// Assessment keys the built-ins name in details.name.
const JIT = '805651bc-6ecd-4c73-9b55-97a19d0582d0';
const PORTS_CLOSED = 'bc303248-3d14-44c2-96a0-55f5c326b5fe';

describe('ZT-VM-14 management ports (built-ins b0f33259, 22730e10 in zt-vm)', () => {
  const jit = expectMember(vm, builtin.managementPortsOfVirtualMachinesShouldBeProtectedWithJustInTimeNetworkAccessControl);
  const closed = expectMember(vm, builtin.managementPortsShouldBeClosedOnYourVirtualMachines);
  const machine = virtualMachine();

  it('reports a VM whose assessment is unhealthy, or missing', () => {
    jit.withRelated([securityAssessment(machine.id, JIT, { code: 'Unhealthy' })]).toAuditIfNotExists(machine);
    closed.withRelated([securityAssessment(machine.id, PORTS_CLOSED, { code: 'Unhealthy' })]).toAuditIfNotExists(machine);
    closed.toAuditIfNotExists(machine);
  });

  it('finds a VM with a healthy (or not applicable) assessment compliant', () => {
    jit.withRelated([securityAssessment(machine.id, JIT, { code: 'Healthy' })]).toBeCompliant(machine);
    closed.withRelated([securityAssessment(machine.id, PORTS_CLOSED, { code: 'NotApplicable' })]).toBeCompliant(machine);
  });

  it('does not take another recommendation\'s healthy assessment for its own', () => {
    jit.withRelated([securityAssessment(machine.id, PORTS_CLOSED, { code: 'Healthy' })]).toAuditIfNotExists(machine);
  });

  it('does not apply to a disk', () => {
    jit.toBeNotApplicable(disk());
    closed.toBeNotApplicable(disk());
  });
});
