import { describe, expect, it } from 'vitest';
import { diffFields, incompatibleParameterChanges, normalizeAssignment, normalizeDefinition, normalizeSetDefinition } from '../../src/publisher/normalize.js';

describe('normalized comparison', () => {
  const desired = {
    displayName: 'd',
    description: 'x',
    mode: 'Indexed',
    policyType: 'Custom',
    metadata: { category: 'Zero Trust', ztpolicyOwner: 'o' },
    parameters: { effect: { type: 'String', defaultValue: 'Audit' } },
    policyRule: { if: { field: 'type', equals: 'a' }, then: { effect: "[parameters('effect')]" } },
  };

  it('ignores what ARM adds on GET to a definition (createdBy/On, updatedBy/On, version default, empty parameter metadata)', () => {
    const live = {
      ...desired,
      version: '1.0.0',
      versions: ['1.0.0'],
      metadata: { ...desired.metadata, createdBy: 'u', createdOn: '2026-01-01T00:00:00Z', updatedBy: 'u', updatedOn: '2026-01-02T00:00:00Z' },
      parameters: { effect: { type: 'String', defaultValue: 'Audit', metadata: {} } },
    };
    expect(normalizeDefinition(live, desired)).toEqual(normalizeDefinition(desired));
    // ...and the normal form still holds what was authored (a normalization that erased everything would pass above).
    expect(normalizeDefinition(desired)).toMatchObject({ displayName: 'd', mode: 'Indexed', policyRule: desired.policyRule, parameters: { effect: { defaultValue: 'Audit' } } });
    expect(normalizeDefinition({ ...live, displayName: 'changed' }, desired)).not.toEqual(normalizeDefinition(desired));
  });

  it('treats member ids in another casing and server-resolved definitionVersion as equal', () => {
    const id = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/zt-a';
    const d = { displayName: 's', metadata: {}, policyDefinitions: [{ policyDefinitionId: id, policyDefinitionReferenceId: 'a' }] };
    const l = { ...d, policyDefinitions: [{ policyDefinitionId: id.toLowerCase(), policyDefinitionReferenceId: 'a', definitionVersion: '1.*.*', parameters: {}, groupNames: [] }], policyDefinitionGroups: [] };
    expect(normalizeSetDefinition(l, d)).toEqual(normalizeSetDefinition(d));
    // ...but not a different member (guards against a normalization that erases everything).
    const other = { ...d, policyDefinitions: [{ policyDefinitionId: id.replace(/zt-a$/, 'zt-b'), policyDefinitionReferenceId: 'a' }] };
    expect(normalizeSetDefinition(other)).not.toEqual(normalizeSetDefinition(d));
  });

  it('treats ARM’s assignment defaults (notScopes [], enforcementMode Default, assignedBy) as unchanged', () => {
    const props = { displayName: 'a', policyDefinitionId: '/X', metadata: { ztpolicyOwner: 'o' } };
    const live = { ...props, notScopes: [], enforcementMode: 'Default', scope: '/providers/x', metadata: { ztpolicyOwner: 'o', assignedBy: 'me', createdOn: 'now' } };
    expect(normalizeAssignment({ identityType: 'SystemAssigned', location: 'West Europe', properties: live })).toEqual(
      normalizeAssignment({ identityType: 'SystemAssigned', location: 'westeurope', properties: props }),
    );
    // ...while a real non-default value still differs (DoNotEnforce is not the Default enforcement mode).
    expect(normalizeAssignment({ identityType: 'SystemAssigned', location: 'westeurope', properties: { ...props, enforcementMode: 'DoNotEnforce' } })).not.toEqual(
      normalizeAssignment({ identityType: 'SystemAssigned', location: 'westeurope', properties: props }),
    );
  });

  it('still sees a real change, with a readable path', () => {
    const changed = { ...desired, parameters: { effect: { type: 'String', defaultValue: 'Deny' } } };
    expect(diffFields(normalizeDefinition(desired), normalizeDefinition(changed))).toEqual([
      { path: '$.parameters.effect.defaultValue', before: 'Audit', after: 'Deny' },
    ]);
  });

  it('flags the parameter changes Azure rejects in place and only those', () => {
    const live = { effect: { type: 'String' }, tls: { type: 'String' } };
    expect(incompatibleParameterChanges(live, { effect: { type: 'String' } })).toEqual(["parameter 'tls' removed"]);
    expect(incompatibleParameterChanges(live, { effect: { type: 'String' }, tls: { type: 'Array' } })[0]).toMatch(/type changed/);
    expect(incompatibleParameterChanges(live, { ...live, extra: { type: 'String' } })[0]).toMatch(/no defaultValue/);
    expect(incompatibleParameterChanges(live, { ...live, extra: { type: 'String', defaultValue: 'x' } })).toEqual([]);
    expect(incompatibleParameterChanges(live, { EFFECT: { type: 'string' }, tls: { type: 'String', allowedValues: ['a'] } })).toEqual([]);
  });
});
