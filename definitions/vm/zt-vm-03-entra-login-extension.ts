import { allOf, anyOf, auditIfNotExists, defineControl, param, value } from '../../src/dsl/index.js';

/**
 * ZT-VM-03 (zero-trust-controls.md §2): every VM has the Microsoft Entra ID sign-in extension for its OS,
 * provisioned successfully (AADLoginForWindows on Windows, AADSSHLoginForLinux on Linux; publisher
 * Microsoft.Azure.ActiveDirectory). No built-in exists. The existence condition reads the VM's OS with a
 * `value: "[field('…osType')]"` condition: in an existenceCondition, `field` conditions read the related
 * extension, while the field() template function still reads the evaluated VM (Learn, auditIfNotExists effect,
 * existenceCondition). What policy cannot check: MFA,
 * Conditional Access and the VM login role assignments live in Entra ID and RBAC (§7.3, §7.4 item 5).
 */
export default defineControl({
  name: 'zt-vm-03-entra-login-extension',
  controlId: 'ZT-VM-03',
  displayName: 'Virtual machines must have the Microsoft Entra ID sign-in extension',
  description:
    'Reports virtual machines without a successfully provisioned Microsoft Entra ID sign-in extension for their operating system, so administrators sign in with Entra identities (and Conditional Access) instead of local accounts.',
  principle: 'verify-explicitly',
  step: [2, 6],
  unit: 'vm',
  version: '1.0.0',
  category: 'Compute',
  mode: 'Indexed',
  resourceType: 'Microsoft.Compute/virtualMachines',
  parameters: {
    effect: param.effect(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists'),
  },
  rule: ({ field, p }) => {
    const osType = field('Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType');
    return {
      if: allOf(field('type').equals('Microsoft.Compute/virtualMachines'), osType.in(['Windows', 'Linux'])),
      then: auditIfNotExists(
        {
          type: 'Microsoft.Compute/virtualMachines/extensions',
          existenceCondition: (ext) =>
            allOf(
              ext('Microsoft.Compute/virtualMachines/extensions/publisher').equals('Microsoft.Azure.ActiveDirectory'),
              ext('Microsoft.Compute/virtualMachines/extensions/provisioningState').equals('Succeeded'),
              anyOf(
                allOf(value(osType).equals('Windows'), ext('Microsoft.Compute/virtualMachines/extensions/type').equals('AADLoginForWindows')),
                allOf(value(osType).equals('Linux'), ext('Microsoft.Compute/virtualMachines/extensions/type').equals('AADSSHLoginForLinux')),
              ),
            ),
        },
        p.effect,
      ),
    };
  },
  remediation:
    'Install the sign-in extension (az vm extension set --publisher Microsoft.Azure.ActiveDirectory --name AADSSHLoginForLinux, or AADLoginForWindows) after enabling a system-assigned identity (ZT-VM-02), then grant Virtual Machine Administrator/User Login roles.',
  reason: 'Verify explicitly: VM sign-in must go through Microsoft Entra ID, where MFA and Conditional Access apply, not through local accounts and keys.',
});
