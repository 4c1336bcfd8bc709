/**
 * Typed builders of realistic ARM resource documents, shaped as `GET https://management.azure.com/<id>` (and
 * `az resource show`) returns them: `id`, `name`, `type`, `location`, `tags`, optional `sku`/`kind`/`identity`,
 * and `properties`.
 *
 * The defaults describe a resource hardened as the Zero Trust controls expect (TLS 1.2, no public access, NSG
 * and route table on subnets, Trusted Launch, ...), so a control test reads as "the default is compliant, this
 * one override is not". Overrides are deep-merged into `properties` (arrays replace, `undefined` deletes a key,
 * which is how a test says "the property is missing"), and `ResourceOptions` set the envelope.
 *
 * Pure data: no file system, no vitest; usable from plain Node.
 */

export type JsonLike = string | number | boolean | null | JsonLike[] | { [key: string]: JsonLike | undefined };

/** An ARM resource document. `properties` is the resource-type specific bag. */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  kind?: string;
  sku?: { name?: string; tier?: string; [key: string]: JsonLike | undefined };
  identity?: { type: string; principalId?: string; tenantId?: string; userAssignedIdentities?: Record<string, JsonLike> };
  zones?: string[];
  properties?: { [key: string]: JsonLike | undefined };
  [key: string]: JsonLike | undefined;
}

/** Deep-partial overrides; `undefined` removes the key from the default document. */
export type Overrides<T> = { [K in keyof T]?: T[K] extends JsonLike[] ? T[K] : T[K] extends object ? Overrides<T[K]> | undefined : T[K] | undefined } & {
  [key: string]: JsonLike | undefined;
};

/** The envelope of a resource: where it lives and its top-level (non-`properties`) fields. */
export interface ResourceOptions {
  name?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
  /** Replaces the default tags (pass `{}` for none). */
  tags?: Record<string, string>;
  sku?: ArmResource['sku'] | undefined;
  kind?: string | undefined;
  identity?: ArmResource['identity'] | undefined;
  zones?: string[];
  /** Parent resource name for child resources (subnets, security rules, extensions, fileServices). */
  parent?: string;
  /** Anything else at top level (e.g. `managedBy`, `plan`, `extendedLocation`). */
  extra?: Record<string, JsonLike>;
}

export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-00000000a11c';
export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-0000000000e7';
export const DEFAULT_LOCATION = 'westeurope';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneJson(x);
    return out as T;
  }
  return v;
}

/**
 * Deep merge for JSON documents: objects merge, arrays and scalars replace, `undefined` deletes. Neither input is
 * modified; the result shares no mutable structure with `overrides`, and only untouched subtrees with `base`.
 */
export function mergeJson<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(overrides) || !isPlainObject(base)) return cloneJson(overrides) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeJson(out[key], value);
    else out[key] = cloneJson(value);
  }
  return out as T;
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** `/subscriptions/s/resourceGroups/rg/providers/Microsoft.X/a/n1/b/n2` for type `Microsoft.X/a/b`, names [n1, n2]. */
export function resourceId(subscriptionId: string, resourceGroup: string, type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  const segments = types.map((t, i) => `${t}/${names[i] ?? ''}`).join('/');
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${namespace}/${segments}`;
}

interface Spec {
  type: string;
  defaultName: string;
  defaultResourceGroup: string;
  /** Child types: the default parent name. */
  defaultParent?: string;
  /** Child resources of a GET carry no location/tags. */
  child?: boolean;
  envelope?: Partial<Pick<ArmResource, 'sku' | 'kind' | 'identity' | 'zones'>>;
  properties: (ctx: { id: string; subscriptionId: string; resourceGroup: string; location: string; name: string }) => Record<string, JsonLike>;
}

function build(spec: Spec, overrides: Record<string, unknown> | undefined, options: ResourceOptions = {}): ArmResource {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const resourceGroup = options.resourceGroup ?? spec.defaultResourceGroup;
  const location = options.location ?? DEFAULT_LOCATION;
  const name = options.name ?? spec.defaultName;
  const names = spec.child ? [options.parent ?? spec.defaultParent ?? 'parent', name] : [name];
  const id = resourceId(subscriptionId, resourceGroup, spec.type, names);
  const doc: ArmResource = { id, name, type: spec.type };
  if (!spec.child) {
    doc.location = location;
    doc.tags = options.tags ?? { environment: 'prod', 'zt-unit': 'workload' };
  } else if (options.tags) {
    doc.tags = options.tags;
  }
  for (const key of ['sku', 'kind', 'identity', 'zones'] as const) {
    const value = key in options ? options[key] : spec.envelope?.[key];
    if (value !== undefined) (doc as Record<string, unknown>)[key] = cloneJson(value);
  }
  if (options.extra) Object.assign(doc, cloneJson(options.extra));
  const props = spec.properties({ id, subscriptionId, resourceGroup, location, name });
  doc.properties = mergeJson(props, overrides ?? {}) as ArmResource['properties'];
  return doc;
}

const rg = (sub: string, group: string) => resourceGroupId(sub, group);

// ---------------------------------------------------------------------------------------------------------
// Storage

export interface StorageAccountProperties {
  minimumTlsVersion?: 'TLS1_0' | 'TLS1_1' | 'TLS1_2' | 'TLS1_3';
  supportsHttpsTrafficOnly?: boolean;
  allowBlobPublicAccess?: boolean;
  allowSharedKeyAccess?: boolean;
  allowCrossTenantReplication?: boolean;
  allowedCopyScope?: 'AAD' | 'PrivateLink';
  publicNetworkAccess?: 'Enabled' | 'Disabled' | 'SecuredByPerimeter';
  networkAcls?: { defaultAction?: 'Allow' | 'Deny'; bypass?: string; ipRules?: JsonLike[]; virtualNetworkRules?: JsonLike[] };
  encryption?: {
    keySource?: 'Microsoft.Storage' | 'Microsoft.Keyvault';
    requireInfrastructureEncryption?: boolean;
    services?: JsonLike;
    keyvaultproperties?: JsonLike;
  };
  sasPolicy?: { sasExpirationPeriod?: string; expirationAction?: 'Log' | 'Block' };
  [key: string]: JsonLike | undefined;
}

export function storageAccount(overrides?: Overrides<StorageAccountProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Storage/storageAccounts',
      defaultName: 'stztprod001',
      defaultResourceGroup: 'rg-storage',
      envelope: { sku: { name: 'Standard_ZRS', tier: 'Standard' }, kind: 'StorageV2' },
      properties: ({ name, location }) => ({
        provisioningState: 'Succeeded',
        creationTime: '2026-01-12T09:30:00.0000000Z',
        primaryLocation: location,
        statusOfPrimary: 'available',
        accessTier: 'Hot',
        minimumTlsVersion: 'TLS1_2',
        supportsHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        allowCrossTenantReplication: false,
        allowedCopyScope: 'AAD',
        publicNetworkAccess: 'Disabled',
        defaultToOAuthAuthentication: true,
        networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
        encryption: {
          keySource: 'Microsoft.Keyvault',
          requireInfrastructureEncryption: true,
          keyvaultproperties: { keyname: 'cmk-storage', keyvaulturi: 'https://kv-zt-prod.vault.azure.net/' },
          services: {
            blob: { enabled: true, keyType: 'Account', lastEnabledTime: '2026-01-12T09:30:00.0000000Z' },
            file: { enabled: true, keyType: 'Account', lastEnabledTime: '2026-01-12T09:30:00.0000000Z' },
          },
        },
        sasPolicy: { sasExpirationPeriod: '1.00:00:00', expirationAction: 'Log' },
        keyPolicy: { keyExpirationPeriodInDays: 90 },
        primaryEndpoints: {
          blob: `https://${name}.blob.core.windows.net/`,
          file: `https://${name}.file.core.windows.net/`,
          queue: `https://${name}.queue.core.windows.net/`,
          table: `https://${name}.table.core.windows.net/`,
        },
        privateEndpointConnections: [],
      }),
    },
    overrides,
    options,
  );
}

