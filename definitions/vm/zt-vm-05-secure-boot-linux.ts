import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-VM-05 (zero-trust-controls.md §2), Linux half: Secure Boot is on for Trusted Launch and Confidential Linux
 * VMs. The Windows half is built-in 97566dd7 (Audit | Disabled); the Linux built-in b1bb3592 only reads a Defender
 * for Cloud assessment (auditIfNotExists), which needs Defender and cannot share the control's one Audit effect
 * parameter. This rule is the Windows built-in's condition for Linux: security type TrustedLaunch or
 * ConfidentialVM, UEFI settings present, secureBootEnabled not true.
 */
export default defineControl({
  name: 'zt-vm-05-secure-boot-linux',
  controlId: 'ZT-VM-05',
  displayName: 'Secure Boot should be enabled on Trusted Launch Linux virtual machines',
  description:
    'Reports Linux virtual machines with Trusted Launch or Confidential VM security whose Secure Boot is not enabled, so only signed boot components load.',
  principle: 'assume-breach',
  step: 3,
  unit: 'vm',
  version: '1.0.0',
  category: 'Compute',
  mode: 'Indexed',
  resourceType: 'Microsoft.Compute/virtualMachines',
  parameters: {
    effect: param.effect(['Audit', 'Disabled'], 'Audit'),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Compute/virtualMachines'),
      field('Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType').equals('Linux'),
      field('Microsoft.Compute/virtualMachines/securityProfile.securityType').in(['TrustedLaunch', 'ConfidentialVM']),
      field('Microsoft.Compute/virtualMachines/securityProfile.uefiSettings').exists(true),
      field('Microsoft.Compute/virtualMachines/securityProfile.uefiSettings.secureBootEnabled').notEquals(true),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Enable Secure Boot on the VM (deallocate, then az vm update --enable-secure-boot true); custom kernels or unsigned drivers must be signed first.',
  reason: 'Secure Boot refuses unsigned boot loaders and kernels, so a compromised boot chain cannot persist below the OS.',
});
