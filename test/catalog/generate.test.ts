import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { camelKey, deterministicGzip, generate, groupAliases, parseCsv } from '../../src/catalog/generate.js';
import { repoRoot } from '../helpers/cli.js';
import { sharedAzure } from './shared.js';

const catalogDir = join(repoRoot, 'src', 'catalog');

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe('catalog generator', () => {
  const out = mkdtempSync(join(tmpdir(), 'ztpolicy-catalog-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  // The committed files came from an earlier run, so equality also proves that re-runs are byte-identical.
  it('reproduces the committed generated/ and data/ files byte for byte', () => {
    const first = generate({ sharedAzure, outDir: out });
    expect(first.aliasRows).toBe(76_170);
    for (const sub of ['generated', 'data']) {
      const produced = listFiles(join(out, sub)).sort();
      expect(produced).toEqual(listFiles(join(catalogDir, sub)).sort());
      for (const f of produced) {
        const same = readFileSync(join(out, sub, f)).equals(readFileSync(join(catalogDir, sub, f)));
        expect(same, `${sub}/${f} differs from a fresh generator run: re-run node --import tsx src/catalog/generate.ts`).toBe(true);
      }
    }
  }, 120_000);

  it('parses RFC 4180 quoting when a refreshed CSV needs it', () => {
    expect(parseCsv('a,b\n"x,1","say ""hi"""\r\nlast,')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['last', ''],
    ]);
    expect(parseCsv('a,b\nc,d\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('writes gzip with a fixed header that gunzips to the input', () => {
    const gz = deterministicGzip('hello\n');
    expect(gz[9]).toBe(3); // OS = Unix on every platform
    expect(gz.readUInt32LE(4)).toBe(0); // no mtime
    expect(gunzipSync(gz).toString('utf8')).toBe('hello\n');
  });

  it('makes camelCase keys from display names', () => {
    expect(camelKey('Storage accounts should prevent shared key access')).toBe('storageAccountsShouldPreventSharedKeyAccess');
    expect(camelKey('[Preview]: Azure Key Vault should use RBAC')).toBe('previewAzureKeyVaultShouldUseRbac');
    expect(camelKey('SQL servers should use TLS 1.2')).toBe('sqlServersShouldUseTls12');
    expect(camelKey('Déployer 2 règles')).toBe('deployer2Regles');
    expect(camelKey('1 owner')).toBe('p1Owner');
  });

  it('spells each resource type the way most of its aliases do and aligns alias prefixes to it', () => {
    const groups = groupAliases([
      { namespace: 'microsoft.insights', resourceType: 'diagnosticSettings', alias: 'Microsoft.Insights/diagnosticSettings/workspaceId', defaultPath: 'properties.workspaceId' },
      { namespace: 'microsoft.insights', resourceType: 'diagnosticSettings', alias: 'Microsoft.Insights/diagnosticSettings/logs[*]', defaultPath: 'properties.logs[*]' },
      { namespace: 'microsoft.insights', resourceType: 'diagnosticSettings', alias: 'microsoft.insights/diagnosticSettings/logs[*].categoryGroup', defaultPath: 'properties.logs[*].categoryGroup' },
      { namespace: 'Microsoft.Compute', resourceType: 'disks', alias: 'Microsoft.Compute/imagePublisher', defaultPath: 'properties.creationData.imageReference.id' },
    ]);
    expect(groups.map((g) => g.type)).toEqual(['Microsoft.Compute/disks', 'Microsoft.Insights/diagnosticSettings']);
    expect(groups[1]!.aliases.map(([n]) => n)).toEqual([
      'Microsoft.Insights/diagnosticSettings/workspaceId',
      'Microsoft.Insights/diagnosticSettings/logs[*]',
      'Microsoft.Insights/diagnosticSettings/logs[*].categoryGroup',
    ]);
    expect(groups[0]!.aliases).toEqual([['Microsoft.Compute/imagePublisher', 'properties.creationData.imageReference.id']]);
  });
});
