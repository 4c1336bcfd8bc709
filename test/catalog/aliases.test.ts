import { describe, expect, it } from 'vitest';
import {
  aliasCatalogFromPolicyAliasJson,
  loadBundledAliases,
  overlayAliasCatalog,
  suggestAlias,
  suggestResourceType,
} from '../../src/catalog/aliases.js';
import { readCsvAliases } from './shared.js';

const csv = readCsvAliases();
const catalog = loadBundledAliases();

describe('bundled alias catalog', () => {
  it('holds every row of aliases-by-resource-type.csv', () => {
    expect(csv).toHaveLength(76_170); // the row count stated in shared/azure/aliases/SOURCES.md
    expect(catalog.size).toBe(csv.length);
    const types = new Set(csv.map((r) => `${r.namespace}/${r.resourceType}`.toLowerCase()));
    expect(catalog.resourceTypes()).toHaveLength(types.size);
    expect(types.size).toBe(1_454);
  });

  it('resolves every CSV row, by its resource type, to the CSV defaultPath', () => {
    const wrong: string[] = [];
    for (const r of csv) {
      const entry = catalog.get(`${r.namespace}/${r.resourceType}`)?.get(r.alias.toLowerCase());
      if (entry?.defaultPath !== r.defaultPath || entry.name.toLowerCase() !== r.alias.toLowerCase()) {
        wrong.push(`${r.namespace}/${r.resourceType} ${r.alias}: ${JSON.stringify(entry)}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('resolves well-known aliases', () => {
    expect(catalog.find('Microsoft.Storage/storageAccounts/minimumTlsVersion')?.defaultPath).toBe('properties.minimumTlsVersion');
    expect(catalog.find('Microsoft.Storage/storageAccounts/networkAcls.defaultAction')?.defaultPath).toBe(
      'properties.networkAcls.defaultAction',
    );
    expect(catalog.get('Microsoft.Network/networkSecurityGroups')?.get('microsoft.network/networksecuritygroups/securityrules[*].access')?.defaultPath).toBe(
      'properties.securityRules[*].properties.access',
    );
    // Key Vault's SKU sits under properties (aliases-and-arrays.md §1)
    expect(catalog.find('Microsoft.KeyVault/vaults/sku.name')?.defaultPath).toBe('properties.sku.name');
  });

  it('matches resource types and alias names case-insensitively', () => {
    const a = catalog.get('MICROSOFT.STORAGE/STORAGEACCOUNTS');
    expect(a).toBe(catalog.get('microsoft.storage/storageaccounts'));
    expect(a?.get('microsoft.storage/storageaccounts/minimumtlsversion')?.name).toBe('Microsoft.Storage/storageAccounts/minimumTlsVersion');
    expect(catalog.find('MICROSOFT.STORAGE/STORAGEACCOUNTS/MINIMUMTLSVERSION')?.resourceType).toBe('Microsoft.Storage/storageAccounts');
    // The API returns this one as microsoft.insights/...; the built-ins use both spellings.
    expect(catalog.find('Microsoft.Insights/diagnosticSettings/logs[*].categoryGroup')?.defaultPath).toBe('properties.logs[*].categoryGroup');
    expect(catalog.canonicalResourceType('microsoft.insights/DIAGNOSTICSETTINGS')).toBe('Microsoft.Insights/diagnosticSettings');
    expect(catalog.get('Microsoft.Nope/things')).toBeUndefined();
    expect(catalog.find('Microsoft.Storage/storageAccounts/noSuchProperty')).toBeUndefined();
  });

  it('keys aliases by resource type: one name, several paths', () => {
    const expected = csv
      .filter((r) => r.alias === 'Microsoft.Compute/imagePublisher')
      .map((r) => [`${r.namespace}/${r.resourceType}`.toLowerCase(), r.defaultPath])
      .sort();
    expect(expected).toHaveLength(3);
    const actual = catalog
      .findAll('microsoft.compute/imagepublisher')
      .map((e) => [e.resourceType.toLowerCase(), e.defaultPath])
      .sort();
    expect(actual).toEqual(expected);
    expect(catalog.get('Microsoft.Compute/disks')?.get('microsoft.compute/imagepublisher')?.defaultPath).toBe(
      'properties.creationData.imageReference.id',
    );
  });

  it('suggests the intended alias for a typo, and nothing for unrelated names', () => {
    expect(suggestAlias('Microsoft.Storage/storageAccounts', 'Microsoft.Storage/storageAccounts/minimumTlsVerson')).toBe(
      'Microsoft.Storage/storageAccounts/minimumTlsVersion',
    );
    expect(suggestAlias('microsoft.storage/storageaccounts', 'Microsoft.Storage/storageAccounts/allowBlobPublicAcess')).toBe(
      'Microsoft.Storage/storageAccounts/allowBlobPublicAccess',
    );
    expect(suggestAlias('Microsoft.Storage/storageAccounts', 'supportsHttpsTraficOnly')).toBe(
      'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly',
    );
    expect(suggestAlias('Microsoft.Storage/storageAccounts', 'Microsoft.Storage/storageAccounts/zzzzzzzz')).toBeUndefined();
    expect(suggestAlias('Microsoft.Nope/things', 'x')).toBeUndefined();
    expect(suggestResourceType('Microsoft.Storage/storageAcounts')).toBe('Microsoft.Storage/storageAccounts');
  });

  it('returns the same cached catalog on every call', () => {
    expect(loadBundledAliases()).toBe(catalog);
  });
});

describe('catalogs from Get-AzPolicyAlias output', () => {
  // Shape of `Get-AzPolicyAlias | ConvertTo-Json -Depth 10` (providers API): our own small sample.
  const dump = [
    {
      namespace: 'Microsoft.Storage',
      resourceTypes: [
        {
          resourceType: 'storageAccounts',
          aliases: [
            {
              name: 'Microsoft.Storage/storageAccounts/accountType',
              paths: [
                { path: 'properties.accountType', apiVersions: ['2015-06-15', '2015-05-01-preview'] },
                { path: 'sku.name', apiVersions: ['2016-01-01'] },
              ],
              defaultPath: 'properties.accountType',
            },
            { name: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', paths: [], defaultPath: 'properties.customTls' },
          ],
        },
      ],
    },
  ];

  it('reads names, default paths and per-api-version paths', () => {
    const c = aliasCatalogFromPolicyAliasJson(dump);
    const e = c.find('microsoft.storage/storageaccounts/accounttype');
    expect(e?.defaultPath).toBe('properties.accountType');
    expect(e?.paths).toEqual([
      { path: 'properties.accountType', apiVersions: ['2015-06-15', '2015-05-01-preview'] },
      { path: 'sku.name', apiVersions: ['2016-01-01'] },
    ]);
  });

  it('wins over the bundled catalog for the aliases it defines, and leaves the rest', () => {
    const merged = overlayAliasCatalog(aliasCatalogFromPolicyAliasJson(dump), catalog);
    expect(merged.find('Microsoft.Storage/storageAccounts/minimumTlsVersion')?.defaultPath).toBe('properties.customTls');
    expect(merged.find('Microsoft.Storage/storageAccounts/allowBlobPublicAccess')?.defaultPath).toBe('properties.allowBlobPublicAccess');
    // A type the dump does not name keeps every bundled alias (the VM catalog has hundreds; the dump has none).
    const vmAliases = (c: typeof catalog) => [...(c.get('Microsoft.Compute/virtualMachines')?.keys() ?? [])];
    expect(vmAliases(merged)).toContain('microsoft.compute/virtualmachines/storageprofile.osdisk.manageddisk.id');
    expect(vmAliases(merged).length).toBeGreaterThan(100);
    expect(vmAliases(merged)).toEqual(vmAliases(catalog));
    expect(merged.canonicalResourceType('microsoft.storage/storageaccounts')).toBe('Microsoft.Storage/storageAccounts');
  });

  it('rejects malformed input naming the JSON path', () => {
    expect(() => aliasCatalogFromPolicyAliasJson([{ namespace: 'X', resourceTypes: [{ resourceType: 'y', aliases: [{}] }] }], 'my.json')).toThrow(
      'my.json[0].resourceTypes[0].aliases[0]: expected an alias with a string name',
    );
    expect(() => aliasCatalogFromPolicyAliasJson({ foo: 1 }, 'my.json')).toThrow('my.json: expected { namespace');
  });
});
