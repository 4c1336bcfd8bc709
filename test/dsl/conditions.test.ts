/**
 * Each operator renders to the leaf shape Learn documents ("definition structure policy rule", Conditions):
 * `{ "field" | "value" | "count": ..., "<operator>": <target> }`, logical operators as allOf/anyOf arrays and a
 * not object.
 */
import { describe, expect, it } from 'vitest';
import { allOf, anyOf, count, countValue, current, fn, not, value } from '../../src/dsl/index.js';
import { errorsOf, compileWith, ifOf } from './helpers.js';

const TLS = 'Microsoft.Storage/storageAccounts/minimumTlsVersion';

describe('field conditions', () => {
  const cases: Array<[string, (f: ReturnType<typeof pick>) => unknown, Record<string, unknown>]> = [
    ['equals', (f) => f.equals('TLS1_2'), { equals: 'TLS1_2' }],
    ['notEquals', (f) => f.notEquals('TLS1_2'), { notEquals: 'TLS1_2' }],
    ['like', (f) => f.like('TLS1_*'), { like: 'TLS1_*' }],
    ['notLike', (f) => f.notLike('TLS1_*'), { notLike: 'TLS1_*' }],
    ['match', (f) => f.match('TLS#_#'), { match: 'TLS#_#' }],
    ['matchInsensitively', (f) => f.matchInsensitively('tls#_#'), { matchInsensitively: 'tls#_#' }],
    ['notMatch', (f) => f.notMatch('TLS#_#'), { notMatch: 'TLS#_#' }],
    ['notMatchInsensitively', (f) => f.notMatchInsensitively('tls#_#'), { notMatchInsensitively: 'tls#_#' }],
    ['contains', (f) => f.contains('1_'), { contains: '1_' }],
    ['notContains', (f) => f.notContains('1_'), { notContains: '1_' }],
    ['in', (f) => f.in(['TLS1_2', 'TLS1_3']), { in: ['TLS1_2', 'TLS1_3'] }],
    ['notIn', (f) => f.notIn(['TLS1_0']), { notIn: ['TLS1_0'] }],
    ['containsKey', (f) => f.containsKey('k'), { containsKey: 'k' }],
    ['notContainsKey', (f) => f.notContainsKey('k'), { notContainsKey: 'k' }],
    ['less', (f) => f.less('TLS1_2'), { less: 'TLS1_2' }],
    ['lessOrEquals', (f) => f.lessOrEquals('TLS1_2'), { lessOrEquals: 'TLS1_2' }],
    ['greater', (f) => f.greater('TLS1_0'), { greater: 'TLS1_0' }],
    ['greaterOrEquals', (f) => f.greaterOrEquals('TLS1_2'), { greaterOrEquals: 'TLS1_2' }],
    ['exists true', (f) => f.exists(true), { exists: 'true' }],
    ['exists false', (f) => f.exists(false), { exists: 'false' }],
  ];
  function pick(ctx: Parameters<Parameters<typeof ifOf>[0]>[0]) {
    return ctx.field(TLS);
  }
  it.each(cases)('%s', (_name, make, expected) => {
    const out = ifOf((ctx) => ({ if: make(pick(ctx)) as never }));
    expect(out).toEqual({ field: TLS, ...expected });
  });

  it('covers every operator of the language', () => {
    const ops = new Set(cases.map(([, , e]) => Object.keys(e)[0]));
    expect([...ops].sort()).toEqual(
      ['contains', 'containsKey', 'equals', 'exists', 'greater', 'greaterOrEquals', 'in', 'less', 'lessOrEquals', 'like', 'match',
        'matchInsensitively', 'notContains', 'notContainsKey', 'notEquals', 'notIn', 'notLike', 'notMatch', 'notMatchInsensitively'].sort(),
    );
  });

  it('writes booleans and numbers the schema accepts for equals (strings for booleans, Azure compares as strings)', () => {
    expect(ifOf(({ field }) => ({ if: field('Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly').equals(false) }))).toEqual({
      field: 'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly',
      equals: 'false',
    });
    expect(ifOf(({ field }) => ({ if: field('Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]').exists(true) }))).toEqual({
      field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]',
      exists: 'true',
    });
  });

  it('special fields and tags need no alias', () => {
    const r = compileWith(({ field }) => ({
      if: allOf(field('location').in(['westeurope']), field("tags['cost-center']").exists(true), field('tags.env').equals('prod'), field('identity.type').contains('SystemAssigned')),
    }));
    expect(errorsOf(r)).toEqual([]);
  });

  it('parameters render as [parameters(...)] and count as used', () => {
    const r = compileWith(({ field, p }) => ({ if: field('name').notIn(p.names) }));
    expect(r.document.properties.policyRule.if).toEqual({ field: 'name', notIn: "[parameters('names')]" });
    expect(r.diagnostics.map((d) => d.message).join('\n')).not.toMatch(/'names' is declared but never used/);
  });
});

describe('logical operators', () => {
  it('allOf, anyOf and not nest as documented', () => {
    const out = ifOf(({ field }) => ({
      if: allOf(field('type').equals('Microsoft.Storage/storageAccounts'), not(anyOf(field('name').like('a*'), field('kind').equals('StorageV2')))),
    }));
    expect(out).toEqual({
      allOf: [
        { field: 'type', equals: 'Microsoft.Storage/storageAccounts' },
        { not: { anyOf: [{ field: 'name', like: 'a*' }, { field: 'kind', equals: 'StorageV2' }] } },
      ],
    });
  });
});

describe('value and count', () => {
  it('value takes an expression and renders it as a "[...]" string', () => {
    expect(ifOf(({ field }) => ({ if: value(fn.toLower(field('name'))).like('prod-*') }))).toEqual({
      value: "[toLower(field('name'))]",
      like: 'prod-*',
    });
  });

  it('field count with where (Learn: count.field + count.where)', () => {
    const ipRules = 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]';
    const out = ifOf(({ field }) => ({
      if: count(field(ipRules), field('Microsoft.Storage/storageAccounts/networkAcls.ipRules[*].value').equals('0.0.0.0/0')).greater(0),
    }));
    expect(out).toEqual({
      count: { field: ipRules, where: { field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*].value', equals: '0.0.0.0/0' } },
      greater: 0,
    });
  });

  it('field count without where', () => {
    expect(ifOf(({ field }) => ({ if: count(field('Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]')).lessOrEquals(5) }))).toEqual({
      count: { field: 'Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]' },
      lessOrEquals: 5,
    });
  });

  it('value count with name, where and current()', () => {
    const r = compileWith(({ field, p }) => ({
      if: countValue(p.names, { name: 'n', where: value(current('n')).equals(field('name')) }).equals(0),
    }));
    expect(r.document.properties.policyRule.if).toEqual({
      count: { value: "[parameters('names')]", name: 'n', where: { value: "[current('n')]", equals: "[field('name')]" } },
      equals: 0,
    });
    expect(errorsOf(r)).toEqual([]);
  });

  it('current() outside a count where is an error (ZT6005)', () => {
    const r = compileWith(() => ({ if: value(current('n')).equals('x') }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT6005/);
  });
});

describe('value count names', () => {
  it('a name with characters other than letters and digits is ZT6016 (Learn: English letters and digits)', () => {
    const r = compileWith(({ p }) => ({ if: countValue(p.names, { name: 'my-name', where: value(current('my-name')).equals('a') }).equals(0) }));
    expect(errorsOf(r).join('\n')).toMatch(/ZT6016/);
  });
});
