import { describe, expect, it } from 'vitest';
import { expressionStats, ExpressionSyntaxError, isExpression, parseExpression } from '../../src/validate/expressions.js';

const stats = (s: string) => expressionStats(parseExpression(s));

describe('template expressions', () => {
  it('recognises expressions and the "[[" escape (Learn: template syntax)', () => {
    expect(isExpression("[parameters('a')]")).toBe(true);
    expect(isExpression("[[parameters('a')]")).toBe(false);
    expect(isExpression('plain')).toBe(false);
    // Validation asks only about expressions: a literal (or the "[[" escape) is not one.
    expect(() => parseExpression("[[parameters('a')]")).toThrow(ExpressionSyntaxError);
    expect(() => parseExpression('plain')).toThrow(/not a template expression/);
  });

  it('counts calls, depth, arguments and parameter references', () => {
    const s = stats("[concat(parameters('prefix'), toLower(field('name')), 'it''s', 5)]");
    expect(s).toMatchObject({ calls: 4, maxDepth: 3, maxArgs: 4, parameters: ['prefix'] });
    expect(s.functions).toEqual(['concat', 'parameters', 'tolower', 'field']);
  });

  it('parses property access and indexers', () => {
    expect(stats('[requestContext().apiVersion]')).toMatchObject({ calls: 1, maxDepth: 1, functions: ['requestcontext'] });
    expect(stats("[split(field('id'), '/')[2]]")).toMatchObject({ calls: 2, maxDepth: 2, functions: ['split', 'field'] });
  });

  it('an indexer expression nests one level inside the value it indexes; a property access does not', () => {
    // field('tags') is at depth 1, the indexer's parameters('tagName') at depth 2.
    expect(stats("[field('tags')[parameters('tagName')]]")).toMatchObject({
      calls: 2,
      maxDepth: 2,
      parameters: ['tagName'],
      functions: ['field', 'parameters'],
    });
    // Inside an argument: concat (1) -> field (2) -> indexer's toLower (3) -> parameters (4).
    expect(stats("[concat(field('tags')[toLower(parameters('k'))].x, 'y')]")).toMatchObject({ calls: 4, maxDepth: 4, maxArgs: 2, parameters: ['k'] });
    expect(stats("[parameters('p').items[0]]")).toMatchObject({ calls: 1, maxDepth: 1, parameters: ['p'] });
  });

  it('collects only literal-string parameter names, case as written', () => {
    expect(stats("[parameters(concat('a', 'b'))]").parameters).toEqual([]);
    expect(stats("[PARAMETERS('Effect')]")).toMatchObject({ parameters: ['Effect'], functions: ['parameters'] });
    expect(stats("[if(equals(parameters('a'), 1), parameters('b'), parameters('a'))]").parameters).toEqual(['a', 'b', 'a']);
  });

  it('counts a call without arguments and ignores literal-only parts', () => {
    expect(stats('[utcNow()]')).toMatchObject({ calls: 1, maxDepth: 1, maxArgs: 0 });
    expect(stats("[createArray(1, -2, 'x', true, null)]")).toMatchObject({ calls: 1, maxArgs: 5, functions: ['createarray'] });
  });

  it('rejects malformed expressions saying what is wrong and at which 1-based character', () => {
    // "[concat('a', field('b')]" is 24 characters; the closing ")" of concat is missing at the end.
    expect(() => parseExpression("[concat('a', field('b')]")).toThrow(/unclosed "\(" of concat\( at character 24$/);
    expect(() => parseExpression("[concat('a]")).toThrow(/unterminated string/);
    // The stray "x" is the 10th character of "[concat()x]".
    expect(() => parseExpression('[concat()x]')).toThrow(/^unexpected "x" at character 10$/);
    expect(() => parseExpression('[]')).toThrow(/empty expression/);
    expect(() => parseExpression("[field('a').]")).toThrow(/property name/);
  });

  it('the error carries the 0-based offset and does not repeat the expression text', () => {
    let err: unknown;
    try {
      parseExpression('[concat()x]');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpressionSyntaxError);
    expect((err as ExpressionSyntaxError).offset).toBe(9);
    expect((err as Error).message).not.toContain('concat');
  });
});
