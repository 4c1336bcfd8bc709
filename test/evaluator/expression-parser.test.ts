import { describe, expect, it } from 'vitest';
import { checkFunctions, isExpression, parseExpression, POLICY_FUNCTIONS } from '../../src/evaluator/expression-parser.js';
import { ZtError } from '../../src/errors.js';

describe('parseExpression', () => {
  it('treats non-expressions and the [[ escape as literals', () => {
    expect(parseExpression('plain')).toEqual({ kind: 'literal', value: 'plain' });
    expect(parseExpression('[[not an expression]')).toEqual({ kind: 'literal', value: '[not an expression]' });
    expect(isExpression('[[x]')).toBe(false);
    expect(isExpression("[field('a')]")).toBe(true);
  });

  it('parses calls, string escapes, numbers and property/index access', () => {
    const ast = parseExpression("[concat('it''s', parameters('p').a[0], -3)]");
    expect(ast).toMatchObject({
      kind: 'call',
      name: 'concat',
      args: [
        { kind: 'literal', value: "it's" },
        {
          kind: 'index',
          object: { kind: 'member', object: { kind: 'call', name: 'parameters', args: [{ kind: 'literal', value: 'p' }] }, property: 'a' },
          index: { kind: 'literal', value: 0 },
        },
        { kind: 'literal', value: -3 },
      ],
    });
    expect(parseExpression("[ field( 'tags' )[ 'env' ] ]")).toMatchObject({ kind: 'index', index: { value: 'env' } });
    expect(parseExpression('[utcNow()]')).toMatchObject({ kind: 'call', name: 'utcNow', args: [] });
  });

  it.each([
    "[parameters('x']",
    "[concat('a',]",
    "[field('a'))]",
    "[concat('a' 'b')]",
    '[]',
    "['unterminated]",
    '[a.]',
    '[foo]',
  ])('rejects %s with a coded error', (text) => {
    let err: unknown;
    try {
      parseExpression(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZtError);
    expect((err as ZtError).code).toBe('ZT5001');
  });
});

describe('checkFunctions', () => {
  it('accepts policy functions case-insensitively and rejects deployment-only ones', () => {
    expect(() => checkFunctions(parseExpression("[toLower(field('name'))]"))).not.toThrow();
    expect(() => checkFunctions(parseExpression("[resourceId('a', 'b')]"))).toThrow(/not available in policy rules/);
    expect(() => checkFunctions(parseExpression('[nosuch()]'))).toThrow(/unknown template function/);
    expect(() => checkFunctions(parseExpression("[dateTimeAdd('2024-01-01', 'P1D')]"))).not.toThrow();
    expect(() => checkFunctions(parseExpression("[dateTimeAdd('2024-01-01', 'P1D')]"), { strict: true })).toThrow();
    expect(POLICY_FUNCTIONS).toContain('ipRangeContains'.toLowerCase());
  });
});
