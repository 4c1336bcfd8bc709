/**
 * Template functions beyond the builtin conformance cases, checked against the ARM template function
 * reference (Learn) and the policy-specific rules of the semantics note §6.
 */
import { describe, expect, it } from 'vitest';
import { evaluateTemplateFunction as call } from '../../src/evaluator/template-calls.js';
import { parseDate, parseDuration } from '../../src/evaluator/dates.js';
import { ipRangeContains } from '../../src/evaluator/ip.js';
import { ZtError } from '../../src/errors.js';

const fails = (name: string, args: unknown[]): string | undefined => {
  try {
    call(name, args);
  } catch (e) {
    return e instanceof ZtError ? e.code : 'not a ZtError';
  }
  return undefined;
};

describe('string and array functions', () => {
  it('concat joins strings or arrays, not a mix', () => {
    expect(call('concat', ['a', 1, true])).toBe('a1true');
    expect(call('concat', [[1], [2, 3]])).toEqual([1, 2, 3]);
    expect(fails('concat', [[1], 'x'])).toBe('ZT5101');
  });
  it('substring fails out of range (Learn uses it as the canonical evaluation error)', () => {
    expect(call('substring', ['abcdef', 1, 3])).toBe('bcd');
    expect(call('substring', ['abc', 1])).toBe('bc');
    expect(fails('substring', ['abc', 2, 5])).toBe('ZT5101');
  });
  it('replace, split, join, padLeft, trim, toLower/toUpper', () => {
    expect(call('replace', ['a-b-c', '-', '+'])).toBe('a+b+c');
    expect(call('split', ['a,b;c', [',', ';']])).toEqual(['a', 'b', 'c']);
    expect(call('join', [['a', 'b'], '/'])).toBe('a/b');
    expect(call('padLeft', ['7', 3, '0'])).toBe('007');
    expect(call('toUpper', ['ab'])).toBe('AB');
  });
  it('indexOf/startsWith are case-insensitive (ARM reference), contains on strings is not (A12)', () => {
    expect(call('indexOf', ['Hello', 'LL'])).toBe(2);
    expect(call('startsWith', ['Hello', 'he'])).toBe(true);
    expect(call('contains', ['Hello', 'he'])).toBe(false);
    expect(call('contains', [{ Key: 1 }, 'key'])).toBe(true);
    expect(call('contains', [[1, 'a'], 'a'])).toBe(true);
  });
  it('length, empty, first, last on strings, arrays, objects and null', () => {
    expect(call('length', [{ a: 1, b: 2 }])).toBe(2);
    expect(call('length', [null])).toBe(0);
    expect(call('empty', [null])).toBe(true);
    expect(call('first', [[]])).toBe(null);
    expect(call('last', ['xyz'])).toBe('z');
  });
  it('tryGet returns null for a missing key instead of failing; member access on a missing key fails', () => {
    expect(call('tryGet', [{ a: { b: 1 } }, 'a', 'b'])).toBe(1);
    expect(call('tryGet', [{ a: {} }, 'a', 'b'])).toBe(null);
    expect(call('coalesce', [null, call('tryGet', [{}, 'x']), 'fallback'])).toBe('fallback');
  });
  it('if requires a boolean condition', () => {
    expect(call('if', [true, 1, 2])).toBe(1);
    expect(fails('if', ['yes', 1, 2])).toBe('ZT5101');
  });
  it('numeric functions work on integers', () => {
    expect(call('add', [2, 3])).toBe(5);
    expect(call('div', [7, 2])).toBe(3);
    expect(fails('div', [1, 0])).toBe('ZT5101');
    expect(call('int', ['12'])).toBe(12);
  });
  it('json and base64 round trips', () => {
    expect(call('json', ['{"a":[1,2]}'])).toEqual({ a: [1, 2] });
    expect(call('base64ToString', [call('base64', ['zero trust'])])).toBe('zero trust');
  });
});

describe('dates', () => {
  it('parses ISO 8601 with T or space, fractions and offsets; no offset is UTC', () => {
    expect(parseDate('2024-01-15T12:00:00Z')!.ms).toBe(Date.UTC(2024, 0, 15, 12));
    expect(parseDate('2024-01-15 13:00:00+01:00')!.ms).toBe(Date.UTC(2024, 0, 15, 12));
    expect(parseDate('2024-02-30T00:00:00Z')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
  });
  it('durations: P1D, PT1H30M, -P1W; a year is 365 days and a month 30 (.NET TimeSpan)', () => {
    expect(parseDuration('P1D')).toBe(86_400_000);
    expect(parseDuration('PT1H30M')).toBe(5_400_000);
    expect(parseDuration('-P1W')).toBe(-7 * 86_400_000);
    expect(parseDuration('P1Y')).toBe(365 * 86_400_000);
    expect(parseDuration('P')).toBeUndefined();
  });
  it('addDays keeps the input offset', () => {
    expect(call('addDays', ['2024-03-01T10:00:00+02:00', -1])).toBe('2024-02-29T10:00:00+02:00');
  });
});

describe('ipRangeContains (Learn, policy functions)', () => {
  it.each([
    ['10.0.0.0/8', '10.20.30.40', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.1-10.0.0.9', '10.0.0.5', true],
    ['10.0.0.1-10.0.0.9', '10.0.0.0/30', false],
    ['10.0.0.0/24', '10.0.0.128/25', true],
    ['2001:db8::/32', '2001:db8:1::1', true],
    ['2001:db8::/32', '10.0.0.1', false],
    ['::ffff:10.0.0.0/120', '::ffff:10.0.0.7', true],
  ])('%s contains %s: %s', (range, target, want) => {
    expect(ipRangeContains(range, target)).toBe(want);
  });
});
