import { allOf, anyOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-VM-04 (zero-trust-controls.md §2): new VMs use Trusted Launch or a Confidential VM security type. Built-in
 * c95b54ad audits Trusted Launch only (Audit | Disabled, and it reports Confidential VMs too); this control adds the
 * switchable Deny the catalog asks for, with the allowed security types as a parameter. A VM without
 * `securityProfile.securityType` is a Standard (Gen1/Gen2 without Trusted Launch) VM.
 */
export default defineControl({
  name: 'zt-vm-04-trusted-launch',
  controlId: 'ZT-VM-04',
  displayName: 'Virtual machines must use Trusted Launch or Confidential VM security',
  description:
    'Denies virtual machines whose security type is not one of the allowed types (Trusted Launch or Confidential VM by default), so every VM boots with Secure Boot and a virtual TPM available.',
  principle: 'assume-breach',
  step: 3,
  unit: 'vm',
  version: '1.0.0',
  category: 'Compute',
  mode: 'Indexed',
  resourceType: 'Microsoft.Compute/virtualMachines',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    allowedSecurityTypes: param.array({
      displayName: 'Allowed security types',
      description: 'VM security types that are allowed (values of securityProfile.securityType).',
      defaultValue: ['TrustedLaunch', 'ConfidentialVM'],
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Compute/virtualMachines'),
      anyOf(
        field('Microsoft.Compute/virtualMachines/securityProfile.securityType').exists(false),
        field('Microsoft.Compute/virtualMachines/securityProfile.securityType').notIn(p.allowedSecurityTypes),
      ),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Create VMs with --security-type TrustedLaunch (Gen2 image) or ConfidentialVM; existing Gen2 VMs can be upgraded to Trusted Launch while deallocated.',
  reason: 'Trusted Launch protects the boot chain against rootkits and bootkits; assume breach means the platform must detect a tampered boot.',
});
