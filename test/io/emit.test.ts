import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderGenerated, type BuiltinSummaryInfo, type EmittedDefinition, type EmittedInitiative } from '../../src/io/emit.js';
import type { PolicyDefinitionDocument } from '../../src/model.js';

const CONTRIBUTOR = '/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c';
const BUILTIN = '/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9';
// 3cf2ab00 declares no parameters: its modify effect is fixed.
const FIXED = '/providers/Microsoft.Authorization/policyDefinitions/3cf2ab00-13f1-4d0c-8971-2ac904541a7e';
const mg = (n: string) => `/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/${n}`;

function def(name: string, then: Record<string, unknown>, params: PolicyDefinitionDocument['properties']['parameters'] = {}): EmittedDefinition {
  return {
    unit: 'storage',
    controlId: name.slice(0, 9).toUpperCase(),
    file: `policyDefinitions/storage/${name}.json`,
    document: {
      name,
      properties: {
        displayName: `Display ${name}`,
        description: 'd',
        policyType: 'Custom',
        mode: 'Indexed',
        metadata: { version: '1.0.0' },
        parameters: params,
        policyRule: { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: then as never },
      },
    },
  };
}

const deny = def('zt-stg-02-b', { effect: "[parameters('effect')]" }, { effect: { type: 'String', allowedValues: ['Audit', 'Deny'], defaultValue: 'Deny' } });
const dine = def('zt-stg-01-a', { effect: 'deployIfNotExists', details: { type: 'X/y', roleDefinitionIds: [CONTRIBUTOR], deployment: { properties: {} } } });
const initiative: EmittedInitiative = {
  file: 'policySetDefinitions/zt-storage.json',
  assignmentName: 'zt-storage',
  notes: ['The publisher also writes these plans directly.'],
  builtins: new Map<string, BuiltinSummaryInfo>([
    [
      BUILTIN.toLowerCase(),
      {
        id: BUILTIN,
        displayName: 'Secure transfer',
        deprecated: true,
        effects: ['audit', 'deny'],
        roleDefinitionIds: [],
        version: '2.0.0',
        definitionParameters: { effect: { defaultValue: 'Audit' }, minimumTls: { defaultValue: 'TLS1_2' } },
        effectExpression: "[parameters('effect')]",
      },
    ],
    [
      FIXED.toLowerCase(),
      { id: FIXED, displayName: 'Add identity', deprecated: false, effects: ['modify'], roleDefinitionIds: [], version: '4.1.0', definitionParameters: {}, effectExpression: 'modify' },
    ],
  ]),
  document: {
    name: 'zt-storage',
    properties: {
      displayName: 'Zero Trust: storage',
      description: 'Storage | controls',
      policyType: 'Custom',
      metadata: { version: '2.1.0' },
      parameters: { storageEffect: { type: 'String', allowedValues: ['Audit', 'Deny'], defaultValue: 'Audit' } },
      policyDefinitionGroups: [{ name: 'assume-breach', displayName: 'Assume breach' }],
      policyDefinitions: [
        { policyDefinitionId: mg('zt-stg-02-b'), policyDefinitionReferenceId: 'zt-stg-02-b', parameters: { effect: { value: "[parameters('storageEffect')]" } }, groupNames: ['assume-breach'] },
        { policyDefinitionId: mg('zt-stg-01-a'), policyDefinitionReferenceId: 'zt-stg-01-a', groupNames: ['assume-breach'] },
        { policyDefinitionId: BUILTIN, policyDefinitionReferenceId: 'secure-transfer', definitionVersion: '2.*.*' },
        { policyDefinitionId: FIXED, policyDefinitionReferenceId: 'add-identity', definitionVersion: '4.*.*' },
      ],
    },
  },
};

