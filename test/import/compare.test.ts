/**
 * The round-trip comparison must find real differences (else the ALZ round trip proves nothing) and accept only
 * the spellings Azure reads the same (documented in src/import/compare.ts).
 */
import { describe, expect, it } from 'vitest';
import { compareDefinition, compareInitiative } from '../../src/import/compare.js';

const base = {
  displayName: 'd',
  description: 'x',
  mode: 'Indexed',
  metadata: { version: '1.0.0', category: 'Storage', source: 'https://example' },
  parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny'], defaultValue: 'Deny' } },
  policyRule: {
    if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', exists: 'false' }] },
    then: {
      effect: "[parameters('effect')]",
      details: { type: 'Microsoft.Insights/diagnosticSettings', deployment: { properties: { mode: 'incremental', template: { resources: [{ name: "[parameters('x')]" }] } } } },
    },
  },
};
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('round-trip comparison', () => {
  it('accepts the canonical spellings Azure reads alike', () => {
    const b = clone(base) as Record<string, any>;
    b['mode'] = 'indexed';
    b['parameters'].effect.type = 'string';
    b['metadata'].ztpolicy = { controlId: 'x' }; // the compiler's own block may be added
    b['policyRule'].if = { allof: [{ field: 'TYPE', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'microsoft.storage/storageaccounts/minimumtlsversion', Exists: false }] };
    b['policyRule'].then.effect = "[ parameters( 'effect' ) ]";
    b['policyRule'].then.details.deployment.properties.mode = 'Incremental';
    expect(compareDefinition(base, b)).toEqual([]);
  });

  it('finds a changed target, a lost metadata key, a parameter change and a changed ARM template string', () => {
    const b = clone(base) as Record<string, any>;
    b['policyRule'].if.allOf[0].equals = 'Microsoft.Storage/storageAccounts/blobServices';
    delete b['metadata'].source;
    b['parameters'].effect.defaultValue = 'Audit';
    b['policyRule'].then.details.deployment.properties.template.resources[0].name = "[parameters('X')]";
    expect(compareDefinition(base, b)).toEqual([
      '$.properties.parameters.effect.defaultValue: "Deny" != "Audit"',
      '$.properties.metadata.source: "https://example" != undefined',
      '$.properties.policyRule.if.allOf[0].equals: "Microsoft.Storage/storageAccounts" != "Microsoft.Storage/storageAccounts/blobServices"',
      // Inside the template the values are ARM's, compared exactly.
      `$.properties.policyRule.then.details.deployment.properties.template.resources[0].name: "[parameters('x')]" != "[parameters('X')]"`,
    ]);
  });

  it('finds a missing condition, a changed operator and an effect that is no longer a parameter', () => {
    const b = clone(base) as Record<string, any>;
    b['policyRule'].if.allOf.pop();
    b['policyRule'].then.effect = 'deny';
    expect(compareDefinition(base, b)).toEqual([
      '$.properties.policyRule.if.allOf: 2 items != 1 items',
      `$.properties.policyRule.then.effect: "[parameters('effect')]" != "deny"`,
    ]);
    const c = clone(base) as Record<string, any>;
    c['policyRule'].if.allOf[1] = { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'false' };
    expect(compareDefinition(base, c)).toEqual([
      '$.properties.policyRule.if.allOf[1].exists: missing after the round trip',
      '$.properties.policyRule.if.allOf[1].notEquals: missing in the source',
    ]);
  });

  it('compares initiative members by name, reference id, version pin and parameter values', () => {
    const src = {
      displayName: 'i',
      description: '',
      metadata: { version: '1.0.0', category: 'c' },
      policyDefinitions: [
        { policyDefinitionId: '/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyDefinitions/Deny-X', policyDefinitionReferenceId: 'Deny-X', definitionVersion: '1.*.*', groupNames: [], parameters: { effect: { value: "[parameters('e')]" } } },
        { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54', policyDefinitionReferenceId: 'b' },
      ],
    };
    const same = clone(src) as Record<string, any>;
    same['policyDefinitions'][0].policyDefinitionId = '/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/Deny-X';
    delete same['policyDefinitions'][0].groupNames;
    same['policyDefinitions'][1].definitionVersion = '1.*.*'; // ztpolicy's pin of a built-in the source left unpinned
    expect(compareInitiative(src, same)).toEqual([]);
    const other = clone(same) as Record<string, any>;
    other['policyDefinitions'][0].definitionVersion = '2.*.*';
    other['policyDefinitions'][0].parameters.effect.value = "[parameters('f')]";
    other['policyDefinitions'][1].policyDefinitionId = '/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54';
    expect(compareInitiative(src, other)).toEqual([
      '$.properties.policyDefinitions[0].definitionVersion: 1.*.* != 2.*.*',
      `$.properties.policyDefinitions[0].parameters.effect.value: "[parameters('e')]" != "[parameters('f')]"`,
      '$.properties.policyDefinitions[1].policyDefinitionId: /providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54 != /providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54',
    ]);
  });
});
