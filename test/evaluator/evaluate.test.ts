/** The library contract of evaluatePolicy / compilePolicy (issue 3, "Library API"). */
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, EvaluatorCode } from '../../src/evaluator/index.js';
import { ZtError } from '../../src/errors.js';
import { getBuiltinDefinitionJson } from '../../src/catalog/builtins.js';
import type { PolicyDefinitionInput } from '../../src/evaluator/types.js';

const definition = {
  name: 'zt-test',
  properties: {
    mode: 'All',
    parameters: { effect: { type: 'String', defaultValue: 'Deny', allowedValues: ['Deny', 'Audit', 'Disabled'] } },
    policyRule: { if: { field: 'properties.publicNetworkAccess', notEquals: 'Disabled' }, then: { effect: "[parameters('effect')]" } },
  },
};

describe('evaluatePolicy', () => {
  it('accepts a whole definition, its properties, or a bare policyRule', () => {
    const resource = { type: 'Microsoft.KeyVault/vaults', properties: { publicNetworkAccess: 'Enabled' } };
    expect(evaluatePolicy({ definition, resource }).effect).toBe('deny');
    expect(evaluatePolicy({ definition: definition.properties, resource }).effect).toBe('deny');
    expect(evaluatePolicy({ policyRule: definition.properties.policyRule, resource, parameters: { effect: 'Audit' } }).effect).toBe('audit');
  });
  it('policy() names the definition it evaluates', () => {
    const def = { name: 'zt-x', properties: { policyRule: { if: { value: '[policy().definitionId]', like: '*/policyDefinitions/zt-x' }, then: { effect: 'audit' } } } };
    expect(evaluatePolicy({ definition: def, resource: {} }).effect).toBe('audit');
  });
  it('throws a coded ZtError without a definition or policyRule', () => {
    let err: unknown;
    try {
      evaluatePolicy({ resource: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZtError);
    expect((err as ZtError).code).toBe(EvaluatorCode.ruleShape);
  });
  it('reuses the compiled rule for the same definition object but honours a different clock', () => {
    const rule = { if: { value: '[utcNow()]', less: '2030-01-01T00:00:00Z' }, then: { effect: 'audit' } };
    const at = (iso: string) => evaluatePolicy({ policyRule: rule, resource: {}, options: { now: () => new Date(iso) } }).effect;
    expect(at('2029-01-01T00:00:00Z')).toBe('audit');
    expect(at('2031-01-01T00:00:00Z')).toBeUndefined();
  });
  it('rejects a non-array in/notIn target at compile time', () => {
    expect(() => compilePolicy({ if: { field: 'location', in: 'westeurope' }, then: { effect: 'deny' } })).toThrow(/takes an array/);
  });
  it('rejects resource-provider modes as unsupported offline', () => {
    let code: string | undefined;
    try {
      compilePolicy({ properties: { mode: 'Microsoft.Kubernetes.Data', policyRule: { if: { field: 'type', equals: 'x' }, then: { effect: 'audit' } } } });
    } catch (e) {
      code = (e as ZtError).code;
    }
    expect(code).toBe(EvaluatorCode.unsupportedMode);
  });
});

describe('the default path (issue 10: as fast as the batch path, trace kept)', () => {
  const tls = {
    name: 'zt-tls',
    properties: {
      mode: 'Indexed',
      parameters: { effect: { type: 'String', defaultValue: 'Deny' } },
      policyRule: {
        if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'TLS1_2' }] },
        then: { effect: "[parameters('effect')]" },
      },
    },
  };
  const account = { type: 'Microsoft.Storage/storageAccounts', name: 'st', location: 'westeurope', properties: { minimumTlsVersion: 'TLS1_0' } };

  it('records the trace by default and formats each line when read, also through JSON', () => {
    const r = evaluatePolicy({ definition: tls, resource: account });
    expect(r.effect).toBe('deny');
    expect(r.trace.map((t) => `${t.path}=${t.result}`)).toEqual(['if.allOf[0]=true', 'if.allOf[1]=true', 'if=true']);
    expect(r.trace[1]!.detail).toBe(`field 'Microsoft.Storage/storageAccounts/minimumTlsVersion' = "TLS1_0" notEquals "TLS1_2"`);
    expect(JSON.parse(JSON.stringify(r.trace[0]))).toEqual({ path: 'if.allOf[0]', result: true, detail: `field 'type' = "Microsoft.Storage/storageAccounts" equals "Microsoft.Storage/storageAccounts"` });
  });

  it('decides a resource of a type the rule cannot match as not applicable without running its conditions, and says why', () => {
    const vm = { type: 'Microsoft.Compute/virtualMachines', name: 'vm', location: 'westeurope', properties: {} };
    const r = evaluatePolicy({ definition: tls, resource: vm });
    expect(r).toMatchObject({ effect: undefined, effectAsWritten: 'Deny', declaredEffect: 'deny', matched: false, applicable: false, compliance: 'NotApplicable' });
    expect(r.trace.map((t) => t.detail)).toEqual(['type "Microsoft.Compute/virtualMachines" is not one of the types the rule can match ["microsoft.storage/storageaccounts"]']);
    // With applicability off, Learn's type filter does not apply: the rule runs and finds the VM compliant.
    expect(evaluatePolicy({ definition: tls, resource: vm, options: { applicability: false } })).toMatchObject({ applicable: true, compliance: 'Compliant' });
  });

  it('an effect spelled like an Object.prototype member is an unknown effect, not a function', () => {
    const r = evaluatePolicy({ definition: tls, resource: account, parameters: { effect: 'constructor' } });
    expect(r).toMatchObject({ effect: 'deny', error: { code: EvaluatorCode.badEffect, message: "unknown effect 'constructor'" } });
  });
});

describe('a template expression reading a tag the resource group does not have (issue 10 fidelity follow-up)', () => {
  // Built-in "Inherit a tag from the resource group" (cd3aa116), as vendored: it reads resourceGroup().tags[tagName]
  // before its `notEquals ""` guard, and Azure does not deny every resource of an untagged group with it.
  const inherit = getBuiltinDefinitionJson('cd3aa116-8754-49c9-a813-ad46512ece54') as unknown as PolicyDefinitionInput;
  const resource = { id: '/subscriptions/s/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/st', type: 'Microsoft.Storage/storageAccounts', name: 'st', location: 'westeurope', tags: {} };
  const parameters = { tagName: 'costCenter' };

  it('reads the missing tag as empty: compliant, no error, nothing to modify', () => {
    const r = evaluatePolicy({ definition: inherit, resource, parameters, context: { resourceGroup: { tags: { owner: 'x' } } } });
    expect(r).toMatchObject({ effect: undefined, compliance: 'Compliant', error: undefined });
  });

  it('copies the tag when the group has it', () => {
    const r = evaluatePolicy({ definition: inherit, resource, parameters, context: { resourceGroup: { tags: { costCenter: 'cc-42' } } } });
    expect(r.effect).toBe('modify');
    expect((r.details as { operations: unknown[] }).operations).toMatchObject([{ operation: 'addOrReplace', value: 'cc-42' }]);
  });

  it('any other missing property is still an evaluation error (as in ARM templates; tryGet exists for it)', () => {
    const r = evaluatePolicy({ policyRule: { if: { value: '[resourceGroup().properties.nope]', equals: 'x' }, then: { effect: 'audit' } }, resource });
    expect(r.error).toMatchObject({ code: EvaluatorCode.functionFailed, message: "the language expression property 'nope' doesn't exist" });
  });
});
