/**
 * Every built-in definition in the vendored catalog (src/catalog/data) compiles, except the resource-provider
 * modes (evaluated by the RP, out of scope offline). Pins the coverage of the rule language on real policies.
 */
import { describe, expect, it } from 'vitest';
import { builtinPolicies, getBuiltinDefinitionJson } from '../../src/catalog/builtins.js';
import { compilePolicy, EvaluatorCode } from '../../src/evaluator/index.js';
import { ZtError } from '../../src/errors.js';

describe('built-in definitions', () => {
  it('all compile, except resource-provider modes', () => {
    const failures: string[] = [];
    let compiled = 0;
    let rpModes = 0;
    for (const [, p] of builtinPolicies()) {
      const d = getBuiltinDefinitionJson(p.name);
      if (!d) {
        // Every catalog entry must have its JSON; skipping it would hide a broken catalog.
        failures.push(`${p.name} ${p.displayName}: no definition JSON in the catalog`);
        continue;
      }
      try {
        compilePolicy(d as never, { trace: false, opaqueHashFunctions: true });
        compiled++;
      } catch (e) {
        if (e instanceof ZtError && e.code === EvaluatorCode.unsupportedMode) rpModes++;
        else failures.push(`${p.name} ${p.displayName}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(compiled).toBeGreaterThan(3000);
    expect(rpModes).toBeLessThan(200);
  });
});
