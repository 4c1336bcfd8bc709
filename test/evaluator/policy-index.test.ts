import { describe, expect, it } from 'vitest';
import { compilePolicy, createPolicyIndex } from '../../src/evaluator/index.js';

const typed = (type: string, effect = 'deny') => ({ if: { allOf: [{ field: 'type', equals: type }, { field: 'location', notEquals: 'westeurope' }] }, then: { effect } });

describe('createPolicyIndex', () => {
  const policies = [
    compilePolicy(typed('Microsoft.Storage/storageAccounts'), { trace: false }),
    compilePolicy({ if: { anyOf: [{ field: 'type', equals: 'Microsoft.Network/virtualNetworks' }, { field: 'type', in: ['Microsoft.Network/networkInterfaces'] }] }, then: { effect: 'audit' } }, { trace: false }),
    compilePolicy({ if: { field: 'tags.owner', exists: false }, then: { effect: 'audit' } }, { trace: false }),
  ];
  const index = createPolicyIndex(policies);

  it('derives the resource types a rule can match from literal type conditions', () => {
    expect(policies[0]!.resourceTypes).toEqual(['microsoft.storage/storageaccounts']);
    expect(policies[1]!.resourceTypes).toEqual(['microsoft.network/virtualnetworks', 'microsoft.network/networkinterfaces']);
    expect(policies[2]!.resourceTypes).toBeUndefined();
  });

  it('offers a resource only the policies of its type plus the type-agnostic ones', () => {
    expect(index.candidates('MICROSOFT.STORAGE/storageAccounts')).toEqual([0, 2]);
    expect(index.candidates('Microsoft.Network/networkInterfaces')).toEqual([1, 2]);
    expect(index.candidates('Microsoft.Compute/virtualMachines')).toEqual([2]);
  });

  it('gives the same answers as evaluating every policy, for the applicable ones', () => {
    const resources = [
      { type: 'Microsoft.Storage/storageAccounts', location: 'eastus', tags: { owner: 'a' } },
      { type: 'Microsoft.Network/virtualNetworks', location: 'westeurope' },
      { type: 'Microsoft.Compute/virtualMachines', location: 'eastus' },
    ];
    for (const r of resources) {
      const viaIndex = index.evaluateAll(r).map((x) => [x.policyIndex, x.effect]);
      const direct = policies.map((p, i) => [i, p.evaluate(r)] as const).filter(([, x]) => x.applicable).map(([i, x]) => [i, x.effect]);
      expect(viaIndex).toEqual(direct);
    }
    // the type-agnostic policy applies to every resource (no type condition) and is compliant here
    expect(index.evaluateAll(resources[0]).map((x) => [x.effect, x.compliance])).toEqual([['deny', 'NonCompliant'], [undefined, 'Compliant']]);
  });

  it('reports a policy that cannot be evaluated through onPolicyError and goes on with the others', () => {
    const needsValue = compilePolicy({ properties: { parameters: { loc: { type: 'String' } }, policyRule: { if: { field: 'location', equals: "[parameters('loc')]" }, then: { effect: 'audit' } } } });
    const idx = createPolicyIndex([needsValue, policies[2]!]);
    expect(() => idx.evaluateAll({ location: 'x' })).toThrow(/no value/);
    const failed: number[] = [];
    const out = idx.evaluateAll({ location: 'x' }, { onPolicyError: (_e, _p, i) => failed.push(i) });
    expect(failed).toEqual([0]);
    expect(out.map((r) => r.policyIndex)).toEqual([1]);
  });

  it('passes per-policy parameters when given a function', () => {
    const p = compilePolicy({ properties: { parameters: { loc: { type: 'String' } }, policyRule: { if: { field: 'location', equals: "[parameters('loc')]" }, then: { effect: 'audit' } } } });
    const idx = createPolicyIndex([p, p]);
    const out = idx.evaluateAll({ location: 'x' }, { parameters: (_p, i) => ({ loc: i === 0 ? 'x' : 'y' }) });
    expect(out.map((r) => r.effect)).toEqual(['audit', undefined]);
  });
});
