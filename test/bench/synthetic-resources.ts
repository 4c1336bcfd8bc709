/**
 * A deterministic synthetic estate for the evaluation benchmark: storage accounts, VMs, NICs, NSGs, VNets,
 * subnets, route tables, firewalls and key vaults, each either hardened or with one or more Zero Trust
 * findings, drawn from a seeded PRNG so every run (and every machine) evaluates the same documents.
 */
import {
  azureFirewall,
  keyVault,
  networkInterface,
  networkSecurityGroup,
  routeTable,
  securityRuleObject,
  storageAccount,
  subnet,
  subnetObject,
  virtualMachine,
  virtualNetwork,
  type ArmResource,
  type ResourceOptions,
} from '../../src/testing/resources.js';

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIX: Array<[kind: string, weight: number]> = [
  ['storage', 20],
  ['vm', 15],
  ['nic', 15],
  ['nsg', 12],
  ['vnet', 8],
  ['subnet', 10],
  ['routeTable', 8],
  ['firewall', 2],
  ['keyVault', 10],
];
const TOTAL_WEIGHT = MIX.reduce((s, [, w]) => s + w, 0);
const LOCATIONS = ['westeurope', 'northeurope', 'swedencentral', 'germanywestcentral', 'East US 2', 'uksouth'];