export interface FileServicesProperties {
  protocolSettings?: { smb?: { versions?: string; channelEncryption?: string; authenticationMethods?: string; kerberosTicketEncryption?: string } };
  [key: string]: JsonLike | undefined;
}

/** `Microsoft.Storage/storageAccounts/fileServices` (name is always `default`; `parent` is the account). */
export function fileServices(overrides?: Overrides<FileServicesProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Storage/storageAccounts/fileServices',
      defaultName: 'default',
      defaultParent: 'stztprod001',
      defaultResourceGroup: 'rg-storage',
      child: true,
      envelope: { sku: { name: 'Standard_ZRS', tier: 'Standard' } },
      properties: () => ({
        cors: { corsRules: [] },
        shareDeleteRetentionPolicy: { enabled: true, days: 7 },
        protocolSettings: {
          smb: {
            versions: 'SMB3.1.1',
            channelEncryption: 'AES-256-GCM',
            authenticationMethods: 'Kerberos',
            kerberosTicketEncryption: 'AES-256',
          },
        },
      }),
    },
    overrides,
    options,
  );
}

/** `Microsoft.Storage/storageAccounts/blobServices` (name is always `default`; `parent` is the account). */
export function blobServices(overrides?: Overrides<{ [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Storage/storageAccounts/blobServices',
      defaultName: 'default',
      defaultParent: 'stztprod001',
      defaultResourceGroup: 'rg-storage',
      child: true,
      envelope: { sku: { name: 'Standard_ZRS', tier: 'Standard' } },
      properties: () => ({
        cors: { corsRules: [] },
        deleteRetentionPolicy: { enabled: true, days: 7 },
        containerDeleteRetentionPolicy: { enabled: true, days: 7 },
        isVersioningEnabled: true,
      }),
    },
    overrides,
    options,
  );
}

/**
 * `Microsoft.Storage/storageAccounts/privateEndpointConnections` (`parent` is the account): the account side of a
 * private endpoint, approved by default. The name is the endpoint name plus a GUID, as the service names it.
 */
