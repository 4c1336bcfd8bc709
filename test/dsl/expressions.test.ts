/**
 * Template expressions built with the typed helpers render to the ARM expression syntax Azure Policy reads
 * (Learn "template expressions": 'single quotes', '' escapes a quote, "[[" escapes a leading bracket; no
 * boolean or null literals, true()/false()/null() are functions).
 */
import { describe, expect, it } from 'vitest';
import { expr, fn, literal, renderExpr, value } from '../../src/dsl/index.js';
import { compileWith, errorsOf, ifOf } from './helpers.js';

describe('renderExpr', () => {
  it.each([
    [fn.concat('a', "it's"), "[concat('a', 'it''s')]"],
    [fn.if(true, 'x', 'y'), "[if(true(), 'x', 'y')]"],
    [fn.and(fn.empty(''), fn.not(false)), "[and(empty(''), not(false()))]"],
    [fn.or(fn.equals(1, 2), fn.contains(['a'], 'a')), "[or(equals(1, 2), contains(createArray('a'), 'a'))]"],
    [fn.toUpper(fn.toLower('X')), "[toUpper(toLower('X'))]"],
    [fn.first(fn.split('a/b', '/')), "[first(split('a/b', '/'))]"],
    [fn.last(fn.split('a/b', '/')), "[last(split('a/b', '/'))]"],
    [fn.length(fn.createArray(1, 2)), '[length(createArray(1, 2))]'],
    [fn.substring('abc', 1, 1), "[substring('abc', 1, 1)]"],
    [fn.replace('a-b', '-', '_'), "[replace('a-b', '-', '_')]"],
    [fn.indexOf('abc', 'b'), "[indexOf('abc', 'b')]"],
    [fn.ipRangeContains('10.0.0.0/8', '10.1.2.3'), "[ipRangeContains('10.0.0.0/8', '10.1.2.3')]"],
    [fn.requestContext().prop('apiVersion'), '[requestContext().apiVersion]'],
    [fn.resourceGroup().prop('tags').at('env'), "[resourceGroup().tags['env']]"],
    [fn.subscription().prop('subscriptionId'), '[subscription().subscriptionId]'],
    [fn.tryGet(fn.requestContext().prop('identity'), 'appid'), "[tryGet(requestContext().identity, 'appid')]"],
    [fn.coalesce(null, 'd'), "[coalesce(null(), 'd')]"],
    [fn.addDays(fn.utcNow(), -7), '[addDays(utcNow(), -7)]'],
    [fn.int('5'), "[int('5')]"],
    [fn.string(5), '[string(5)]'],
    [fn.bool('true'), "[bool('true')]"],
    [fn.json('{"a":1}'), `[json('{"a":1}')]`],
    [fn.float(1.5), "[float(json('1.5'))]"],
    [fn.createObject('k', 'v'), "[createObject('k', 'v')]"],
  ])('%# renders', (e, expected) => {
    expect(renderExpr(e)).toBe(expected);
  });

  it('a nested raw expression is spliced in', () => {
    expect(renderExpr(fn.toLower(expr("[field('name')]")))).toBe("[toLower(field('name'))]");
  });
});

describe('expressions in rules', () => {
  it('field() inside an expression is checked against the catalog', () => {
    const r = compileWith(({ field }) => ({ if: value(fn.length(field('Microsoft.Storage/storageAccounts/networkAcls.ipRules'))).greater(0) }));
    expect(errorsOf(r)).toEqual([]);
    expect(r.document.properties.policyRule.if).toEqual({
      value: "[length(field('Microsoft.Storage/storageAccounts/networkAcls.ipRules'))]",
      greater: 0,
    });
  });

  it('a literal starting with [ is escaped as [[', () => {
    expect(ifOf(({ field }) => ({ if: field('name').equals(literal('[not-an-expression]')) }))).toEqual({
      field: 'name',
      equals: '[[not-an-expression]',
    });
  });

  it('raw "[...]" strings are parsed: unknown function -> ZT6002', () => {
    const r = compileWith(({ field }) => ({ if: field('name').equals("[frobnicate('x')]") }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT6002.*frobnicate/);
  });

  it('raw "[...]" strings are parsed: a deployment-only function -> ZT6002', () => {
    const r = compileWith(({ field }) => ({ if: field('name').equals("[resourceId('Microsoft.Storage/storageAccounts', 'x')]") }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT6002.*resourceId.*deployIfNotExists template/);
  });

  it('raw "[...]" strings are parsed: unbalanced parentheses -> ZT3023', () => {
    const r = compileWith(({ field }) => ({ if: field('name').equals("[concat('a', 'b']") }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT3023/);
  });

  it('raw "[...]" strings are parsed: undeclared parameter -> ZT4001', () => {
    const r = compileWith(({ field }) => ({ if: field('name').equals("[parameters('nope')]") }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT4001.*'nope'/);
  });

  it('expr() with a raw expression is checked too', () => {
    const r = compileWith(() => ({ if: value(expr("[listKeys('x', '2020-01-01')]")).equals('k') }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT6002.*listKeys/);
  });
});
