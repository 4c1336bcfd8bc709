import { builtin } from '../src/catalog/builtins.js';
import { sharedParameters as shared } from '../src/catalog/zero-trust-parameters.js';
import { defineInitiative, member, param, type ControlInfo } from '../src/dsl/index.js';
import dedicatedResourceGroup from '../definitions/vm/zt-vm-01-dedicated-resource-group.js';
import entraLogin from '../definitions/vm/zt-vm-03-entra-login-extension.js';
import trustedLaunch from '../definitions/vm/zt-vm-04-trusted-launch.js';
import secureBootLinux from '../definitions/vm/zt-vm-05-secure-boot-linux.js';
import approvedVmApplications from '../definitions/vm/zt-vm-12-approved-vm-applications.js';
import noPublicIp from '../definitions/vm/zt-vm-13-no-public-ip-on-nic.js';

/*
 * Unit 2, virtual machines (zero-trust-controls.md §2): every ZT-VM control, as a custom definition (VM-01, 03,
 * 04, 05 Linux, 12, 13) or as the catalog's built-in. One effect parameter per control (`ztVmNNEffect`); defaults
 * as §7.2 proposes: Audit for the "Audit→Deny" controls VM-10 (encryption at host needs the subscription feature
 * and a supported VM size) and VM-11 (approved extensions), Deny where the article demands it.
 *
 * Built-ins whose effect is fixed stay fixed (no effect parameter passes through them): 3cf2ab00 and 497dff13
 * (ZT-VM-02 Modify), 2835b622 (ZT-VM-15 deployIfNotExists), 59efceea (ZT-VM-16 Modify). ZT-VM-13's built-in
 * 83a86a26 is a fixed Deny, so the control is the custom zt-vm-13 definition with a switchable effect instead.
 *
 * Left out on purpose: the Secure Boot / vTPM DINE remediations (7cb1b219, 95406fc3, e494853f: they change a
 * VM's security settings, which needs a deallocation), the scheduled-patching DINE ba0df93e (needs a maintenance
 * configuration per estate: maintenanceConfigurationResourceId has no sensible default) and the outcome audits
 * f85bf3e0 / 501541f7 (auditIfNotExists, which the controls' effect parameters cannot carry).
 */

/** Facts of one catalog control, spread into each built-in member that implements it. */
const vm = (n: string, title: string, step: ControlInfo['step'], remediation: string, reason: string): ControlInfo => ({
  controlId: `ZT-VM-${n}`,
  title,
  ...(step === undefined ? {} : { step }),
  remediation,
  reason,
});

const VM02 = vm('02', 'System-assigned managed identity on VMs', 2,
  'Enable a system-assigned identity on the VM (az vm identity assign); the Modify members add it on create and through remediation tasks.',
  'A managed identity lets the VM authenticate to Azure without stored secrets, and is the prerequisite for Entra sign-in and guest configuration.');
const VM04 = vm('04', 'Trusted Launch (or Confidential VM) security type', 3,
  'Create VMs with --security-type TrustedLaunch (or ConfidentialVM); upgrade existing Gen2 VMs while deallocated.',
  'Trusted Launch protects the boot chain against rootkits and bootkits.');
const VM05 = vm('05', 'Secure Boot enabled', 3,
  'Enable Secure Boot on the VM (deallocate, then az vm update --enable-secure-boot true).',
  'Secure Boot refuses unsigned boot loaders and kernels, so a compromised boot chain cannot persist below the OS.');
const VM06 = vm('06', 'vTPM enabled', 3,
  'Enable the virtual TPM on the VM (deallocate, then az vm update --enable-vtpm true).',
  'The vTPM measures the boot chain, which is what Guest Attestation verifies.');
const VM07 = vm('07', 'Guest Attestation (measured boot) deployed', 3,
  'Let the remediation task install the GuestAttestation extension (needs a system-assigned identity, ZT-VM-02).',
  'Attestation proves remotely that the VM booted a known-good chain: verify explicitly, do not trust the boot.');
const VM08 = vm('08', 'Disk encryption sets use double encryption', 4,
  'Create disk encryption sets with --encryption-type EncryptionAtRestWithPlatformAndCustomerKeys and move disks to them.',
  'Two independent encryption layers (platform and customer key) protect disks if one is compromised.');
const VM09 = vm('09', 'OS and data disks encrypted with CMK from approved encryption sets', 4,
  'Encrypt OS and data disks with a customer-managed key through one of the approved disk encryption sets (az disk update --disk-encryption-set).',
  'Customer-managed keys put disk key rotation and revocation under the organisation\'s control.');