export function storagePrivateEndpointConnection(
  overrides?: Overrides<{ privateLinkServiceConnectionState?: { status?: 'Approved' | 'Pending' | 'Rejected' | 'Disconnected'; description?: string; actionRequired?: string }; [key: string]: JsonLike | undefined }>,
  options?: ResourceOptions,
): ArmResource {
  return build(
    {
      type: 'Microsoft.Storage/storageAccounts/privateEndpointConnections',
      defaultName: 'pe-stztprod001-blob.7d0f1c2e-5b4a-4e3f-9c1d-2a6b8e0f4d13',
      defaultParent: 'stztprod001',
      defaultResourceGroup: 'rg-storage',
      child: true,
      properties: ({ subscriptionId }) => ({
        provisioningState: 'Succeeded',
        privateEndpoint: { id: `${rg(subscriptionId, 'rg-storage')}/providers/Microsoft.Network/privateEndpoints/pe-stztprod001-blob` },
        privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionRequired: 'None' },
      }),
    },
    overrides,
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Compute

export interface VirtualMachineProperties {
  hardwareProfile?: { vmSize?: string };
  securityProfile?: {
    securityType?: 'TrustedLaunch' | 'ConfidentialVM' | 'Standard' | string;
    uefiSettings?: { secureBootEnabled?: boolean; vTpmEnabled?: boolean };
    encryptionAtHost?: boolean;
  };
  storageProfile?: JsonLike;
  osProfile?: JsonLike;
  networkProfile?: JsonLike;
  applicationProfile?: JsonLike;
  [key: string]: JsonLike | undefined;
}

export function virtualMachine(
  overrides?: Overrides<VirtualMachineProperties>,
  options?: ResourceOptions & { os?: 'Windows' | 'Linux' },
): ArmResource {
  const os = options?.os ?? 'Linux';
  return build(
    {
      type: 'Microsoft.Compute/virtualMachines',
      defaultName: 'vm-app-01',
      defaultResourceGroup: 'rg-vm',
      envelope: {
        identity: {
          type: 'SystemAssigned',
          principalId: '6a1b7c2d-0000-4000-8000-0000000000a1',
          tenantId: DEFAULT_TENANT_ID,
        },
        zones: ['1'],
      },
      properties: ({ subscriptionId, resourceGroup, name }) => ({
        vmId: '3f6c1e52-4d7b-4b7e-9a39-0b6c2f1d9e01',
        provisioningState: 'Succeeded',
        hardwareProfile: { vmSize: 'Standard_D4s_v5' },
        securityProfile: {
          securityType: 'TrustedLaunch',
          uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
          encryptionAtHost: true,
        },
        storageProfile: {
          imageReference:
            os === 'Windows'
              ? { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' }
              : { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
          osDisk: {
            osType: os,
            name: `${name}-osdisk`,
            createOption: 'FromImage',
            caching: 'ReadWrite',
            deleteOption: 'Delete',
            diskSizeGB: 128,
            managedDisk: {
              storageAccountType: 'Premium_ZRS',
              id: `${rg(subscriptionId, resourceGroup)}/providers/Microsoft.Compute/disks/${name}-osdisk`,
              diskEncryptionSet: { id: `${rg(subscriptionId, 'rg-security')}/providers/Microsoft.Compute/diskEncryptionSets/des-zt-prod` },
            },
          },
          dataDisks: [],
        },
        osProfile:
          os === 'Windows'
            ? {
                computerName: name,
                adminUsername: 'azureadmin',
                windowsConfiguration: {
                  provisionVMAgent: true,
                  enableAutomaticUpdates: true,
                  patchSettings: { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' },
                },
                secrets: [],
                allowExtensionOperations: true,
              }
            : {
                computerName: name,
                adminUsername: 'azureadmin',
                linuxConfiguration: {
                  disablePasswordAuthentication: true,
                  provisionVMAgent: true,
                  patchSettings: { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' },
                },
                secrets: [],
                allowExtensionOperations: true,
              },
        networkProfile: {
          networkInterfaces: [
            { id: `${rg(subscriptionId, resourceGroup)}/providers/Microsoft.Network/networkInterfaces/${name}-nic`, properties: { primary: true } },
          ],
        },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      }),
    },
    overrides,
    options,
  );
}

/** `Microsoft.Compute/virtualMachines/extensions`; default: the Entra ID SSH login extension for Linux. */
export function vmExtension(overrides?: Overrides<{ publisher?: string; type?: string; typeHandlerVersion?: string; provisioningState?: string; autoUpgradeMinorVersion?: boolean; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  const doc = build(
    {
      type: 'Microsoft.Compute/virtualMachines/extensions',
      defaultName: 'AADSSHLoginForLinux',
      defaultParent: 'vm-app-01',
      defaultResourceGroup: 'rg-vm',
      child: true,
      properties: () => ({
        publisher: 'Microsoft.Azure.ActiveDirectory',
        type: 'AADSSHLoginForLinux',
        typeHandlerVersion: '1.0',
        autoUpgradeMinorVersion: true,
        provisioningState: 'Succeeded',
      }),
    },
    overrides,
    options,
  );
  // Extensions are regional resources in GET responses even though they are children.
  doc.location = options?.location ?? DEFAULT_LOCATION;
  return doc;
}

export function disk(overrides?: Overrides<{ [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Compute/disks',
      defaultName: 'vm-app-01-osdisk',
      defaultResourceGroup: 'rg-vm',
      envelope: { sku: { name: 'Premium_ZRS', tier: 'Premium' } },
      properties: ({ subscriptionId }) => ({
        osType: 'Linux',
        hyperVGeneration: 'V2',
        diskSizeGB: 128,
        diskState: 'Attached',
        provisioningState: 'Succeeded',
        creationData: { createOption: 'FromImage' },
        encryption: {
          type: 'EncryptionAtRestWithPlatformAndCustomerKeys',
          diskEncryptionSetId: `${rg(subscriptionId, 'rg-security')}/providers/Microsoft.Compute/diskEncryptionSets/des-zt-prod`,
        },
        networkAccessPolicy: 'DenyAll',
        publicNetworkAccess: 'Disabled',
        securityProfile: { securityType: 'TrustedLaunch' },
      }),
    },
    overrides,
    options,
  );
}

export function diskEncryptionSet(overrides?: Overrides<{ encryptionType?: string; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Compute/diskEncryptionSets',
      defaultName: 'des-zt-prod',
      defaultResourceGroup: 'rg-security',
      envelope: { identity: { type: 'SystemAssigned', principalId: '6a1b7c2d-0000-4000-8000-0000000000d5', tenantId: DEFAULT_TENANT_ID } },
      properties: ({ subscriptionId }) => ({
        encryptionType: 'EncryptionAtRestWithPlatformAndCustomerKeys',
        rotationToLatestKeyVersionEnabled: true,
        provisioningState: 'Succeeded',
        activeKey: {
          sourceVault: { id: `${rg(subscriptionId, 'rg-security')}/providers/Microsoft.KeyVault/vaults/kv-zt-prod` },
          keyUrl: 'https://kv-zt-prod.vault.azure.net/keys/cmk-disks/0123456789abcdef0123456789abcdef',
        },
      }),
    },
    overrides,
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Network

export interface NetworkInterfaceProperties {
  ipConfigurations?: JsonLike[];
  networkSecurityGroup?: { id: string };
  enableIPForwarding?: boolean;
  [key: string]: JsonLike | undefined;
}

/** A NIC with one private IP configuration in `snet-app` and an application security group. */
export function networkInterface(
  overrides?: Overrides<NetworkInterfaceProperties>,
  options?: ResourceOptions & { publicIpId?: string; applicationSecurityGroupIds?: string[] },
): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/networkInterfaces',
      defaultName: 'vm-app-01-nic',
      defaultResourceGroup: 'rg-vm',
      properties: ({ id, subscriptionId }) => {
        const ipConfig: Record<string, JsonLike> = {
          privateIPAddress: '10.1.1.4',
          privateIPAllocationMethod: 'Dynamic',
          privateIPAddressVersion: 'IPv4',
          primary: true,
          provisioningState: 'Succeeded',
          subnet: { id: `${rg(subscriptionId, 'rg-spoke-network')}/providers/Microsoft.Network/virtualNetworks/vnet-spoke-01/subnets/snet-app` },
          applicationSecurityGroups: (
            options?.applicationSecurityGroupIds ?? [`${rg(subscriptionId, 'rg-spoke-network')}/providers/Microsoft.Network/applicationSecurityGroups/asg-app`]
          ).map((asgId) => ({ id: asgId })),
        };
        if (options?.publicIpId) ipConfig.publicIPAddress = { id: options.publicIpId };
        return {
          provisioningState: 'Succeeded',
          ipConfigurations: [{ name: 'ipconfig1', id: `${id}/ipConfigurations/ipconfig1`, type: 'Microsoft.Network/networkInterfaces/ipConfigurations', properties: ipConfig }],
          enableAcceleratedNetworking: true,
          enableIPForwarding: false,
          nicType: 'Standard',
          virtualMachine: { id: `${rg(subscriptionId, 'rg-vm')}/providers/Microsoft.Compute/virtualMachines/vm-app-01` },
        };
      },
    },
    overrides,
    options,
  );
}

export interface SecurityRuleProperties {
  access?: 'Allow' | 'Deny';
  direction?: 'Inbound' | 'Outbound';
  priority?: number;
  protocol?: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  sourcePortRange?: string;
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  description?: string;
  [key: string]: JsonLike | undefined;
}

/** An inline security rule object as it appears in `properties.securityRules` of an NSG GET. */
export function securityRuleObject(name: string, props: SecurityRuleProperties, nsgId?: string): Record<string, JsonLike> {
  const properties: Record<string, JsonLike> = {
    provisioningState: 'Succeeded',
    protocol: '*',
    sourcePortRange: '*',
    sourceAddressPrefixes: [],
    destinationAddressPrefixes: [],
    sourcePortRanges: [],
    destinationPortRanges: [],
  };
  for (const [k, v] of Object.entries(props)) if (v !== undefined) properties[k] = v;
  const rule: Record<string, JsonLike> = { name, type: 'Microsoft.Network/networkSecurityGroups/securityRules', properties };
  if (nsgId) rule.id = `${nsgId}/securityRules/${name}`;
  return rule;
}

/** The baseline deny-all rules at priority 4096 the spoke article asks for (ZT-SPK-04/05). */
export function baselineDenyRules(nsgId?: string): Record<string, JsonLike>[] {
  return [
    securityRuleObject('DenyAllInbound', { access: 'Deny', direction: 'Inbound', priority: 4096, protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }, nsgId),
    securityRuleObject('DenyAllOutbound', { access: 'Deny', direction: 'Outbound', priority: 4096, protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }, nsgId),
  ];
}

export interface NetworkSecurityGroupProperties {
  securityRules?: JsonLike[];
  [key: string]: JsonLike | undefined;
}

/**
 * An NSG whose `securityRules` are the baseline deny-all pair plus an HTTPS allow from the App Gateway subnet.
 * Pass `securityRules` to replace them (use `securityRuleObject`).
 */
export function networkSecurityGroup(overrides?: Overrides<NetworkSecurityGroupProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/networkSecurityGroups',
      defaultName: 'nsg-snet-app',
      defaultResourceGroup: 'rg-spoke-network',
      properties: ({ id }) => ({
        provisioningState: 'Succeeded',
        resourceGuid: '9b1e5c7a-0000-4000-8000-00000000a5a5',
        securityRules: [
          securityRuleObject(
            'Allow-Https-From-AppGw',
            { access: 'Allow', direction: 'Inbound', priority: 100, protocol: 'Tcp', sourceAddressPrefix: '10.1.0.0/24', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '443' },
            id,
          ),
          ...baselineDenyRules(id),
        ],
        defaultSecurityRules: [],
      }),
    },
    overrides,
    options,
  );
}

/** `Microsoft.Network/networkSecurityGroups/securityRules` as a child resource (default: an HTTPS allow from the VNet). */
export function securityRule(overrides?: Overrides<SecurityRuleProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/networkSecurityGroups/securityRules',
      defaultName: 'Allow-Https-From-AppGw',
      defaultParent: 'nsg-snet-app',
      defaultResourceGroup: 'rg-spoke-network',
      child: true,
      properties: () => ({
        provisioningState: 'Succeeded',
        access: 'Allow',
        direction: 'Inbound',
        priority: 100,
        protocol: 'Tcp',
        sourceAddressPrefix: '10.1.0.0/24',
        sourcePortRange: '*',
        destinationAddressPrefix: 'VirtualNetwork',
        destinationPortRange: '443',
        sourceAddressPrefixes: [],
        destinationAddressPrefixes: [],
        sourcePortRanges: [],
        destinationPortRanges: [],
      }),
    },
    overrides,
    options,
  );
}