export function syntheticResources(count = 100_000, seed = 20_260_501): ArmResource[] {
  const rnd = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  /** A finding with probability p. */
  const bad = (p = 0.25): boolean => rnd() < p;
  const out: ArmResource[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd() * TOTAL_WEIGHT;
    let kind = 'storage';
    for (const [k, w] of MIX) {
      if (r < w) {
        kind = k;
        break;
      }
      r -= w;
    }
    const sub = `00000000-0000-4000-8000-${String(Math.floor(rnd() * 40)).padStart(12, '0')}`;
    const opts: ResourceOptions = { subscriptionId: sub, location: pick(LOCATIONS), tags: bad(0.3) ? {} : { environment: pick(['prod', 'dev', 'test']), costCenter: String(1000 + (i % 97)) } };
    const n = i.toString(36).padStart(5, '0');
    switch (kind) {
      case 'storage':
        out.push(
          storageAccount(
            {
              minimumTlsVersion: bad(0.2) ? pick(['TLS1_0', 'TLS1_1'] as const) : bad(0.05) ? undefined : 'TLS1_2',
              supportsHttpsTrafficOnly: !bad(0.1),
              allowBlobPublicAccess: bad(0.2) ? true : bad(0.1) ? undefined : false,
              allowSharedKeyAccess: bad(0.3),
              allowCrossTenantReplication: bad(0.1),
              allowedCopyScope: bad(0.2) ? undefined : 'AAD',
              publicNetworkAccess: bad(0.25) ? 'Enabled' : 'Disabled',
              networkAcls: { defaultAction: bad(0.2) ? 'Allow' : 'Deny' },
              encryption: { keySource: bad(0.4) ? 'Microsoft.Storage' : 'Microsoft.Keyvault', requireInfrastructureEncryption: !bad(0.3) },
              sasPolicy: bad(0.3) ? undefined : { sasExpirationPeriod: '1.00:00:00', expirationAction: 'Log' },
            },
            { ...opts, name: `st${n}`, resourceGroup: `rg-data-${i % 50}`, kind: bad(0.05) ? 'BlobStorage' : 'StorageV2' },
          ),
        );
        break;
      case 'vm': {
        const tl = !bad(0.2);
        out.push(
          virtualMachine(
            {
              securityProfile: tl
                ? { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: !bad(0.1), vTpmEnabled: !bad(0.1) }, encryptionAtHost: !bad(0.3) }
                : bad(0.5)
                  ? undefined
                  : { securityType: 'Standard', encryptionAtHost: false },
            },
            { ...opts, name: `vm${n}`, resourceGroup: bad(0.2) ? `rg-app-${i % 30}` : 'rg-vm', os: bad(0.5) ? 'Windows' : 'Linux', identity: bad(0.3) ? undefined : { type: 'SystemAssigned' } },
          ),
        );
        break;
      }
      case 'nic':
        out.push(
          networkInterface(
            {},
            {
              ...opts,
              name: `nic${n}`,
              resourceGroup: `rg-app-${i % 30}`,
              ...(bad(0.15) ? { publicIpId: `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Network/publicIPAddresses/pip${n}` } : {}),
              ...(bad(0.25) ? { applicationSecurityGroupIds: [] } : {}),
            },
          ),
        );
        break;
      case 'nsg': {
        const rules = [];
        if (bad(0.15))
          rules.push(securityRuleObject('Allow-RDP-Internet', { access: 'Allow', direction: 'Inbound', priority: 300, protocol: 'Tcp', sourceAddressPrefix: pick(['*', 'Internet', '0.0.0.0/0']), destinationAddressPrefix: '*', destinationPortRange: pick(['3389', '22', '20-3400']) }));
        if (bad(0.2))
          rules.push(securityRuleObject('Allow-Any-443', { access: 'Allow', direction: 'Inbound', priority: 200, protocol: 'Tcp', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '443' }));
        rules.push(securityRuleObject('Allow-Https-Vnet', { access: 'Allow', direction: 'Inbound', priority: 100, protocol: 'Tcp', sourceAddressPrefix: 'VirtualNetwork', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '443' }));
        if (!bad(0.3)) rules.push(securityRuleObject('DenyAllInbound', { access: 'Deny', direction: 'Inbound', priority: 4096, protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }));
        if (!bad(0.3)) rules.push(securityRuleObject('DenyAllOutbound', { access: 'Deny', direction: 'Outbound', priority: 4096, protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }));
        out.push(networkSecurityGroup({ securityRules: rules }, { ...opts, name: `nsg${n}`, resourceGroup: `rg-net-${i % 20}` }));
        break;
      }
      case 'vnet': {
        const subnets = [];
        const k = 1 + Math.floor(rnd() * 5);
        for (let s = 0; s < k; s++) {
          const special = s === 0 && bad(0.3) ? pick(['GatewaySubnet', 'AzureFirewallSubnet', 'AzureBastionSubnet']) : undefined;
          const name = special ?? `snet-${s}`;
          subnets.push(
            subnetObject(name, `10.${i % 250}.${s}.0/24`, { networkSecurityGroup: bad(0.15) ? undefined : { id: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-${name}` }, routeTable: bad(0.15) ? undefined : { id: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt${n}` } }, undefined, sub),
          );
        }
        out.push(virtualNetwork({ subnets, addressSpace: { addressPrefixes: [`10.${i % 250}.0.0/16`] }, enableDdosProtection: !bad(0.4) }, { ...opts, name: `vnet${n}`, resourceGroup: `rg-net-${i % 20}` }));
        break;
      }
      case 'subnet':
        out.push(
          subnet(
            { networkSecurityGroup: bad(0.2) ? undefined : { id: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg${n}` }, routeTable: bad(0.2) ? undefined : { id: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt${n}` } },
            { ...opts, name: bad(0.1) ? 'GatewaySubnet' : `snet${n}`, parent: `vnet${n}`, resourceGroup: `rg-net-${i % 20}` },
          ),
        );
        break;
      case 'routeTable':
        out.push(
          routeTable(
            {
              disableBgpRoutePropagation: !bad(0.25),
              routes: bad(0.2)
                ? []
                : [{ name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType: bad(0.2) ? 'Internet' : 'VirtualAppliance', ...(bad(0.2) ? {} : { nextHopIpAddress: '10.0.1.4' }) } }],
            },
            { ...opts, name: `rt${n}`, resourceGroup: `rg-net-${i % 20}` },
          ),
        );
        break;
      case 'firewall':
        out.push(
          azureFirewall(
            { sku: { name: 'AZFW_VNet', tier: bad(0.3) ? pick(['Standard', 'Basic'] as const) : 'Premium' }, firewallPolicy: bad(0.2) ? undefined : { id: `/subscriptions/${sub}/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies/afwp${n}` }, threatIntelMode: pick(['Alert', 'Deny', 'Off']) },
            { ...opts, name: `afw${n}`, resourceGroup: 'rg-hub-network' },
          ),
        );
        break;
      default:
        out.push(
          keyVault(
            { enableRbacAuthorization: !bad(0.3), enablePurgeProtection: !bad(0.2), publicNetworkAccess: bad(0.3) ? 'Enabled' : 'Disabled', networkAcls: { defaultAction: bad(0.3) ? 'Allow' : 'Deny' } },
            { ...opts, name: `kv${n}`, resourceGroup: 'rg-security' },
          ),
        );
    }
  }
  return out;
}

/** The synthetic set serialised as one JSON array (the shape `az resource show --ids ...` prints). */
export function syntheticResourcesJson(count = 100_000, seed = 20_260_501): string {
  return JSON.stringify(syntheticResources(count, seed));
}
