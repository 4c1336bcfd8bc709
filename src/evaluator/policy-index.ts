/**
 * Many policies x many resources: policies are indexed by the resource types their rule can match (literal
 * `type` equals/in conditions every match requires), so a resource is only run against the policies that can
 * apply to its type plus the type-agnostic ones. Each policy is compiled once; aliases resolve once per type.
 */
import { ZtError } from '../errors.js';
import { fold } from './case-fold.js';
import type { CompiledPolicy, RunInput } from './compile.js';
import type { EvaluationResult } from './types.js';
import { getProp, isObject } from './values.js';

export interface IndexedResult extends EvaluationResult {
  /** Position of the policy in the list given to createPolicyIndex. */
  policyIndex: number;
  policy: CompiledPolicy;
}

export interface PolicyIndex {
  /** Policies that can apply to a resource type (type-specific ones first, then type-agnostic ones). */
  candidates(resourceType: string): readonly number[];
  /**
   * Evaluates every candidate policy against one resource and returns the results of the applicable ones
   * (mode and type/name/kind applicability). `run` is shared by all policies; `parameters` may be a function
   * giving each policy its assignment values.
   */
  evaluateAll(
    resource: unknown,
    run?: Omit<RunInput, 'parameters'> & {
      parameters?: RunInput['parameters'] | ((policy: CompiledPolicy, index: number) => RunInput['parameters']);
      /** Called for a policy that cannot be evaluated (a parameter without value); without it the error is thrown. */
      onPolicyError?: (error: ZtError, policy: CompiledPolicy, index: number) => void;
    },
  ): IndexedResult[];
}

export function createPolicyIndex(policies: readonly CompiledPolicy[]): PolicyIndex {
  const byType = new Map<string, number[]>();
  const anyType: number[] = [];
  policies.forEach((p, i) => {
    if (!p.resourceTypes) anyType.push(i);
    else for (const t of p.resourceTypes) {
      let l = byType.get(t);
      if (!l) byType.set(t, (l = []));
      l.push(i);
    }
  });
  const merged = new Map<string, readonly number[]>();
  const candidates = (type: string): readonly number[] => {
    const key = fold(type);
    let c = merged.get(key);
    if (!c) merged.set(key, (c = [...(byType.get(key) ?? []), ...anyType]));
    return c;
  };
  return {
    candidates,
    evaluateAll(resource, run = {}) {
      const type = isObject(resource) ? getProp(resource, 'type') : undefined;
      const out: IndexedResult[] = [];
      const params = run.parameters;
      const shared: RunInput = typeof params === 'function' ? {} : (run as RunInput);
      for (const i of candidates(typeof type === 'string' ? type : '')) {
        const policy = policies[i]!;
        let r: IndexedResult;
        try {
          r = policy.evaluate(resource, typeof params === 'function' ? { ...run, parameters: params(policy, i) } : shared) as IndexedResult;
        } catch (e) {
          if (run.onPolicyError && e instanceof ZtError) {
            run.onPolicyError(e, policy, i);
            continue;
          }
          throw e;
        }
        if (!r.applicable) continue;
        r.policyIndex = i;
        r.policy = policy;
        out.push(r);
      }
      return out;
    },
  };
}