export interface SubnetProperties {
  addressPrefix?: string;
  networkSecurityGroup?: { id: string };
  routeTable?: { id: string };
  privateEndpointNetworkPolicies?: string;
  [key: string]: JsonLike | undefined;
}

/** The `properties` of a subnet (as inline in a VNet or as the child resource), with NSG and route table. */
export function subnetProperties(subscriptionId: string, name: string, addressPrefix: string, overrides?: Overrides<SubnetProperties>): Record<string, JsonLike> {
  const base: Record<string, JsonLike> = {
    provisioningState: 'Succeeded',
    addressPrefix,
    networkSecurityGroup: { id: `${rg(subscriptionId, 'rg-spoke-network')}/providers/Microsoft.Network/networkSecurityGroups/nsg-${name}` },
    routeTable: { id: `${rg(subscriptionId, 'rg-spoke-network')}/providers/Microsoft.Network/routeTables/rt-spoke-01` },
    privateEndpointNetworkPolicies: 'Enabled',
    privateLinkServiceNetworkPolicies: 'Enabled',
    delegations: [],
  };
  return mergeJson(base, overrides ?? {});
}

/** An inline subnet object (`properties.subnets[*]` of a VNet). */
export function subnetObject(name: string, addressPrefix: string, overrides?: Overrides<SubnetProperties>, vnetId?: string, subscriptionId = DEFAULT_SUBSCRIPTION_ID): Record<string, JsonLike> {
  const out: Record<string, JsonLike> = { name, type: 'Microsoft.Network/virtualNetworks/subnets', properties: subnetProperties(subscriptionId, name, addressPrefix, overrides) };
  if (vnetId) out.id = `${vnetId}/subnets/${name}`;
  return out;
}

