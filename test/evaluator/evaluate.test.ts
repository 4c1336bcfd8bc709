/** The library contract of evaluatePolicy / compilePolicy (issue 3, "Library API"). */
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, EvaluatorCode } from '../../src/evaluator/index.js';
import { ZtError } from '../../src/errors.js';

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
