/**
 * The Zero Trust parameters shared by several units (zero-trust-controls.md §6), declared ONCE here. A unit
 * initiative takes the declaration it needs by reference (`parameters: { logAnalyticsWorkspaceId:
 * shared.logAnalyticsWorkspaceId, ... }`); the umbrella flattens its units and the compiler merges identical
 * declarations into one umbrella parameter (a second, different declaration of the same name is ZT6009).
 *
 * Defaults follow §6: where the catalog says "none — required" there is no default (a placeholder workspace or
 * firewall address would be a false promise), so the assignment must pass the value.
 */
import { param } from '../dsl/parameters.js';

export const sharedParameters = {
  logAnalyticsWorkspaceId: param.string({
    displayName: 'Central Log Analytics workspace',
    description:
      'Resource id of the central (Sentinel-enabled) Log Analytics workspace that receives activity logs, resource logs and Defender for Cloud exports.',
    strongType: 'omsWorkspace',
    assignPermissions: true,
  }),
  firewallPrivateIps: param.array<readonly string[]>({
    displayName: 'Hub firewall private IP addresses',
    description: 'Private IP addresses of the hub Azure Firewalls (one per hub or region): the only allowed next hop of spoke default routes and of GatewaySubnet routes to spokes.',
  }),
  spokeAddressPrefixes: param.array<readonly string[]>({
    displayName: 'Spoke address prefixes',
    description: 'Address prefixes (CIDR) of the spoke virtual networks, which GatewaySubnet route tables must send to the firewall.',
  }),
  allowedEncryptionSets: param.array<readonly string[]>({
    displayName: 'Approved disk encryption sets',
    description: 'Resource ids of the disk encryption sets (customer-managed keys, double encryption) that managed disks may use.',
  }),
  approvedExtensions: param.array<readonly string[]>({
    displayName: 'Approved VM extensions',
    description: 'Extension types a virtual machine may carry: those the Zero Trust controls deploy (Entra login, guest attestation, anti-malware, Defender for Endpoint, Azure Monitor agent, machine configuration).',
    defaultValue: [
      'AADLoginForWindows',
      'AADSSHLoginForLinux',
      'GuestAttestation',
      'IaaSAntimalware',
      'MDE.Windows',
      'MDE.Linux',
      'AzureMonitorWindowsAgent',
      'AzureMonitorLinuxAgent',
      'ConfigurationforWindows',
      'ConfigurationforLinux',
    ],
  }),
  securityContactEmails: param.string({
    displayName: 'Security contact email addresses',
    description: 'Email addresses (semicolon-separated) Defender for Cloud notifies about alerts and attack paths in every subscription.',
  }),
} as const;