/** `Microsoft.Network/virtualNetworks/subnets` as a child resource; default `snet-app` with NSG and route table. */
export function subnet(overrides?: Overrides<SubnetProperties>, options?: ResourceOptions): ArmResource {
  const name = options?.name ?? 'snet-app';
  return build(
    {
      type: 'Microsoft.Network/virtualNetworks/subnets',
      defaultName: 'snet-app',
      defaultParent: 'vnet-spoke-01',
      defaultResourceGroup: 'rg-spoke-network',
      child: true,
      properties: ({ subscriptionId }) => subnetProperties(subscriptionId, name, '10.1.1.0/24'),
    },
    overrides,
    options,
  );
}

export interface VirtualNetworkProperties {
  addressSpace?: { addressPrefixes?: string[] };
  subnets?: JsonLike[];
  enableDdosProtection?: boolean;
  ddosProtectionPlan?: { id: string };
  [key: string]: JsonLike | undefined;
}

/** A spoke VNet with an App Gateway subnet and an app subnet, both with NSG and route table, and DDoS protection. */
export function virtualNetwork(overrides?: Overrides<VirtualNetworkProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/virtualNetworks',
      defaultName: 'vnet-spoke-01',
      defaultResourceGroup: 'rg-spoke-network',
      properties: ({ id, subscriptionId }) => ({
        provisioningState: 'Succeeded',
        resourceGuid: '0d2c1b3a-0000-4000-8000-0000000000c1',
        addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
        subnets: [subnetObject('snet-appgw', '10.1.0.0/24', {}, id, subscriptionId), subnetObject('snet-app', '10.1.1.0/24', {}, id, subscriptionId)],
        virtualNetworkPeerings: [],
        enableDdosProtection: true,
        ddosProtectionPlan: { id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/ddosProtectionPlans/ddos-zt` },
      }),
    },
    overrides,
    options,
  );
}

export interface RouteTableProperties {
  disableBgpRoutePropagation?: boolean;
  routes?: JsonLike[];
  [key: string]: JsonLike | undefined;
}

/** A spoke route table: 0.0.0.0/0 to the hub firewall (10.0.1.4), gateway propagation off. */
export function routeTable(overrides?: Overrides<RouteTableProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/routeTables',
      defaultName: 'rt-spoke-01',
      defaultResourceGroup: 'rg-spoke-network',
      properties: ({ id }) => ({
        provisioningState: 'Succeeded',
        disableBgpRoutePropagation: true,
        routes: [
          {
            name: 'default-to-firewall',
            id: `${id}/routes/default-to-firewall`,
            type: 'Microsoft.Network/routeTables/routes',
            properties: { provisioningState: 'Succeeded', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.1.4' },
          },
        ],
      }),
    },
    overrides,
    { tags: { environment: 'prod', 'zt-route-role': 'spoke' }, ...options },
  );
}

export interface AzureFirewallProperties {
  sku?: { name?: 'AZFW_VNet' | 'AZFW_Hub'; tier?: 'Basic' | 'Standard' | 'Premium' };
  firewallPolicy?: { id: string };
  threatIntelMode?: string;
  [key: string]: JsonLike | undefined;
}

/** Azure Firewall Premium managed by a firewall policy (note: the firewall's sku lives in `properties`). */
export function azureFirewall(overrides?: Overrides<AzureFirewallProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/azureFirewalls',
      defaultName: 'afw-hub-weu',
      defaultResourceGroup: 'rg-hub-network',
      envelope: { zones: ['1', '2', '3'] },
      properties: ({ subscriptionId, id }) => ({
        provisioningState: 'Succeeded',
        sku: { name: 'AZFW_VNet', tier: 'Premium' },
        threatIntelMode: 'Deny',
        firewallPolicy: { id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/firewallPolicies/afwp-hub-weu` },
        ipConfigurations: [
          {
            name: 'ipconfig1',
            id: `${id}/azureFirewallIpConfigurations/ipconfig1`,
            properties: {
              privateIPAddress: '10.0.1.4',
              subnet: { id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/virtualNetworks/vnet-hub-weu/subnets/AzureFirewallSubnet` },
              publicIPAddress: { id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/publicIPAddresses/pip-afw-hub-weu` },
            },
          },
        ],
        networkRuleCollections: [],
        applicationRuleCollections: [],
        natRuleCollections: [],
      }),
    },
    overrides,
    options,
  );
}

