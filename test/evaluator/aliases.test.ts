import { describe, expect, it } from 'vitest';
import { aliasPathFor, aliasSourceFromJson, layeredAliasSource } from '../../src/evaluator/aliases.js';
import { ZtError } from '../../src/errors.js';

const dump = [
  {
    namespace: 'Microsoft.Storage',
    resourceTypes: [
      {
        resourceType: 'storageAccounts',
        capabilities: 'SupportsTags, SupportsLocation',
        aliases: [
          {
            name: 'Microsoft.Storage/storageAccounts/accountType',
            defaultPath: 'properties.accountType',
            paths: [
              { path: 'properties.accountType', apiVersions: ['2015-06-15'] },
              { path: 'sku.name', apiVersions: ['2016-01-01', '2018-11-01'] },
            ],
            defaultMetadata: { type: 'String', attributes: 'None' },
          },
          { name: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', defaultPath: 'properties.minimumTlsVersion', paths: [], defaultMetadata: { attributes: 'Modifiable' } },
        ],
      },
    ],
  },
];

describe('alias catalogs (Get-AzPolicyAlias JSON)', () => {
  it('reads types, capabilities, per-api-version paths and the Modifiable attribute, case-insensitively', () => {
    const src = aliasSourceFromJson(dump);
    const t = src.getType('microsoft.storage/STORAGEACCOUNTS')!;
    expect(t.capabilities).toBe('SupportsTags, SupportsLocation');
    const a = t.aliases.get('microsoft.storage/storageaccounts/accounttype')!;
    expect(aliasPathFor(a, '2018-11-01')).toBe('sku.name');
    expect(aliasPathFor(a, '2015-06-15')).toBe('properties.accountType');
    expect(aliasPathFor(a, '2023-01-01')).toBe('properties.accountType'); // unlisted version: defaultPath
    expect(a.modifiable).toBe(false);
    expect(src.findAlias('MICROSOFT.STORAGE/storageAccounts/minimumTlsVersion')!.modifiable).toBe(true);
  });
  it('accepts the REST { value: [...] } envelope and rejects other shapes with a coded error', () => {
    // The envelope gives the same answers as the bare array it wraps.
    const wrapped = aliasSourceFromJson({ value: dump });
    expect(wrapped.findAlias('Microsoft.Storage/storageAccounts/minimumTlsVersion')?.defaultPath).toBe('properties.minimumTlsVersion');
    expect(wrapped.getType('Microsoft.Storage/storageAccounts')?.aliases.size).toBe(aliasSourceFromJson(dump).getType('Microsoft.Storage/storageAccounts')?.aliases.size);
    for (const bad of [{}, [{ namespace: 'X' }], [{ namespace: 'X', resourceTypes: [{ aliases: [] }] }]]) {
      let err: unknown;
      try {
        aliasSourceFromJson(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ZtError);
      expect((err as ZtError).code).toBe('ZT5006');
    }
  });
  it('layering: the first catalog wins for every alias it defines, the rest fill in', () => {
    const own = aliasSourceFromJson([
      { namespace: 'Microsoft.Storage', resourceTypes: [{ resourceType: 'storageAccounts', aliases: [{ name: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', defaultPath: 'properties.tls' }] }] },
    ]);
    const both = layeredAliasSource([own, aliasSourceFromJson(dump)]);
    const t = both.getType('Microsoft.Storage/storageAccounts')!;
    expect(t.aliases.get('microsoft.storage/storageaccounts/minimumtlsversion')!.defaultPath).toBe('properties.tls');
    expect(t.aliases.get('microsoft.storage/storageaccounts/accounttype')!.defaultPath).toBe('properties.accountType');
    expect(t.capabilities).toBe('SupportsTags, SupportsLocation');
  });
});
