import { describe, expect, it } from 'vitest';
import { expressionStats, isExpression, parseExpression } from '../../src/validate/expressions.js';

describe('template expressions', () => {
  it('recognises expressions and the "[[" escape (Learn: template syntax)', () => {
    expect(isExpression("[parameters('a')]")).toBe(true);
    expect(isExpression("[[parameters('a')]")).toBe(false);
    expect(isExpression('plain')).toBe(false);
  });

  it('counts calls, depth, arguments and parameter references', () => {
    const s = expressionStats(parseExpression("[concat(parameters('prefix'), toLower(field('name')), 'it''s', 5)]"));
    expect(s).toMatchObject({ calls: 4, maxDepth: 3, maxArgs: 4, parameters: ['prefix'] });
    expect(s.functions).toEqual(['concat', 'parameters', 'tolower', 'field']);
  });

  it('parses property access and indexers', () => {
    const s = expressionStats(parseExpression("[requestContext().apiVersion]"));
    expect(s.calls).toBe(1);
    const t = expressionStats(parseExpression("[split(field('id'), '/')[2]]"));
    expect(t.calls).toBe(2);
  });

  it('rejects malformed expressions with a position', () => {
    expect(() => parseExpression("[concat('a', field('b')]")).toThrow(/expected "\)"/);
    expect(() => parseExpression("[concat('a]")).toThrow(/unterminated string/);
    expect(() => parseExpression('[concat()x]')).toThrow(/unexpected "x"/);
  });
});
