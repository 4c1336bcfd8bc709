/** Applying modify/append results, with the array rules of Learn's "Modifying arrays" table. */
import { describe, expect, it } from 'vitest';
import { aliasSourceFromJson } from '../../src/evaluator/aliases.js';
import { applyMutations } from '../../src/evaluator/mutate.js';
import { evaluatePolicy } from '../../src/evaluator/index.js';

const aliases = aliasSourceFromJson([
  {
    namespace: 'Microsoft.Storage',
    resourceTypes: [
      {
        resourceType: 'storageAccounts',
        aliases: [
          { name: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules', defaultPath: 'properties.networkAcls.ipRules' },
          { name: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]', defaultPath: 'properties.networkAcls.ipRules[*]' },
          { name: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*].action', defaultPath: 'properties.networkAcls.ipRules[*].action' },
          { name: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', defaultPath: 'properties.minimumTlsVersion' },
        ],
      },
    ],
  },
]);
const account = () => ({
  type: 'Microsoft.Storage/storageAccounts',
  tags: { env: 'dev' },
  properties: { minimumTlsVersion: 'TLS1_0', networkAcls: { ipRules: [{ value: '1.1.1.1', action: 'Allow' }, { value: '2.2.2.2', action: 'Allow' }] } },
});
const ops = (...operations: { operation: 'add' | 'addOrReplace' | 'remove'; field: string; value?: unknown }[]) => ({ effect: 'modify' as const, details: { operations } });
const rules = (r: Record<string, unknown>) => ((r['properties'] as Record<string, unknown>)['networkAcls'] as { ipRules: unknown[] }).ipRules;

describe('applyMutations', () => {
  it('tags: addOrReplace sets, add keeps an existing value, remove deletes; tags are created when absent', () => {
    const { resource } = applyMutations(account(), ops({ operation: 'addOrReplace', field: "tags['env']", value: 'prod' }, { operation: 'add', field: 'tags.owner', value: 'me' }));
    expect(resource['tags']).toEqual({ env: 'prod', owner: 'me' });
    const kept = applyMutations(account(), ops({ operation: 'add', field: "tags['ENV']", value: 'prod' }));
    expect(kept.resource['tags']).toEqual({ env: 'dev' });
    expect(kept.skipped).toHaveLength(1);
    expect(applyMutations(account(), ops({ operation: 'remove', field: "tags['env']" })).resource['tags']).toEqual({});
    const { tags: _t, ...untagged } = account();
    expect(applyMutations(untagged, ops({ operation: 'add', field: "tags['env']", value: 'x' })).resource['tags']).toEqual({ env: 'x' });
  });
  it('[*] with add appends a member; with addOrReplace it replaces every member', () => {
    const member = { value: '3.3.3.3', action: 'Allow' };
    expect(rules(applyMutations(account(), ops({ operation: 'add', field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]', value: member }), { aliases }).resource)).toHaveLength(3);
    expect(rules(applyMutations(account(), ops({ operation: 'addOrReplace', field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]', value: member }), { aliases }).resource)).toEqual([member]);
  });
  it('[*].prop sets the property on every member; the whole-array alias replaces the array', () => {
    const every = applyMutations(account(), ops({ operation: 'addOrReplace', field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*].action', value: 'Deny' }), { aliases });
    expect(rules(every.resource).map((r) => (r as { action: string }).action)).toEqual(['Deny', 'Deny']);
    const whole = applyMutations(account(), ops({ operation: 'addOrReplace', field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules', value: [] }), { aliases });
    expect(rules(whole.resource)).toEqual([]);
  });
  it('skips a property whose parent object is absent, and never changes the input', () => {
    const input = account();
    const out = applyMutations(input, ops({ operation: 'addOrReplace', field: 'properties.encryption.keySource', value: 'x' }));
    expect(out.skipped.map((s) => s.field)).toEqual(['properties.encryption.keySource']);
    expect(input.tags).toEqual({ env: 'dev' });
  });
  it('applies what a modify policy decided, so deny policies can be re-evaluated on the result', () => {
    const modify = evaluatePolicy({
      policyRule: {
        if: { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'TLS1_2' },
        then: { effect: 'modify', details: { roleDefinitionIds: [], operations: [{ operation: 'addOrReplace', field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', value: 'TLS1_2' }] } },
      },
      resource: account(),
      aliases: [{ namespace: 'Microsoft.Storage', resourceTypes: [{ resourceType: 'storageAccounts', aliases: [{ name: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', defaultPath: 'properties.minimumTlsVersion' }] }] }],
    });
    const { resource } = applyMutations(account(), modify, { aliases });
    expect((resource['properties'] as { minimumTlsVersion: string }).minimumTlsVersion).toBe('TLS1_2');
  });
});