const VM10 = vm('10', 'Encryption at host', 4,
  'Register the EncryptionAtHost feature, then enable encryption at host on the VM while deallocated (az vm update --set securityProfile.encryptionAtHost=true).',
  'Encryption at host also encrypts temp disks and caches, which server-side encryption does not cover.');
const VM11 = vm('11', 'Only approved VM extensions', 5,
  'Remove the unapproved extension, or add its type to approvedExtensions after review.',
  'Extensions run as SYSTEM/root on the VM: only reviewed ones may be installed.');
const VM14 = vm('14', 'Management ports closed / JIT-protected', [6, 8],
  'Close RDP/SSH in the VM\'s NSG and use Bastion; where a port must exist, protect it with just-in-time access (Defender for Servers P2).',
  'Open management ports are the first thing attackers scan for; access should be granted per request and time-limited.');
const VM15 = vm('15', 'Anti-malware on VMs', 7,
  'Let the remediation task install IaaSAntimalware with automatic updates, or onboard the VM to Defender for Endpoint (ZT-MDC-02).',
  'Assume breach: malware on a VM must be detected and blocked on the host.');
const VM16 = vm('16', 'Automated update assessment and patching', 7,
  'Set patchSettings.assessmentMode to AutomaticByPlatform (the Modify members do it) and schedule patching with Azure Update Manager.',
  'Unpatched VMs are the easiest way in; missing updates must be seen and installed on a schedule.');
const VM17 = vm('17', 'Vulnerability assessment (Defender Vulnerability Management)', 8,
  'Let the remediation task enable Defender Vulnerability Management (mdeTvm) on the VM (needs Defender for Servers, ZT-MDC-02).',
  'Assume breach: known vulnerabilities on a VM must be found before an attacker finds them.');

const effect = <const V extends 'Audit' | 'Deny' | 'Disabled' | 'AuditIfNotExists' | 'DeployIfNotExists'>(
  control: string,
  allowed: readonly [V, ...V[]],
  defaultValue: NoInfer<V>,
) => param.effect(allowed, defaultValue, { description: `Effect of ${control}.` });


/**
 * The resource-group tag that designates a unit's resource groups (§6 `rgTagName`, shared by ZT-VM-01 and
 * ZT-SPK-01): declared once here so every initiative that uses it passes the same declaration to the umbrella.
 */
export const rgTagName = param.string({
  displayName: 'Resource group tag name',
  description: 'Name of the resource-group tag that designates which unit (vm, spoke-network, ...) a resource group belongs to.',
  defaultValue: 'zt-unit',
});