/** A Premium firewall policy with threat intelligence and IDPS in alert-and-deny and TLS inspection. */
export function firewallPolicy(overrides?: Overrides<{ sku?: { tier?: string }; threatIntelMode?: string; intrusionDetection?: JsonLike; transportSecurity?: JsonLike; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/firewallPolicies',
      defaultName: 'afwp-hub-weu',
      defaultResourceGroup: 'rg-hub-network',
      envelope: {
        identity: {
          type: 'UserAssigned',
          userAssignedIdentities: { [`${rg(DEFAULT_SUBSCRIPTION_ID, 'rg-hub-network')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-afwp-tls`]: {} },
        },
      },
      properties: ({ subscriptionId }) => ({
        provisioningState: 'Succeeded',
        sku: { tier: 'Premium' },
        threatIntelMode: 'Deny',
        intrusionDetection: { mode: 'Deny', configuration: { signatureOverrides: [], bypassTrafficSettings: [] } },
        transportSecurity: {
          certificateAuthority: { name: 'tls-inspection-ca', keyVaultSecretId: 'https://kv-zt-hub.vault.azure.net/secrets/tls-inspection-ca/' },
        },
        dnsSettings: { enableProxy: true },
        ruleCollectionGroups: [{ id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/firewallPolicies/afwp-hub-weu/ruleCollectionGroups/rcg-spokes` }],
      }),
    },
    overrides,
    options,
  );
}

export interface PublicIpProperties {
  publicIPAllocationMethod?: 'Static' | 'Dynamic';
  ddosSettings?: { protectionMode?: string };
  [key: string]: JsonLike | undefined;
}

export function publicIp(overrides?: Overrides<PublicIpProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/publicIPAddresses',
      defaultName: 'pip-afw-hub-weu',
      defaultResourceGroup: 'rg-hub-network',
      envelope: { sku: { name: 'Standard', tier: 'Regional' }, zones: ['1', '2', '3'] },
      properties: () => ({
        provisioningState: 'Succeeded',
        ipAddress: '20.61.17.42',
        publicIPAddressVersion: 'IPv4',
        publicIPAllocationMethod: 'Static',
        idleTimeoutInMinutes: 4,
        ddosSettings: { protectionMode: 'VirtualNetworkInherited' },
      }),
    },
    overrides,
    options,
  );
}

/** An App Gateway WAF_v2 with a WAF policy reference. */
export function applicationGateway(overrides?: Overrides<{ sku?: { name?: string; tier?: string }; firewallPolicy?: { id: string }; webApplicationFirewallConfiguration?: JsonLike; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/applicationGateways',
      defaultName: 'agw-spoke-01',
      defaultResourceGroup: 'rg-spoke-network',
      properties: ({ subscriptionId }) => ({
        provisioningState: 'Succeeded',
        sku: { name: 'WAF_v2', tier: 'WAF_v2', capacity: 2 },
        firewallPolicy: { id: `${rg(subscriptionId, 'rg-spoke-network')}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/wafp-spoke-01` },
        gatewayIPConfigurations: [],
        frontendIPConfigurations: [],
        backendAddressPools: [],
        httpListeners: [],
        requestRoutingRules: [],
      }),
    },
    overrides,
    options,
  );
}

export function wafPolicy(overrides?: Overrides<{ policySettings?: { mode?: string; state?: string; requestBodyCheck?: boolean }; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies',
      defaultName: 'wafp-spoke-01',
      defaultResourceGroup: 'rg-spoke-network',
      properties: () => ({
        provisioningState: 'Succeeded',
        policySettings: { state: 'Enabled', mode: 'Prevention', requestBodyCheck: true, maxRequestBodySizeInKb: 128, fileUploadLimitInMb: 100 },
        managedRules: { managedRuleSets: [{ ruleSetType: 'Microsoft_DefaultRuleSet', ruleSetVersion: '2.1' }], exclusions: [] },
        customRules: [],
      }),
    },
    overrides,
    options,
  );
}

/** A route object as it appears in `properties.routes` of a route table GET (next hop IP only for VirtualAppliance). */
export function routeObject(name: string, addressPrefix: string, nextHopType: string, nextHopIpAddress?: string, routeTableId?: string): Record<string, JsonLike> {
  const properties: Record<string, JsonLike> = { provisioningState: 'Succeeded', addressPrefix, nextHopType, hasBgpOverride: false };
  if (nextHopIpAddress !== undefined) properties.nextHopIpAddress = nextHopIpAddress;
  const route: Record<string, JsonLike> = { name, type: 'Microsoft.Network/routeTables/routes', properties };
  if (routeTableId) route.id = `${routeTableId}/routes/${name}`;
  return route;
}

/** `Microsoft.Network/routeTables/routes` as a child resource; default: 0.0.0.0/0 to the hub firewall 10.0.1.4. */
export function route(overrides?: Overrides<{ addressPrefix?: string; nextHopType?: string; nextHopIpAddress?: string; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/routeTables/routes',
      defaultName: 'default-to-firewall',
      defaultParent: 'rt-spoke-01',
      defaultResourceGroup: 'rg-spoke-network',
      child: true,
      properties: () => ({ provisioningState: 'Succeeded', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.1.4', hasBgpOverride: false }),
    },
    overrides,
    options,
  );
}

/**
 * `Microsoft.Network/networkWatchers/flowLogs` (a VNet flow log with traffic analytics) for `targetResourceId`, as
 * GET .../networkWatchers/{watcher}/flowLogs/{name} returns it. `parent` is the Network Watcher's name.
 */
export function flowLog(
  targetResourceId: string,
  overrides?: Overrides<{ enabled?: boolean; flowAnalyticsConfiguration?: JsonLike; [key: string]: JsonLike | undefined }>,
  options?: ResourceOptions,
): ArmResource {
  const doc = build(
    {
      type: 'Microsoft.Network/networkWatchers/flowLogs',
      defaultName: 'fl-vnet-spoke-01',
      defaultParent: 'NetworkWatcher_westeurope',
      defaultResourceGroup: 'NetworkWatcherRG',
      child: true,
      properties: ({ subscriptionId }) => ({
        provisioningState: 'Succeeded',
        targetResourceId,
        storageId: `${rg(subscriptionId, 'rg-management')}/providers/Microsoft.Storage/storageAccounts/stflowlogsweu`,
        enabled: true,
        retentionPolicy: { days: 90, enabled: true },
        format: { type: 'JSON', version: 2 },
        flowAnalyticsConfiguration: {
          networkWatcherFlowAnalyticsConfiguration: {
            enabled: true,
            workspaceId: '00000000-0000-0000-0000-00000000a1a1',
            workspaceRegion: 'westeurope',
            workspaceResourceId: `${rg(subscriptionId, 'rg-management')}/providers/Microsoft.OperationalInsights/workspaces/law-central`,
            trafficAnalyticsInterval: 10,
          },
        },
      }),
    },
    overrides,
    options,
  );
  // Flow logs are regional resources in GET responses although they are children of the watcher.
  doc.location = options?.location ?? DEFAULT_LOCATION;
  return doc;
}

/** An application rule of a rule collection group (ruleType ApplicationRule), HTTPS with TLS inspection by default. */
export function applicationRule(name: string, props: { terminateTLS?: boolean; protocols?: { protocolType: string; port: number }[]; targetFqdns?: string[]; sourceAddresses?: string[] } = {}): Record<string, JsonLike> {
  return {
    ruleType: 'ApplicationRule',
    name,
    protocols: props.protocols ?? [{ protocolType: 'Https', port: 443 }],
    sourceAddresses: props.sourceAddresses ?? ['10.1.0.0/16'],
    targetFqdns: props.targetFqdns ?? ['api.contoso.com'],
    fqdnTags: [],
    webCategories: [],
    terminateTLS: props.terminateTLS ?? true,
  };
}

/** A network rule of a rule collection group (ruleType NetworkRule). */
export function networkRule(name: string, destinationPorts: string[] = ['123'], ipProtocols: string[] = ['UDP']): Record<string, JsonLike> {
  return { ruleType: 'NetworkRule', name, ipProtocols, sourceAddresses: ['10.1.0.0/16'], destinationAddresses: ['*'], destinationPorts, destinationFqdns: [] };
}

/** A filter rule collection (FirewallPolicyFilterRuleCollection) holding `rules`. */
export function filterRuleCollection(name: string, rules: Record<string, JsonLike>[], priority = 200, action: 'Allow' | 'Deny' = 'Allow'): Record<string, JsonLike> {
  return { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name, priority, action: { type: action }, rules };
}

/**
 * `Microsoft.Network/firewallPolicies/ruleCollectionGroups` (child of the firewall policy): by default one filter
 * collection with an HTTPS application rule that terminates TLS and one network rule.
 */
export function ruleCollectionGroup(overrides?: Overrides<{ priority?: number; ruleCollections?: JsonLike[]; [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
      defaultName: 'rcg-spokes',
      defaultParent: 'afwp-hub-weu',
      defaultResourceGroup: 'rg-hub-network',
      child: true,
      properties: () => ({
        provisioningState: 'Succeeded',
        priority: 200,
        ruleCollections: [
          filterRuleCollection('app-spoke-egress', [applicationRule('allow-contoso-api')], 300),
          filterRuleCollection('net-spoke-ntp', [networkRule('allow-ntp')], 200),
        ],
      }),
    },
    overrides,
    options,
  );
}

/** Azure Bastion in the hub (`Microsoft.Network/bastionHosts`). */
export function bastionHost(overrides?: Overrides<{ [key: string]: JsonLike | undefined }>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/bastionHosts',
      defaultName: 'bas-hub-weu',
      defaultResourceGroup: 'rg-hub-network',
      envelope: { sku: { name: 'Standard' } },
      properties: ({ subscriptionId }) => ({
        provisioningState: 'Succeeded',
        ipConfigurations: [
          {
            name: 'IpConf',
            properties: {
              subnet: { id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/virtualNetworks/vnet-hub-weu/subnets/AzureBastionSubnet` },
              publicIPAddress: { id: `${rg(subscriptionId, 'rg-hub-network')}/providers/Microsoft.Network/publicIPAddresses/pip-bas-hub-weu` },
            },
          },
        ],
      }),
    },
    overrides,
    options,
  );
}

