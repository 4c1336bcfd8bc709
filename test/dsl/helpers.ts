/** Builds a throw-away storage control around a condition/effect and returns the compiled document. */
import { compileControl, type CompiledControl } from '../../src/compiler/index.js';
import {
  audit,
  defineControl,
  param,
  type Condition,
  type Effect,
  type FieldFn,
  type ParamRefs,
  type RuleContext,
} from '../../src/dsl/index.js';

const parameters = {
  effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
  names: param.array({ defaultValue: ['a', 'b'] }),
  tagName: param.string({ defaultValue: 'env' }),
  limit: param.integer({ defaultValue: 3 }),
};
type P = typeof parameters;
type T = 'Microsoft.Storage/storageAccounts';

export function compileWith(
  build: (ctx: RuleContext<T, P> & { field: FieldFn<T>; p: ParamRefs<P> }) => { if: Condition; then?: Effect },
): CompiledControl {
  const control = defineControl({
    name: 'zt-stg-99-test',
    controlId: 'ZT-STG-99',
    displayName: 'test',
    description: 'test',
    principle: 'assume-breach',
    unit: 'storage',
    version: '1.0.0',
    category: 'Storage',
    mode: 'Indexed',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters,
    rule: (ctx) => {
      const r = build(ctx);
      return { if: r.if, then: r.then ?? audit() };
    },
    remediation: 'n/a',
  });
  return compileControl(control);
}

/** The emitted `if` of a condition. */
export function ifOf(build: Parameters<typeof compileWith>[0]): unknown {
  return compileWith(build).document.properties.policyRule.if;
}

export function errorsOf(result: CompiledControl): string[] {
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}
