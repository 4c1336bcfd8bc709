/**
 * Issue 11 point 7: like/notLike and match/matchInsensitively take their patterns from parameters and their values
 * from the scanned estate, so neither may take super-linear time. The property tests compare the matcher with a
 * reference built from Learn's definition of like ("*" any text, case-insensitive, whole value) as a regular
 * expression: fine on the short strings generated here, and exactly what the evaluator must not run on hostile
 * input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/evaluator/index.js';
import type { EvaluatorOptions } from '../../src/evaluator/types.js';

function condition(op: string, pattern: string, name: string, options: EvaluatorOptions = {}): boolean {
  const r = evaluatePolicy({
    policyRule: { if: { field: 'name', [op]: pattern }, then: { effect: 'audit' } },
    resource: { type: 'Microsoft.Test/things', name },
    options: { bundledAliases: false, trace: false, ...options },
  });
  expect(r.error).toBeUndefined();
  return r.effect === 'audit';
}

/** Learn's like as a (backtracking) regular expression: the reference, only ever run on short strings here. */
function likeReference(pattern: string, value: string, questionWildcard: boolean): boolean {
  let src = '';
  for (const ch of pattern.toLowerCase()) {
    if (ch === '*') src += '.*';
    else if (ch === '?' && questionWildcard) src += '.';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 's').test(value.toLowerCase());
}

const alphabet = fc.constantFrom('a', 'b', 'A', '-', '.', '?', '*');
const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => a.join(''));

describe('like / notLike', () => {
  it('agree with the regular-expression reading of Learn on random patterns and names', () => {
    fc.assert(
      fc.property(text(8), text(10), fc.boolean(), (pattern, name, q) => {
        const name2 = name.replace(/\*/g, 'x');
        const want = likeReference(pattern, name2, q);
        const opts: EvaluatorOptions = { likeQuestionMark: q ? 'wildcard' : 'literal' };
        expect(condition('like', pattern, name2, opts)).toBe(want);
        expect(condition('notLike', pattern, name2, opts)).toBe(!want);
      }),
      { numRuns: 400 },
    );
  });

  it('decide the pathological pattern of issue 11 on long names at once', () => {
    const pattern = 'a*a*a*a*a*a*a*a*b';
    const started = performance.now();
    expect(condition('like', pattern, 'a'.repeat(64))).toBe(false);
    expect(condition('like', pattern, 'a'.repeat(20_000))).toBe(false);
    expect(condition('like', '*a'.repeat(500) + 'b', 'a'.repeat(20_000))).toBe(false);
    expect(condition('like', pattern, 'a'.repeat(64) + 'b')).toBe(true);
    expect(condition('notLike', pattern, 'a'.repeat(64))).toBe(true);
    expect(condition('like', '?*?*?*?*?*?*b', 'x'.repeat(20_000), { likeQuestionMark: 'wildcard' })).toBe(false);
    // The former regular expression took more than 30 s on the 64-character name alone.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('match / matchInsensitively', () => {
  it('compare one pattern character per value character on long hostile input', () => {
    const started = performance.now();
    const long = 'a'.repeat(100_000);
    expect(condition('match', '?'.repeat(100_000), long)).toBe(true);
    expect(condition('match', '?'.repeat(99_999) + '#', long)).toBe(false);
    expect(condition('matchInsensitively', '.'.repeat(99_999) + 'A', long)).toBe(true);
    expect(condition('notMatch', '*'.repeat(64), 'a'.repeat(64))).toBe(true); // `*` is a literal in match
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