export function privateEndpoint(overrides?: Overrides<{ [key: string]: JsonLike | undefined }>, options?: ResourceOptions & { groupId?: string }): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/privateEndpoints',
      defaultName: 'pe-stztprod001-blob',
      defaultResourceGroup: 'rg-storage',
      properties: ({ subscriptionId }) => ({
        provisioningState: 'Succeeded',
        subnet: { id: `${rg(subscriptionId, 'rg-spoke-network')}/providers/Microsoft.Network/virtualNetworks/vnet-spoke-01/subnets/snet-pe` },
        privateLinkServiceConnections: [
          {
            name: 'stztprod001-blob',
            properties: {
              privateLinkServiceId: `${rg(subscriptionId, 'rg-storage')}/providers/Microsoft.Storage/storageAccounts/stztprod001`,
              groupIds: [options?.groupId ?? 'blob'],
              privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' },
            },
          },
        ],
        manualPrivateLinkServiceConnections: [],
      }),
    },
    overrides,
    options,
  );
}

/**
 * `Microsoft.Network/privateEndpoints/privateDnsZoneGroups` (`parent` is the endpoint; the name is usually
 * `default`): registers the endpoint's addresses in a private DNS zone.
 */
export function privateDnsZoneGroup(privateDnsZoneId: string, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      defaultName: 'default',
      defaultParent: 'pe-stztprod001-blob',
      defaultResourceGroup: 'rg-storage',
      child: true,
      properties: () => ({
        provisioningState: 'Succeeded',
        privateDnsZoneConfigs: [{ name: privateDnsZoneId.split('/').pop() ?? 'zone', properties: { privateDnsZoneId } }],
      }),
    },
    undefined,
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Key Vault

export interface KeyVaultProperties {
  enableRbacAuthorization?: boolean;
  enableSoftDelete?: boolean;
  enablePurgeProtection?: boolean;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  networkAcls?: { defaultAction?: 'Allow' | 'Deny'; bypass?: string; ipRules?: JsonLike[]; virtualNetworkRules?: JsonLike[] };
  [key: string]: JsonLike | undefined;
}