describe('renderGenerated', () => {
  const files = renderGenerated([deny, dine], [initiative]);

  it('lays out the tree sorted by path, with the manifest hashing each file', () => {
    expect([...files.keys()]).toEqual([
      'manifest.json',
      'policyDefinitions/storage/zt-stg-01-a.json',
      'policyDefinitions/storage/zt-stg-02-b.json',
      'policySetDefinitions/zt-storage.json',
      'summaries/zt-storage.md',
    ]);
    const manifest = JSON.parse(files.get('manifest.json')!) as { schemaVersion: number; definitions: Array<{ name: string; file: string; sha256: string; roleDefinitionIds: string[] }>; initiatives: Array<{ customMembers: string[]; builtinMembers: string[]; sha256: string }> };
    expect(manifest.schemaVersion).toBe(1);
    expect(manifest.definitions.map((d) => d.name)).toEqual(['zt-stg-01-a', 'zt-stg-02-b']);
    for (const d of manifest.definitions) expect(d.sha256).toBe(createHash('sha256').update(files.get(d.file)!).digest('hex'));
    expect(manifest.definitions[0]!.roleDefinitionIds).toEqual([CONTRIBUTOR]);
    expect(manifest.initiatives[0]).toMatchObject({ customMembers: ['zt-stg-01-a', 'zt-stg-02-b'], builtinMembers: [FIXED, BUILTIN] }); // sorted
    // The roles and the tested version of built-in members are recorded too.
    expect(manifest.initiatives[0]).toMatchObject({
      builtinDetails: [
        { id: FIXED, testedVersion: '4.1.0', roleDefinitionIds: [] },
        { id: BUILTIN, testedVersion: '2.0.0', roleDefinitionIds: [] },
      ],
    });
  });

  it('writes canonical JSON (sorted keys, 2-space indent, one trailing LF)', () => {
    const text = files.get('policyDefinitions/storage/zt-stg-02-b.json')!;
    expect(text.startsWith('{\n  "name": "zt-stg-02-b",\n  "properties": {\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('summarises members, effects, parameters, groups and the roles of the assignment identity', () => {
    const md = files.get('summaries/zt-storage.md')!;
    expect(md).toContain('# zt-storage: Zero Trust: storage');
    expect(md).toContain('Storage \\| controls'); // table-safe
    expect(md).toContain('- Version: 2.1.0');
    // Values in force: from the initiative parameter's default, a fixed effect, a built-in's own defaults.
    expect(md).toMatch(/\| zt-stg-02-b \| zt-stg-02-b: Display zt-stg-02-b \| custom \(storage\) \| Audit \(initiative parameter storageEffect\) \|/);
    expect(md).toMatch(/\| zt-stg-01-a \| .* \| deployIfNotExists \(fixed: the definition has no effect parameter\) \|/);
    expect(md).toMatch(/\| secure-transfer \| Secure transfer .* \| built-in 2\.0\.0 tested, pinned 2\.\*\.\*, DEPRECATED \| Audit \(definition default\) \| {2}\| minimumTls = TLS1_2 \(definition default\) \|/);
    // A built-in without an effect parameter is shown as fixed, not as a default an assignment could change.
    expect(md).toMatch(/\| add-identity \| Add identity .* \| built-in 4\.1\.0 tested, pinned 4\.\*\.\* \| modify \(fixed: the definition has no effect parameter\) \|/);
    expect(md).toContain('the publisher fills in `{managementGroupId}` with the target management group');
    expect(md).toContain('## Notes for reviewers\n\n- The publisher also writes these plans directly.\n');
    expect(md).toContain('| storageEffect | String | "Audit" | "Audit", "Deny" |');
    expect(md).toContain('- `assume-breach`: Assume breach (2 members)');
    expect(md).toContain('- Contributor (`b24988ac-6180-42a0-ab88-20f7382dd24c`), for zt-stg-01-a');
    expect(md.endsWith('\n') && !md.endsWith('\n\n')).toBe(true);
  });

  it('is deterministic regardless of input order', () => {
    const again = renderGenerated([dine, deny], [initiative]);
    expect([...again]).toEqual([...files]);
  });
});