export default defineInitiative({
  name: 'zt-vm',
  displayName: 'Zero Trust: Virtual machines',
  description:
    'Zero Trust guardrails for virtual machines: dedicated resource groups, managed identity and Entra sign-in, Trusted Launch with Secure Boot, vTPM and attestation, customer-managed and host encryption, approved extensions and applications, no public IPs, protected management ports, anti-malware, patching and vulnerability assessment.',
  version: '2.0.0',
  category: 'Zero Trust',
  unit: 'vm',
  parameters: {
    ztVm01Effect: effect('ZT-VM-01 (dedicated VM resource groups)', ['Audit', 'Deny', 'Disabled'], 'Audit'),
    ztVm02Effect: effect('ZT-VM-02 (managed identity audit; the Modify members that add it have a fixed effect)', ['Audit', 'Disabled'], 'Audit'),
    ztVm03Effect: effect('ZT-VM-03 (Entra ID sign-in extension)', ['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists'),
    ztVm04Effect: effect('ZT-VM-04 (Trusted Launch or Confidential VM; the built-in audit companion is fixed to Audit)', ['Audit', 'Deny', 'Disabled'], 'Deny'),
    ztVm05Effect: effect('ZT-VM-05 (Secure Boot)', ['Audit', 'Disabled'], 'Audit'),
    ztVm06Effect: effect('ZT-VM-06 (vTPM)', ['Audit', 'Disabled'], 'Audit'),
    ztVm07Effect: effect('ZT-VM-07 (Guest Attestation extension)', ['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists'),
    ztVm08Effect: effect('ZT-VM-08 (double encryption on disk encryption sets)', ['Audit', 'Deny', 'Disabled'], 'Deny'),
    ztVm09Effect: effect('ZT-VM-09 (CMK from approved disk encryption sets)', ['Audit', 'Deny', 'Disabled'], 'Deny'),
    ztVm10Effect: effect('ZT-VM-10 (encryption at host; Audit until the subscription feature and VM sizes are checked)', ['Audit', 'Deny', 'Disabled'], 'Audit'),
    ztVm11Effect: effect('ZT-VM-11 (approved VM extensions; Audit until the list is complete)', ['Audit', 'Deny', 'Disabled'], 'Audit'),
    ztVm12Effect: effect('ZT-VM-12 (VM Applications from approved galleries)', ['Audit', 'Deny', 'Disabled'], 'Audit'),
    ztVm13Effect: effect('ZT-VM-13 (no public IP on NICs)', ['Audit', 'Deny', 'Disabled'], 'Deny'),
    ztVm14Effect: effect('ZT-VM-14 (management ports closed or JIT-protected)', ['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists'),
    ztVm15Effect: effect('ZT-VM-15 (anti-malware audits; the Windows Server deployment has a fixed effect)', ['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists'),
    ztVm16Effect: effect('ZT-VM-16 (periodic update assessment audit; the Modify members that set it have a fixed effect)', ['Audit', 'Deny', 'Disabled'], 'Audit'),
    ztVm17Effect: effect('ZT-VM-17 (vulnerability assessment provider)', ['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists'),
    rgTagName,
    vmRgTagValue: param.string({
      displayName: 'VM resource group tag value',
      description: 'Value of the rgTagName tag that designates a resource group for virtual machines.',
      defaultValue: 'vm',
    }),
    allowedSecurityTypes: param.array({
      displayName: 'Allowed VM security types',
      description: 'VM security types ZT-VM-04 allows.',
      defaultValue: ['TrustedLaunch', 'ConfidentialVM'],
    }),
    allowedEncryptionSets: shared.allowedEncryptionSets,
    approvedExtensions: shared.approvedExtensions,
    approvedGalleryIds: param.array({
      displayName: 'Approved Compute Galleries',
      description: 'Resource ids of the Azure Compute Galleries VM Applications may come from. Empty: every VM Application is reported.',
      defaultValue: [],
    }),
    assessmentMode: param.string({
      displayName: 'Update assessment mode',
      description: 'Patch assessment mode the Modify members set (AutomaticByPlatform: the platform checks for updates every 24 hours).',
      allowedValues: ['ImageDefault', 'AutomaticByPlatform'],
      defaultValue: 'AutomaticByPlatform',
    }),
    vaType: param.string({
      displayName: 'Vulnerability assessment provider',
      description: 'Provider ZT-VM-17 configures: mdeTvm is Defender Vulnerability Management.',
      allowedValues: ['default', 'mdeTvm'],
      defaultValue: 'mdeTvm',
    }),
  },
  members: ({ p }) => [
    member(dedicatedResourceGroup, { parameters: { effect: p.ztVm01Effect, rgTagName: p.rgTagName, rgTagValue: p.vmRgTagValue } }),
    // ZT-VM-02: fixed Modify (Contributor) for Guest-Configuration-supported images, with and without a user-assigned identity.
    member(builtin.addSystemAssignedManagedIdentityToEnableGuestConfigurationAssignmentsOnVirtualMachinesWithNoIdentities, { ...VM02, principle: 'verify-explicitly' }),
    member(builtin.addSystemAssignedManagedIdentityToEnableGuestConfigurationAssignmentsOnVMsWithAUserAssignedIdentity, { ...VM02, principle: 'verify-explicitly' }),
    member(builtin.previewAManagedIdentityShouldBeEnabledOnYourMachines, { ...VM02, principle: 'verify-explicitly', parameters: { effect: p.ztVm02Effect } }),
    member(entraLogin, { parameters: { effect: p.ztVm03Effect } }),
    member(trustedLaunch, { parameters: { effect: p.ztVm04Effect, allowedSecurityTypes: p.allowedSecurityTypes } }),
    // The built-in audit of ZT-VM-04 offers Audit | Disabled only (and also reports Confidential VMs), so it cannot
    // follow ztVm04Effect's Deny: fixed to Audit here, as the catalog pairs it with the custom Deny.
    member(builtin.virtualMachineShouldHaveTrustedLaunchEnabled, { ...VM04, principle: 'assume-breach', parameters: { effect: 'Audit' } }),
    member(builtin.previewSecureBootShouldBeEnabledOnSupportedWindowsVirtualMachines, { ...VM05, principle: 'assume-breach', parameters: { effect: p.ztVm05Effect } }),
    member(secureBootLinux, { parameters: { effect: p.ztVm05Effect } }),
    member(builtin.previewVTPMShouldBeEnabledOnSupportedVirtualMachines, { ...VM06, principle: 'assume-breach', parameters: { effect: p.ztVm06Effect } }),
    member(builtin.previewConfigureSupportedWindowsVirtualMachinesToAutomaticallyInstallTheGuestAttestationExtension, {
      ...VM07,
      principle: 'verify-explicitly',
      parameters: { effect: p.ztVm07Effect },
    }),
    member(builtin.previewConfigureSupportedLinuxVirtualMachinesToAutomaticallyInstallTheGuestAttestationExtension, {
      ...VM07,
      principle: 'verify-explicitly',
      parameters: { effect: p.ztVm07Effect },
    }),
    member(builtin.managedDisksShouldBeDoubleEncryptedWithBothPlatformManagedAndCustomerManagedKeys, { ...VM08, principle: 'assume-breach', parameters: { effect: p.ztVm08Effect } }),
    member(builtin.osAndDataDisksShouldBeEncryptedWithACustomerManagedKey, { ...VM09, principle: 'assume-breach', parameters: { effect: p.ztVm09Effect } }),
    member(builtin.managedDisksShouldUseASpecificSetOfDiskEncryptionSetsForTheCustomerManagedKeyEncryption, {
      ...VM09,
      principle: 'assume-breach',
      parameters: { effect: p.ztVm09Effect, allowedEncryptionSets: p.allowedEncryptionSets },
    }),
    member(builtin.virtualMachinesAndVirtualMachineScaleSetsShouldHaveEncryptionAtHostEnabled, { ...VM10, principle: 'assume-breach', parameters: { effect: p.ztVm10Effect } }),
    member(builtin.onlyApprovedVmExtensionsShouldBeInstalled, {
      ...VM11,
      principle: 'least-privilege',
      parameters: { effect: p.ztVm11Effect, approvedExtensions: p.approvedExtensions },
    }),
    member(approvedVmApplications, { parameters: { effect: p.ztVm12Effect, approvedGalleryIds: p.approvedGalleryIds } }),
    member(noPublicIp, { parameters: { effect: p.ztVm13Effect } }),
    member(builtin.managementPortsOfVirtualMachinesShouldBeProtectedWithJustInTimeNetworkAccessControl, { ...VM14, principle: 'least-privilege', parameters: { effect: p.ztVm14Effect } }),
    member(builtin.managementPortsShouldBeClosedOnYourVirtualMachines, { ...VM14, principle: 'least-privilege', parameters: { effect: p.ztVm14Effect } }),
    member(builtin.deployDefaultMicrosoftIaaSAntimalwareExtensionForWindowsServer, { ...VM15, principle: 'assume-breach' }),
    member(builtin.microsoftIaaSAntimalwareExtensionShouldBeDeployedOnWindowsServers, { ...VM15, principle: 'assume-breach', parameters: { effect: p.ztVm15Effect } }),
    member(builtin.microsoftAntimalwareForAzureShouldBeConfiguredToAutomaticallyUpdateProtectionSignatures, {
      ...VM15,
      principle: 'assume-breach',
      parameters: { effect: p.ztVm15Effect },
    }),
    // ZT-VM-16: the fixed Modify takes one OS per reference (its osType parameter), so it is referenced twice.
    member(builtin.configurePeriodicCheckingForMissingSystemUpdatesOnAzureVirtualMachines, {
      ...VM16,
      principle: 'assume-breach',
      referenceId: 'zt-vm-16-periodic-update-assessment-windows-59efceea',
      parameters: { assessmentMode: p.assessmentMode, osType: 'Windows' },
    }),
    member(builtin.configurePeriodicCheckingForMissingSystemUpdatesOnAzureVirtualMachines, {
      ...VM16,
      principle: 'assume-breach',
      referenceId: 'zt-vm-16-periodic-update-assessment-linux-59efceea',
      parameters: { assessmentMode: p.assessmentMode, osType: 'Linux' },
    }),
    member(builtin.machinesShouldBeConfiguredToPeriodicallyCheckForMissingSystemUpdates, { ...VM16, principle: 'assume-breach', parameters: { effect: p.ztVm16Effect } }),
    member(builtin.configureMachinesToReceiveAVulnerabilityAssessmentProvider, {
      ...VM17,
      principle: 'assume-breach',
      parameters: { effect: p.ztVm17Effect, vaType: p.vaType },
    }),
  ],
});