export function keyVault(overrides?: Overrides<KeyVaultProperties>, options?: ResourceOptions): ArmResource {
  return build(
    {
      type: 'Microsoft.KeyVault/vaults',
      defaultName: 'kv-zt-prod',
      defaultResourceGroup: 'rg-security',
      properties: ({ name }) => ({
        tenantId: DEFAULT_TENANT_ID,
        sku: { family: 'A', name: 'premium' },
        accessPolicies: [],
        enabledForDeployment: false,
        enabledForDiskEncryption: true,
        enabledForTemplateDeployment: false,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enableRbacAuthorization: true,
        enablePurgeProtection: true,
        publicNetworkAccess: 'Disabled',
        networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
        vaultUri: `https://${name}.vault.azure.net/`,
        provisioningState: 'Succeeded',
      }),
    },
    overrides,
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Subscription (the target of the Defender / monitoring DINE controls)

/** `Microsoft.Resources/subscriptions` as `GET /subscriptions/{id}` returns it. */
export function subscription(options: { subscriptionId?: string; displayName?: string; tags?: Record<string, string> } = {}): ArmResource {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const doc: ArmResource = {
    id: `/subscriptions/${subscriptionId}`,
    name: subscriptionId,
    type: 'Microsoft.Resources/subscriptions',
    subscriptionId,
    tenantId: DEFAULT_TENANT_ID,
    displayName: options.displayName ?? 'sub-landingzone-prod',
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  };
  if (options.tags) doc.tags = options.tags;
  return doc;
}

// ---------------------------------------------------------------------------------------------------------
// Subscription-level settings (related resources of the Defender / monitoring existence checks)

/** `Microsoft.Security/pricings/<plan>` of a subscription, as `GET .../providers/Microsoft.Security/pricings/<plan>` returns it. */
export function defenderPricing(
  plan: string,
  properties: { pricingTier?: 'Free' | 'Standard'; subPlan?: string; [key: string]: JsonLike | undefined } = {},
  options: { subscriptionId?: string } = {},
): ArmResource {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const props: Record<string, JsonLike> = { pricingTier: 'Standard', freeTrialRemainingTime: 'PT0S' };
  for (const [k, v] of Object.entries(properties)) if (v !== undefined) props[k] = v;
  return { id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${plan}`, name: plan, type: 'Microsoft.Security/pricings', properties: props };
}

/**
 * `Microsoft.Security/assessments/<name>` on a resource (an extension resource, as
 * `GET <resourceId>/providers/Microsoft.Security/assessments/<name>` returns it): a Defender for Cloud
 * recommendation's result for that resource. `name` is the assessment key (a GUID the built-ins name).
 */
export function securityAssessment(
  resourceId: string,
  name: string,
  status: { code: 'Healthy' | 'Unhealthy' | 'NotApplicable'; cause?: string; description?: string } = { code: 'Healthy' },
): ArmResource {
  const st: Record<string, JsonLike> = { code: status.code };
  if (status.cause !== undefined) st.cause = status.cause;
  if (status.description !== undefined) st.description = status.description;
  return {
    id: `${resourceId}/providers/Microsoft.Security/assessments/${name}`,
    name,
    type: 'Microsoft.Security/assessments',
    properties: { resourceDetails: { Source: 'Azure', Id: resourceId }, displayName: name, status: st },
  };
}

/**
 * `Microsoft.Insights/diagnosticSettings` on a scope (a subscription id for the activity log, or a resource id),
 * sending every given log category, enabled, to a Log Analytics workspace.
 */
export function diagnosticSetting(
  scopeId: string,
  options: { name?: string; workspaceId?: string; categories?: string[]; enabled?: boolean; metrics?: boolean } = {},
): ArmResource {
  const name = options.name ?? 'send-to-law-central';
  const categories = options.categories ?? ['Administrative', 'Security', 'Policy', 'Alert', 'ServiceHealth', 'Recommendation', 'Autoscale', 'ResourceHealth'];
  const properties: Record<string, JsonLike> = {
    workspaceId: options.workspaceId ?? `/subscriptions/${DEFAULT_SUBSCRIPTION_ID}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central`,
    logs: categories.map((category) => ({ category, enabled: options.enabled ?? true })),
  };
  if (options.metrics !== undefined) properties.metrics = [{ category: 'AllMetrics', enabled: options.metrics }];
  return { id: `${scopeId}/providers/Microsoft.Insights/diagnosticSettings/${name}`, name, type: 'Microsoft.Insights/diagnosticSettings', properties };
}

/**
 * `Microsoft.Security/securityContacts/default` of a subscription (api 2023-12-01-preview shape): emails, enabled,
 * Owner notifications, and the Alert / AttackPath notification sources.
 */
export function securityContact(
  options: { subscriptionId?: string; emails?: string; isEnabled?: boolean; minimalSeverity?: string; minimalRiskLevel?: string; sources?: JsonLike[] } = {},
): ArmResource {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/securityContacts/default`,
    name: 'default',
    type: 'Microsoft.Security/securityContacts',
    properties: {
      emails: options.emails ?? 'soc@contoso.com',
      isEnabled: options.isEnabled ?? true,
      notificationsByRole: { state: 'On', roles: ['Owner'] },
      notificationsSources: options.sources ?? [
        { sourceType: 'Alert', minimalSeverity: options.minimalSeverity ?? 'High' },
        { sourceType: 'AttackPath', minimalRiskLevel: options.minimalRiskLevel ?? 'Critical' },
      ],
    },
  };
}

/** `Microsoft.Security/settings/<name>` of a subscription (e.g. WDATP, the Defender for Endpoint integration). */
export function securitySetting(name: string, enabled: boolean, options: { subscriptionId?: string } = {}): ArmResource {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/settings/${name}`,
    name,
    type: 'Microsoft.Security/settings',
    kind: 'DataExportSettings',
    properties: { enabled: enabled ? 'true' : 'false' },
  };
}

/**
 * `Microsoft.Security/automations/ExportToWorkspace` (Defender for Cloud continuous export) in a resource group:
 * one source per event source (Assessments, Alerts, SecureScores, ...), all sent to a Log Analytics workspace.
 */
export function securityExportAutomation(
  eventSources: readonly string[],
  options: ResourceOptions & { isEnabled?: boolean; workspaceResourceId?: string } = {},
): ArmResource {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const resourceGroup = options.resourceGroup ?? 'rg-zt-mdc-export';
  const name = options.name ?? 'ExportToWorkspace';
  return {
    id: resourceId(subscriptionId, resourceGroup, 'Microsoft.Security/automations', [name]),
    name,
    type: 'Microsoft.Security/automations',
    location: options.location ?? DEFAULT_LOCATION,
    properties: {
      description: 'Export Microsoft Defender for Cloud data to Log Analytics workspace via policy',
      isEnabled: options.isEnabled ?? true,
      scopes: [{ description: `scope for subscription ${subscriptionId}`, scopePath: `/subscriptions/${subscriptionId}` }],
      sources: eventSources.map((eventSource) => ({ eventSource, ruleSets: [] })),
      actions: [
        {
          actionType: 'Workspace',
          workspaceResourceId:
            options.workspaceResourceId ?? `/subscriptions/${DEFAULT_SUBSCRIPTION_ID}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central`,
        },
      ],
    },
  };
}
