import { builtin } from '../src/catalog/builtins.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import noPublicIp from '../definitions/vm/zt-vm-13-no-public-ip-on-nic.js';

/** Unit 2, virtual machines (zero-trust-controls.md §2). */
export default defineInitiative({
  name: 'zt-vm',
  displayName: 'Zero Trust: Virtual machines',
  description: 'Zero Trust guardrails for virtual machines: no direct internet exposure, encryption at host, protected management ports.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'vm',
  parameters: {
    vmEffect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny', {
      description: 'Effect of the virtual machine deny controls (Audit during rollout).',
    }),
  },
  members: ({ p }) => [
    member(noPublicIp, { parameters: { effect: p.vmEffect } }),
    // ZT-VM-10: encryption at host.
    member(builtin.virtualMachinesAndVirtualMachineScaleSetsShouldHaveEncryptionAtHostEnabled, {
      controlId: 'ZT-VM-10',
      principle: 'assume-breach',
      parameters: { effect: p.vmEffect },
    }),
    // ZT-VM-14: management ports behind just-in-time access (needs Defender for Servers P2).
    member(builtin.managementPortsOfVirtualMachinesShouldBeProtectedWithJustInTimeNetworkAccessControl, {
      controlId: 'ZT-VM-14',
      principle: 'least-privilege',
      parameters: { effect: 'AuditIfNotExists' },
    }),
  ],
});
