/**
 * Semantics the public conformance suite does not pin down, each checked against the documented behaviour
 * (Learn pages cited in shared/design/policy-semantics.md) or the ambiguity-register default it names.
 */
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, ParameterValueError, PolicyDefinitionError } from '../../src/evaluator/index.js';
import type { EvaluateInput, EvaluationResult } from '../../src/evaluator/types.js';
import { ZtError } from '../../src/errors.js';

type Rule = { if: unknown; then: unknown };
const deny = (cond: unknown): Rule => ({ if: cond, then: { effect: 'deny' } });

function ev(rule: Rule, resource: unknown, extra: Partial<EvaluateInput> = {}): EvaluationResult {
  return evaluatePolicy({ policyRule: rule, resource, ...extra, options: { bundledAliases: false, ...extra.options } });
}
const matches = (cond: unknown, resource: unknown, extra: Partial<EvaluateInput> = {}): boolean => ev(deny(cond), resource, extra).effect === 'deny';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof ZtError ? e.code : `not a ZtError: ${String(e)}`;
  }
  return undefined;
}

/** A Get-AzPolicyAlias shaped catalog for a test type. */
const catalog = [
  {
    namespace: 'Microsoft.Test',
    resourceTypes: [
      {
        resourceType: 'things',
        capabilities: 'SupportsTags, SupportsLocation',
        aliases: [
          { name: 'Microsoft.Test/things/tier', defaultPath: 'sku.tier', paths: [{ path: 'properties.pricingTier', apiVersions: ['2015-01-01'] }] },
          { name: 'Microsoft.Test/things/rules[*]', defaultPath: 'properties.rules[*]', paths: [] },
          { name: 'Microsoft.Test/things/rules[*].port', defaultPath: 'properties.rules[*].properties.port', paths: [] },
          { name: 'Microsoft.Test/things/rules[*].sources[*]', defaultPath: 'properties.rules[*].properties.sources[*]', paths: [] },
          { name: 'Microsoft.Test/shortName', defaultPath: 'properties.a', paths: [] },
          { name: 'Microsoft.Test/things/readOnly', defaultPath: 'properties.readOnly', paths: [], defaultMetadata: { type: 'String', attributes: 'None' } },
        ],
      },
      {
        resourceType: 'other',
        aliases: [{ name: 'Microsoft.Test/shortName', defaultPath: 'properties.b', paths: [] }],
      },
      { resourceType: 'things/children', capabilities: 'None', aliases: [] },
    ],
  },
];
const thing = (props: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: '/subscriptions/sub-1/resourceGroups/rg-a/providers/Microsoft.Test/things/t1',
  name: 't1',
  type: 'Microsoft.Test/things',
  location: 'westeurope',
  ...props,
});

describe('case rules (Learn: every string operator but match is case-insensitive)', () => {
  it('folds full Unicode case, not only ASCII', () => {
    expect(matches({ field: 'name', equals: 'STRASSE' }, { name: 'straße' })).toBe(true);
    expect(matches({ field: 'name', in: ['ΣΊΣΥΦΟΣ'] }, { name: 'σίσυφος' })).toBe(true);
  });
  it('match is case-sensitive, matchInsensitively is not; # digit, ? letter, . any, whole value', () => {
    expect(matches({ field: 'name', match: 'vm-##?' }, { name: 'vm-12a' })).toBe(true);
    expect(matches({ field: 'name', match: 'VM-##?' }, { name: 'vm-12a' })).toBe(false);
    expect(matches({ field: 'name', matchInsensitively: 'VM-##?' }, { name: 'vm-12a' })).toBe(true);
    expect(matches({ field: 'name', match: 'vm-#' }, { name: 'vm-12' })).toBe(false);
    expect(matches({ field: 'name', match: 'a.c' }, { name: 'a-c' })).toBe(true);
  });
  it('like: * spans any text; ? is a literal by default (A20) and a wildcard on request', () => {
    expect(matches({ field: 'name', like: 'web-*-prod' }, { name: 'WEB-eu-west-PROD' })).toBe(true);
    expect(matches({ field: 'name', like: 'vm?' }, { name: 'vm1' })).toBe(false);
    expect(matches({ field: 'name', like: 'vm?' }, { name: 'vm1' }, { options: { likeQuestionMark: 'wildcard' } })).toBe(true);
  });
});

describe('coercions and missing vs null (semantics note §5)', () => {
  it('equals compares string forms: booleans and numbers match their strings, "05" does not equal 5 (A21)', () => {
    expect(matches({ field: 'properties.on', equals: 'True' }, { properties: { on: true } })).toBe(true);
    expect(matches({ field: 'properties.n', equals: '5' }, { properties: { n: 5 } })).toBe(true);
    expect(matches({ field: 'properties.n', equals: '05' }, { properties: { n: 5 } })).toBe(false);
    expect(matches({ field: 'properties.n', equals: '05' }, { properties: { n: 5 } }, { options: { numericEquality: 'numeric' } })).toBe(true);
  });
  it('a missing field: positive operators false, negated ones true, exists false', () => {
    const r = { properties: {} };
    expect(matches({ field: 'properties.x', equals: '' }, r)).toBe(false); // A23
    expect(matches({ field: 'properties.x', notEquals: 'TLS1_2' }, r)).toBe(true);
    expect(matches({ field: 'properties.x', like: '*' }, r)).toBe(false); // A1
    expect(matches({ field: 'properties.x', notLike: '*' }, r)).toBe(true);
    expect(matches({ field: 'properties.x', greater: 1 }, r)).toBe(false); // A2
    expect(matches({ field: 'properties.x', notIn: ['a'] }, r)).toBe(true);
    expect(matches({ field: 'properties.x', containsKey: 'a' }, r)).toBe(false); // A3
    expect(matches({ field: 'properties.x', notContainsKey: 'a' }, r)).toBe(true);
    expect(matches({ field: 'properties.x', exists: false }, r)).toBe(true);
  });
  it('an explicit null reads as "" for equality and does not exist (A4)', () => {
    const r = { properties: { x: null } };
    expect(matches({ field: 'properties.x', equals: '' }, r)).toBe(true);
    expect(matches({ field: 'properties.x', exists: true }, r)).toBe(false);
    expect(matches({ field: 'properties.x', exists: 'false' }, r)).toBe(true);
  });
  it('ordering across types is an evaluation error, reported as deny with a code (A22, A16)', () => {
    const r = ev({ if: { field: 'properties.port', greater: 1024 }, then: { effect: 'audit' } }, { properties: { port: '8080' } });
    expect(r.effect).toBe('deny');
    expect(r.compliance).toBe('Error');
    expect(r.error?.code).toBe('ZT5102');
    const c = ev({ if: { count: { value: [1, 2] }, greater: '1' }, then: { effect: 'audit' } }, {});
    expect(c.error?.code).toBe('ZT5102');
    expect(matches({ field: 'properties.port', greater: 1024 }, { properties: { port: '8080' } }, { options: { orderingMismatch: 'coerce' } })).toBe(true);
  });
  it('orders strings case-insensitively and ISO dates by instant (A9)', () => {
    expect(matches({ field: 'name', greater: 'a' }, { name: 'B' })).toBe(true);
    expect(matches({ field: 'properties.t', less: '2024-01-01T00:00:00Z' }, { properties: { t: '2024-01-01T01:00:00+02:00' } })).toBe(true);
  });
  it('contains on a string, an array and an object', () => {
    expect(matches({ field: 'name', contains: 'PROD' }, { name: 'my-prod-vm' })).toBe(true);
    expect(matches({ field: 'properties.list', contains: 'B' }, { properties: { list: ['a', 'b'] } })).toBe(true);
    expect(matches({ field: 'tags', containsKey: 'COSTCENTER' }, { tags: { costCenter: '1' } })).toBe(true);
  });
});

describe('special fields (Learn, Fields)', () => {
  it('location is normalized on both sides (A17)', () => {
    expect(matches({ field: 'location', equals: 'East US 2' }, { location: 'eastus2' })).toBe(true);
    expect(matches({ field: 'location', notIn: ['West Europe', 'North Europe'] }, { location: 'westeurope' })).toBe(false);
    // value conditions are not normalized
    expect(matches({ value: "[field('location')]", equals: 'East US 2' }, { location: 'eastus2' })).toBe(false);
  });
  it('name is the last segment of a template child name, fullName keeps the parents or derives them from the id', () => {
    expect(matches({ field: 'name', equals: 'db1' }, { name: 'server1/db1' })).toBe(true);
    expect(matches({ field: 'fullName', equals: 'server1/db1' }, { name: 'server1/db1' })).toBe(true);
    const fromId = { name: 'db1', id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/server1/databases/db1' };
    expect(matches({ field: 'fullName', equals: 'server1/db1' }, fromId)).toBe(true);
  });
  it("tags['x'], tags.x, tags[x] and tags['''x'''] read one tag, tag names case-insensitive (A10)", () => {
    const r = { tags: { 'cost.center': 'A', env: 'prod', "owner's": 'me' } };
    expect(matches({ field: "tags['Cost.Center']", equals: 'a' }, r)).toBe(true);
    expect(matches({ field: 'tags.ENV', equals: 'prod' }, r)).toBe(true);
    expect(matches({ field: 'tags[env]', equals: 'prod' }, r)).toBe(true);
    expect(matches({ field: "tags['owner''s']", equals: 'me' }, r)).toBe(true);
    expect(matches({ field: "tags['missing']", exists: false }, r)).toBe(true);
  });
  it('a field name can be an expression', () => {
    const rule = { if: { field: "[concat('tags[', parameters('tag'), ']')]", exists: false }, then: { effect: 'deny' } };
    expect(evaluatePolicy({ policyRule: rule, resource: { tags: {} }, parameters: { tag: 'owner' } }).effect).toBe('deny');
    expect(evaluatePolicy({ policyRule: rule, resource: { tags: { owner: 'x' } }, parameters: { tag: 'owner' } }).effect).toBeUndefined();
  });
  it('identity.type, kind, id and type read the top-level properties', () => {
    const r = { type: 'Microsoft.Web/sites', kind: 'app,linux', id: '/x', identity: { type: 'SystemAssigned, UserAssigned' } };
    expect(matches({ field: 'identity.type', contains: 'UserAssigned' }, r)).toBe(true);
    expect(matches({ field: 'kind', like: '*linux*' }, r)).toBe(true);
    expect(matches({ field: 'type', equals: 'microsoft.web/SITES' }, r)).toBe(true);
  });
});

describe('aliases (Learn, aliases page; aliases-and-arrays.md §1)', () => {
  it('resolves by resource type and API version, case-insensitively', () => {
    const r = thing({ sku: { tier: 'Standard' }, properties: { pricingTier: 'Premium' } });
    const cond = { field: 'MICROSOFT.TEST/THINGS/TIER', equals: 'Premium' };
    expect(matches(cond, r, { aliases: catalog })).toBe(false); // default path sku.tier
    expect(matches(cond, r, { aliases: catalog, apiVersion: '2015-01-01' })).toBe(true);
  });
  it('an ARM template resource selects alias paths for its own apiVersion', () => {
    const r = { ...thing({ sku: { tier: 'Standard' }, properties: { pricingTier: 'Premium' } }), apiVersion: '2015-01-01' };
    expect(matches({ field: 'Microsoft.Test/things/tier', equals: 'Premium' }, r, { aliases: catalog })).toBe(true);
    expect(matches({ value: '[requestContext().apiVersion]', equals: '2015-01-01' }, r, { aliases: catalog })).toBe(true);
  });
  it('one short alias maps to different paths on different types', () => {
    expect(matches({ field: 'Microsoft.Test/shortName', equals: 'A' }, { type: 'Microsoft.Test/things', properties: { a: 'A', b: 'B' } }, { aliases: catalog })).toBe(true);
    expect(matches({ field: 'Microsoft.Test/shortName', equals: 'B' }, { type: 'Microsoft.Test/other', properties: { a: 'A', b: 'B' } }, { aliases: catalog })).toBe(true);
  });
  it('an alias of another type selects nothing; an unknown alias of the own type reads properties.<name> with a warning', () => {
    expect(matches({ field: 'Microsoft.Other/kinds/flag', exists: false }, thing({ properties: { flag: true } }), { aliases: catalog })).toBe(true);
    const r = ev(deny({ field: 'Microsoft.Test/things/flag', equals: true }), thing({ properties: { flag: true } }), { aliases: catalog });
    expect(r.effect).toBe('deny');
    expect(r.warnings.join()).toMatch(/not in the alias catalog/);
    const strict = ev(deny({ field: 'Microsoft.Test/things/flag', equals: true }), thing({ properties: { flag: true } }), { aliases: catalog, options: { unknownAlias: 'missing' } });
    expect(strict.effect).toBeUndefined();
  });
  it('the bundled catalog is the default (storage sku.name lives outside properties)', () => {
    const r = evaluatePolicy({
      policyRule: deny({ field: 'Microsoft.Storage/storageAccounts/sku.name', equals: 'Standard_LRS' }),
      resource: { type: 'Microsoft.Storage/storageAccounts', location: 'westeurope', sku: { name: 'Standard_LRS' }, properties: {} },
    });
    expect(r.effect).toBe('deny');
    expect(r.warnings).toEqual([]);
  });
  it('modify refuses an alias whose metadata is not Modifiable', () => {
    const rule = { if: { field: 'type', equals: 'Microsoft.Test/things' }, then: { effect: 'modify', details: { roleDefinitionIds: [], operations: [{ operation: 'addOrReplace', field: 'Microsoft.Test/things/readOnly', value: 1 }] } } };
    expect(codeOf(() => evaluatePolicy({ policyRule: rule, resource: thing(), aliases: catalog }))).toBe('ZT5003');
  });
});

describe('[*] arrays and count (Learn, arrays page)', () => {
  const rules = (list: unknown[]): Record<string, unknown> => thing({ properties: { rules: list } });
  const r3 = rules([
    { properties: { port: 22, sources: ['10.0.0.0/8'] } },
    { properties: { port: 443, sources: ['0.0.0.0/0', '192.168.0.0/16'] } },
  ]);
  it('a [*] field condition is "for all", true on an empty array and (A19) on a missing one', () => {
    expect(matches({ field: 'Microsoft.Test/things/rules[*].port', greater: 10 }, r3, { aliases: catalog })).toBe(true);
    expect(matches({ field: 'Microsoft.Test/things/rules[*].port', equals: 22 }, r3, { aliases: catalog })).toBe(false);
    expect(matches({ not: { field: 'Microsoft.Test/things/rules[*].port', notEquals: 22 } }, r3, { aliases: catalog })).toBe(true);
    expect(matches({ field: 'Microsoft.Test/things/rules[*].port', equals: 22 }, rules([]), { aliases: catalog })).toBe(true);
    expect(matches({ field: 'Microsoft.Test/things/rules[*].port', equals: 22 }, thing(), { aliases: catalog })).toBe(true);
    expect(matches({ field: 'Microsoft.Test/things/rules[*].port', equals: 22 }, thing(), { aliases: catalog, options: { missingArrayCondition: false } })).toBe(false);
    expect(matches({ field: 'Microsoft.Test/things/rules[*].port', equals: 22 }, rules([]), { aliases: catalog, options: { missingArrayCondition: false } })).toBe(true);
  });
  it('nested [*] values are flattened', () => {
    expect(matches({ count: { field: 'Microsoft.Test/things/rules[*].sources[*]' }, equals: 3 }, r3, { aliases: catalog })).toBe(true);
    expect(matches({ value: "[length(field('Microsoft.Test/things/rules[*].sources[*]'))]", equals: 3 }, r3, { aliases: catalog })).toBe(true);
  });
  it('count.where sees one member; other fields see the whole resource; a missing array counts 0', () => {
    const cond = {
      count: { field: 'Microsoft.Test/things/rules[*]', where: { allOf: [{ field: 'Microsoft.Test/things/rules[*].port', in: [22, 3389] }, { field: 'location', equals: 'West Europe' }] } },
      greater: 0,
    };
    expect(matches(cond, r3, { aliases: catalog })).toBe(true);
    expect(matches({ count: { field: 'Microsoft.Test/things/rules[*]' }, equals: 0 }, thing(), { aliases: catalog })).toBe(true);
  });
  it('field() of the counted alias inside where is a one-element array; current() is the member', () => {
    const viaField = { count: { field: 'Microsoft.Test/things/rules[*].port', where: { value: "[field('Microsoft.Test/things/rules[*].port')]", equals: 22 } }, equals: 1 };
    expect(matches(viaField, r3, { aliases: catalog })).toBe(false);
    const viaFirst = { count: { field: 'Microsoft.Test/things/rules[*].port', where: { value: "[first(field('Microsoft.Test/things/rules[*].port'))]", equals: 22 } }, equals: 1 };
    expect(matches(viaFirst, r3, { aliases: catalog })).toBe(true);
    const viaCurrent = { count: { field: 'Microsoft.Test/things/rules[*]', where: { value: "[current('Microsoft.Test/things/rules[*].port')]", equals: 443 } }, equals: 1 };
    expect(matches(viaCurrent, r3, { aliases: catalog })).toBe(true);
  });
  it('nested counts: the inner count runs over the outer member', () => {
    const cond = {
      count: {
        field: 'Microsoft.Test/things/rules[*]',
        where: { count: { field: 'Microsoft.Test/things/rules[*].sources[*]', where: { field: 'Microsoft.Test/things/rules[*].sources[*]', equals: '0.0.0.0/0' } }, greater: 0 },
      },
      equals: 1,
    };
    expect(matches(cond, r3, { aliases: catalog })).toBe(true);
  });
  it('value count with a name, current(name) and property access; nested value counts', () => {
    const cond = {
      count: { value: [{ p: 22 }, { p: 80 }], name: 'pp', where: { value: "[current('pp').p]", less: 50 } },
      equals: 1,
    };
    expect(matches(cond, {})).toBe(true);
    expect(matches({ count: { value: [1, 2, 3], where: { value: "[current('default')]", greater: 1 } }, equals: 2 }, {})).toBe(true);
    const nested = {
      count: { value: ['a', 'b'], name: 'outer', where: { count: { value: ['b', 'c'], name: 'inner', where: { value: "[current('inner')]", equals: "[current('outer')]" } }, equals: 1 } },
      equals: 1,
    };
    expect(matches(nested, {})).toBe(true);
  });
  it('current() outside count.where is a definition error', () => {
    expect(codeOf(() => ev(deny({ value: '[current()]', equals: 1 }), {}))).toBe('ZT5003');
  });
});

describe('expressions and functions in rules', () => {
  it('field() of a missing scalar is "" and of a missing [*] path []', () => {
    expect(matches({ value: "[field('properties.nope')]", equals: '' }, { properties: {} })).toBe(true);
    expect(matches({ value: "[length(field('properties.nope[*]'))]", equals: 0 }, { properties: {} })).toBe(true);
  });
  it('if() only evaluates the branch taken (guards a failing substring)', () => {
    const cond = { value: "[if(greater(length(field('name')), 3), substring(field('name'), 0, 3), field('name'))]", equals: 'ab' };
    expect(matches(cond, { name: 'ab' })).toBe(true);
  });
  it('a failing function denies with an error (Learn: a failed evaluation is an implicit deny)', () => {
    const r = ev({ if: { value: "[substring(field('name'), 0, 10)]", equals: 'x' }, then: { effect: 'audit' } }, { name: 'ab' });
    expect(r).toMatchObject({ effect: 'deny', compliance: 'Error', error: { code: 'ZT5101' } });
  });
  it('template contains()/equals() are case-sensitive, unlike the condition operators (A12)', () => {
    expect(matches({ value: "[contains(field('name'), 'PROD')]", equals: true }, { name: 'my-prod' })).toBe(false);
    expect(matches({ value: "[equals(field('name'), 'MY-PROD')]", equals: true }, { name: 'my-prod' })).toBe(false);
  });
  it('resourceGroup() and subscription() default from the resource id; context wins', () => {
    const r = thing();
    expect(matches({ value: '[resourceGroup().name]', equals: 'rg-a' }, r)).toBe(true);
    expect(matches({ value: '[subscription().subscriptionId]', equals: 'sub-1' }, r)).toBe(true);
    expect(matches({ value: '[resourceGroup().location]', equals: 'eastus' }, r, { context: { resourceGroup: { location: 'eastus' } } })).toBe(true);
  });
  it('requestContext().apiVersion is the request API version', () => {
    expect(matches({ value: '[requestContext().apiVersion]', less: '2021-01-01' }, {}, { apiVersion: '2019-06-01' })).toBe(true);
  });
  it('utcNow() uses the injected clock', () => {
    const now = new Date('2030-05-06T07:08:09.123Z');
    expect(matches({ value: '[utcNow()]', equals: '2030-05-06T07:08:09.1230000Z' }, {}, { options: { now } })).toBe(true);
    expect(matches({ value: "[addDays(utcNow(), 1)]", greater: '2030-05-07T00:00:00Z' }, {}, { options: { now } })).toBe(true);
  });
  it('rejects deployment-only and unknown functions at compile time; dateTimeAdd only under strictFunctions', () => {
    expect(codeOf(() => ev(deny({ value: "[resourceId('a', 'b')]", equals: 'x' }), {}))).toBe('ZT5002');
    expect(codeOf(() => ev(deny({ value: '[nope()]', equals: 'x' }), {}))).toBe('ZT5002');
    expect(codeOf(() => ev(deny({ value: "[dateTimeAdd('2024-01-01T00:00:00Z', 'P1D')]", equals: 'x' }), {}, { options: { strictFunctions: true } }))).toBe('ZT5002');
    expect(codeOf(() => ev(deny({ value: "[dateTimeAdd('2024-01-01T00:00:00Z', 'P1D')]", equals: 'x' }), {}))).toBeUndefined();
  });
});

describe('guid() and uniqueString()', () => {
  const rule = deny({ value: "[uniqueString(field('name'))]", equals: 'x' });
  it('do not compile by default (ARM-internal hash), and evaluate to a flagged stand-in on request', () => {
    expect(codeOf(() => ev(rule, { name: 'a' }))).toBe('ZT5002');
    const r = ev({ if: { value: "[length(uniqueString(field('name')))]", equals: 13 }, then: { effect: 'audit' } }, { name: 'a' }, { options: { opaqueHashFunctions: true } });
    expect(r.effect).toBe('audit');
    expect(r.warnings.join()).toMatch(/stand-in/);
    expect(matches({ value: "[guid('a', 'b')]", match: '........-....-....-....-............' }, {}, { options: { opaqueHashFunctions: true } })).toBe(true);
  });
});

describe('malformed rules throw coded errors', () => {
  it.each([
    ['unknown operator', deny({ field: 'name', equalz: 'x' }), 'ZT5003'],
    ['two operands', deny({ field: 'name', value: 'x', equals: 'x' }), 'ZT5003'],
    ['bad expression', deny({ value: "[concat('a',]", equals: 'x' }), 'ZT5001'],
    ['unknown effect', { if: { field: 'name', equals: 'x' }, then: { effect: 'block' } }, 'ZT5003'],
    ['count without [*]', deny({ count: { field: 'properties.list' }, equals: 0 }), 'ZT5003'],
    ['logical with extra keys', deny({ not: { field: 'name', equals: 'x' }, field: 'name' }), 'ZT5003'],
  ])('%s', (_label, rule, code) => {
    expect(codeOf(() => ev(rule as Rule, {}))).toBe(code);
  });
  it('an undeclared parameter is rejected; a declared one without value or default is a parameter error', () => {
    const def = (params: Record<string, { type?: string }>) => ({ properties: { mode: 'All', parameters: params, policyRule: deny({ field: 'location', notIn: "[parameters('allowed')]" }) } });
    expect(codeOf(() => evaluatePolicy({ definition: def({}), resource: {} }))).toBe('ZT5004');
    expect(codeOf(() => evaluatePolicy({ definition: def({ allowed: { type: 'Array' } }), resource: { location: 'x' } }))).toBe('ZT5007');
  });
  it('an assignment value outside allowedValues is rejected (case-sensitive; array parameters per element)', () => {
    const def = {
      properties: {
        parameters: { effect: { type: 'String', allowedValues: ['Deny', 'Audit'] }, locs: { type: 'Array', allowedValues: ['eastus', 'westus'], defaultValue: ['eastus'] } },
        policyRule: { if: { field: 'location', notIn: "[parameters('locs')]" }, then: { effect: "[parameters('effect')]" } },
      },
    };
    expect(codeOf(() => evaluatePolicy({ definition: def, resource: {}, parameters: { effect: 'deny' } }))).toBe('ZT5008');
    expect(codeOf(() => evaluatePolicy({ definition: def, resource: {}, parameters: { effect: 'Deny', locs: ['eastus', 'northeurope'] } }))).toBe('ZT5008');
    expect(evaluatePolicy({ definition: def, resource: { location: 'x' }, parameters: { effect: 'Deny', locs: ['westus'] } }).effect).toBe('deny');
  });
  it('parameters: assignment value, ARM { value } wrapper, declared default', () => {
    const definition = { properties: { mode: 'All', parameters: { allowed: { type: 'Array', defaultValue: ['westeurope'] }, effect: { type: 'String', defaultValue: 'Audit' } }, policyRule: { if: { field: 'location', notIn: "[parameters('allowed')]" }, then: { effect: "[parameters('effect')]" } } } };
    const r = evaluatePolicy({ definition, resource: { location: 'eastus' } });
    expect(r).toMatchObject({ effect: 'audit', effectAsWritten: 'Audit' });
    expect(evaluatePolicy({ definition, resource: { location: 'eastus' }, parameters: { allowed: { value: ['eastus'] } } }).effect).toBeUndefined();
    expect(evaluatePolicy({ definition, resource: { location: 'eastus' }, parameters: { Effect: 'Deny' } }).effectAsWritten).toBe('Deny');
  });
});

describe('modes and applicability (Learn: definition basics, applicability)', () => {
  const indexed = (cond: unknown) => ({ properties: { mode: 'Indexed', policyRule: { if: cond, then: { effect: 'audit' } } } });
  it('Indexed skips types that do not support tags and location, and resource groups', () => {
    const cond = { field: 'name', like: '*' };
    expect(evaluatePolicy({ definition: indexed(cond), resource: thing(), aliases: catalog }).effect).toBe('audit');
    const child = evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Test/things/children', name: 'c' }, aliases: catalog });
    expect(child).toMatchObject({ effect: undefined, applicable: false, compliance: 'NotApplicable' });
    // unknown type: judged by the document (a route has no location or tags)
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Network/routeTables/routes', name: 'r' }, options: { bundledAliases: false } }).applicable).toBe(false);
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Resources/resourceGroups', name: 'rg', location: 'x' } }).applicable).toBe(false);
  });
  it('Indexed without capability data: a top-level tracked type is evaluated without location; child types and location-less top-level types are not', () => {
    const cond = { field: 'name', like: '*' };
    // The bundled catalog (aliases only, no capability flags): a storage account is a tracked, top-level type.
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Storage/storageAccounts', name: 'st' } })).toMatchObject({ applicable: true, effect: 'audit' });
    // A child (proxy) type without location or tags: excluded; with tags it is judged by the document.
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Storage/storageAccounts/blobServices', name: 'default' } }).applicable).toBe(false);
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Network/virtualNetworks/subnets', name: 's' } }).applicable).toBe(false);
    // Top-level, but its ARM schema has no location (Microsoft.Security.json 2024-01-01): not tracked.
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Microsoft.Security/pricings', name: 'VirtualMachines' } }).applicable).toBe(false);
    // A top-level type the catalog does not know stays judged by the document.
    expect(evaluatePolicy({ definition: indexed(cond), resource: { type: 'Contoso.Unknown/widgets', name: 'w' } }).applicable).toBe(false);
  });
  it('Microsoft.Resources/* other than subscriptions and resource groups is never evaluated', () => {
    const r = ev({ if: { field: 'name', like: '*' }, then: { effect: 'audit' } }, { type: 'Microsoft.Resources/deployments', name: 'd' });
    expect(r.applicable).toBe(false);
    expect(ev({ if: { field: 'name', like: '*' }, then: { effect: 'audit' } }, { type: 'Microsoft.Resources/subscriptions', name: 's' }).effect).toBe('audit');
  });
  it('type conditions decide applicability; a resource of another type is NotApplicable, a compliant one Compliant', () => {
    const rule = { if: { allOf: [{ field: 'type', equals: 'Microsoft.Test/things' }, { field: 'location', notEquals: 'westeurope' }] }, then: { effect: 'deny' } };
    expect(ev(rule, { type: 'Microsoft.Other/x', location: 'eastus' })).toMatchObject({ effect: undefined, applicable: false, compliance: 'NotApplicable' });
    expect(ev(rule, thing())).toMatchObject({ effect: undefined, applicable: true, compliance: 'Compliant' });
    expect(ev(rule, thing({ location: 'eastus' }))).toMatchObject({ effect: 'deny', compliance: 'NonCompliant' });
    // name-only rules apply to every resource
    expect(ev({ if: { field: 'name', equals: 'x' }, then: { effect: 'deny' } }, { type: 'A/b', name: 'y' }).applicable).toBe(true);
  });
  it('a rule with a location condition does not apply to subscriptions', () => {
    const rule = { if: { field: 'location', notIn: ['westeurope'] }, then: { effect: 'deny' } };
    expect(ev(rule, { type: 'Microsoft.Resources/subscriptions', name: 's' })).toMatchObject({ effect: undefined, applicable: false });
    expect(ev(rule, { type: 'Microsoft.Resources/resourceGroups', name: 'rg', location: 'eastus' }).effect).toBe('deny');
  });
  it('applicability: false evaluates every resource as is', () => {
    const r = ev({ if: { field: 'name', like: '*' }, then: { effect: 'audit' } }, { type: 'Microsoft.Resources/deployments', name: 'd' }, { options: { applicability: false } });
    expect(r.effect).toBe('audit');
  });
});

describe('effects and details', () => {
  const onThing = { field: 'type', equals: 'Microsoft.Test/things' };
  it('effect is lower-case, effectAsWritten keeps the rule spelling; disabled applies nothing', () => {
    expect(ev({ if: onThing, then: { effect: 'AuditIfNotExists', details: { type: 'Microsoft.Test/things/children' } } }, thing(), { related: () => [] })).toMatchObject({
      effect: 'auditifnotexists',
      effectAsWritten: 'AuditIfNotExists',
    });
    expect(ev({ if: onThing, then: { effect: 'Disabled' } }, thing())).toMatchObject({ effect: undefined, matched: true, compliance: 'Compliant' });
  });
  it('denyAction and manual carry their details', () => {
    const da = ev({ if: onThing, then: { effect: 'denyAction', details: { actionNames: ['delete'], cascadeBehaviors: { resourceGroup: 'deny' } } } }, thing());
    expect(da).toMatchObject({ effect: 'denyaction', details: { actionNames: ['delete'], cascadeBehaviors: { resourceGroup: 'deny' } } });
    const man = ev({ if: onThing, then: { effect: 'manual', details: { defaultState: 'Compliant' } } }, thing());
    expect(man).toMatchObject({ effect: 'manual', compliance: 'Compliant' });
  });
  it('append lists the evaluated pairs and acts as deny when it would change an existing value', () => {
    const rule = { if: onThing, then: { effect: 'append', details: [{ field: 'properties.mode', value: "[toUpper('strict')]" }] } };
    expect(ev(rule, thing())).toMatchObject({ effect: 'append', details: [{ field: 'properties.mode', value: 'STRICT' }] });
    expect(ev(rule, thing({ properties: { mode: 'lax' } }))).toMatchObject({ effect: 'deny', details: { conflict: { field: 'properties.mode', current: 'lax' } } });
  });
  it('modify: operations to apply, conditions evaluated, conflictEffect defaults to deny, add keeps an existing value (A13)', () => {
    const rule = {
      if: onThing,
      then: {
        effect: 'modify',
        details: {
          roleDefinitionIds: ['/providers/Microsoft.Authorization/roleDefinitions/4a9ae827-6dc8-4573-8ac7-8239d42aa03f'],
          operations: [
            { operation: 'addOrReplace', field: "tags['env']", value: "[toLower('PROD')]" },
            { operation: 'add', field: "tags['owner']", value: 'platform' },
            { operation: 'remove', field: "tags['temp']" },
            { operation: 'addOrReplace', field: "tags['x']", value: 'y', condition: "[equals(requestContext().apiVersion, '2000-01-01')]" },
          ],
        },
      },
    };
    const r = ev(rule, thing({ tags: { owner: 'someone' } }));
    expect(r.effect).toBe('modify');
    const d = r.details as { conflictEffect: string; operations: { field: string; value?: unknown }[]; skippedOperations: { field: string }[] };
    expect(d.conflictEffect).toBe('deny');
    expect(d.operations).toEqual([
      { operation: 'addOrReplace', field: "tags['env']", value: 'prod' },
      { operation: 'remove', field: "tags['temp']" },
    ]);
    expect(d.skippedOperations.map((o) => o.field)).toEqual(["tags['owner']", "tags['x']"]);
    expect(r.warnings.join()).toMatch(/owner/);
    expect(ev(rule, thing({ tags: { owner: 'someone' } }), { options: { modifyAddExisting: 'deny' } }).effect).toBe('deny');
  });
  it('modify of identity.type applies to VMs and scale sets only', () => {
    const rule = { if: { field: 'identity.type', notContains: 'SystemAssigned' }, then: { effect: 'modify', details: { roleDefinitionIds: [], operations: [{ operation: 'addOrReplace', field: 'identity.type', value: 'SystemAssigned' }] } } };
    expect(ev(rule, { type: 'Microsoft.Compute/virtualMachines', location: 'x' }).effect).toBe('modify');
    expect(ev(rule, { type: 'Microsoft.Web/sites', location: 'x' })).toMatchObject({ effect: undefined, applicable: false, compliance: 'NotApplicable' });
  });
  it('auditIfNotExists: existenceCondition reads the related resource, field() the evaluated one', () => {
    const rule = {
      if: onThing,
      then: {
        effect: 'auditIfNotExists',
        details: {
          type: 'Microsoft.Insights/diagnosticSettings',
          existenceCondition: { allOf: [{ field: 'properties.workspaceId', exists: true }, { value: "[field('name')]", equals: 't1' }] },
        },
      },
    };
    const queries: unknown[] = [];
    const good = ev(rule, thing(), { related: (q) => (queries.push(q), [{ name: 'a', properties: {} }, { name: 'b', properties: { workspaceId: '/w' } }]) });
    expect(good).toMatchObject({ effect: undefined, compliance: 'Compliant', details: { existenceCheck: { checked: true, candidates: 2, satisfiedBy: 1 } } });
    expect(queries[0]).toMatchObject({ type: 'Microsoft.Insights/diagnosticSettings', scope: 'resourceGroup', resourceGroupName: 'rg-a', subscriptionId: 'sub-1' });
    const bad = ev(rule, thing(), { related: () => [{ name: 'a', properties: {} }] });
    expect(bad).toMatchObject({ effect: 'auditifnotexists', compliance: 'NonCompliant', details: { existenceCheck: { satisfiedBy: null } } });
    const unknown = ev(rule, thing());
    expect(unknown).toMatchObject({ effect: 'auditifnotexists', compliance: 'Unknown', details: { existenceCheck: { checked: false } } });
  });
  it('existence scope: child types search under the resource, existenceScope Subscription the subscription', () => {
    const seen: string[] = [];
    const related = (q: { scope: string }) => (seen.push(q.scope), []);
    ev({ if: onThing, then: { effect: 'auditIfNotExists', details: { type: 'Microsoft.Test/things/children', name: "[concat(field('name'), '/?')]" } } }, thing(), { related });
    ev({ if: onThing, then: { effect: 'auditIfNotExists', details: { type: 'Microsoft.Security/pricings', existenceScope: 'Subscription' } } }, thing(), { related });
    expect(seen).toEqual(['resource', 'subscription']);
  });
  it('deployIfNotExists evaluates deployment parameters but leaves the template to ARM', () => {
    const rule = {
      if: onThing,
      then: {
        effect: 'deployIfNotExists',
        details: {
          type: 'Microsoft.Test/things/children',
          roleDefinitionIds: ['/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c'],
          deployment: {
            properties: {
              mode: 'incremental',
              template: { parameters: { n: { type: 'string' } }, resources: [{ name: "[parameters('n')]" }] },
              parameters: { n: { value: "[field('name')]" } },
            },
          },
        },
      },
    };
    const r = ev(rule, thing(), { related: () => [] });
    expect(r.effect).toBe('deployifnotexists');
    const dep = (r.details as { deployment: { properties: { parameters: unknown; template: { resources: { name: string }[] } } } }).deployment;
    expect(dep.properties.parameters).toEqual({ n: { value: 't1' } });
    expect(dep.properties.template.resources[0]!.name).toBe("[parameters('n')]");
  });
});

describe('compilePolicy', () => {
  it('compiles once and evaluates many resources with their own parameters', () => {
    const p = compilePolicy({ properties: { mode: 'Indexed', parameters: { allowed: { type: 'Array' } }, policyRule: deny({ field: 'location', notIn: "[parameters('allowed')]" }) } }, { trace: false });
    expect(p.mode).toBe('indexed');
    expect(p.evaluate(thing(), { parameters: { allowed: ['westeurope'] } }).effect).toBeUndefined();
    expect(p.evaluate(thing(), { parameters: { allowed: ['eastus'] } })).toMatchObject({ effect: 'deny', trace: [] });
  });
  it('records a trace of the conditions that decided', () => {
    const r = ev(deny({ allOf: [{ field: 'type', equals: 'Microsoft.Test/things' }, { field: 'location', in: ['westeurope'] }] }), thing());
    expect(r.trace.map((t) => `${t.path}=${t.result}`)).toEqual(['if.allOf[0]=true', 'if.allOf[1]=true', 'if=true']);
    expect(r.trace[1]!.detail).toContain('westeurope');
  });
  it('a resource that is not an object is bad input', () => {
    expect(codeOf(() => ev(deny({ field: 'name', equals: 'x' }), 'nope'))).toBe('ZT5003');
  });
});

/**
 * Semantics note §2 (Parameters, evaluator contract): assignment value -> defaultValue -> error, checked the way
 * Azure checks an assignment (it refuses one that leaves a required parameter unset, passes a value outside
 * allowedValues, or a value of the wrong type), so the error comes before, and regardless of, any resource.
 */
describe('assignment parameters are checked up front, as Azure checks the assignment', () => {
  const workspace = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-mgmt/providers/Microsoft.OperationalInsights/workspaces/law';
  // Shaped like ZT-MON-01: the required parameter is read only inside the existenceCondition.
  const aine = {
    properties: {
      mode: 'All',
      parameters: {
        logAnalytics: { type: 'String' },
        effect: { type: 'String', defaultValue: 'AuditIfNotExists', allowedValues: ['AuditIfNotExists', 'Disabled'] },
      },
      policyRule: {
        if: { field: 'type', equals: 'Microsoft.Resources/subscriptions' },
        then: {
          effect: "[parameters('effect')]",
          details: {
            type: 'Microsoft.Insights/diagnosticSettings',
            existenceCondition: { field: 'Microsoft.Insights/diagnosticSettings/workspaceId', equals: "[parameters('logAnalytics')]" },
          },
        },
      },
    },
  };
  const sub = { id: '/subscriptions/00000000-0000-0000-0000-000000000001', type: 'Microsoft.Resources/subscriptions', name: '00000000-0000-0000-0000-000000000001' };
  const caught = (f: () => unknown): ParameterValueError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ParameterValueError) return e;
      throw e;
    }
    throw new Error('expected a ParameterValueError, nothing was thrown');
  };

  it('a required parameter without value is ZT5007 even when no related resource makes the rule read it', () => {
    const e = caught(() => evaluatePolicy({ definition: aine, resource: sub, related: () => [] }));
    expect(e.code).toBe('ZT5007');
    expect(e).toBeInstanceOf(PolicyDefinitionError);
    expect(e.exitCode).toBe(2);
    expect(e.parameters).toEqual(['logAnalytics']);
    expect(e.message).toMatch(/'logAnalytics'/);
    expect(e.hint).toMatch(/parameters/);
    expect(e.hint).toMatch(/defaultValue/);
    // A resource the rule does not apply to does not hide it either: the assignment itself is refused.
    expect(codeOf(() => evaluatePolicy({ definition: aine, resource: { type: 'Microsoft.Compute/virtualMachines', name: 'vm' } }))).toBe('ZT5007');
    // compiled.checkParameters reports it without any resource.
    expect(codeOf(() => compilePolicy(aine).checkParameters({}))).toBe('ZT5007');
  });

  it('names every parameter that is missing', () => {
    const def = { properties: { parameters: { a: { type: 'String' }, b: { type: 'Array' }, c: { type: 'String', defaultValue: 'x' } }, policyRule: { if: { field: 'name', equals: "[parameters('a')]" }, then: { effect: 'audit' } } } };
    expect(caught(() => evaluatePolicy({ definition: def, resource: { name: 'n' } })).parameters).toEqual(['a', 'b']);
    expect(caught(() => evaluatePolicy({ definition: def, resource: { name: 'n' }, parameters: { A: 'n' } })).parameters).toEqual(['b']);
  });

  it('with the value supplied (plain or ARM { value } wrapper, any name case) the rule runs', () => {
    const related = () => [{ type: 'Microsoft.Insights/diagnosticSettings', name: 'd', properties: { workspaceId: workspace } }];
    expect(evaluatePolicy({ definition: aine, resource: sub, parameters: { logAnalytics: workspace }, related }).compliance).toBe('Compliant');
    expect(evaluatePolicy({ definition: aine, resource: sub, parameters: { LOGANALYTICS: { value: workspace } }, related: () => [] })).toMatchObject({ effect: 'auditifnotexists', compliance: 'NonCompliant' });
  });

  it('the declared defaultValue is used when no value is given', () => {
    // effect has a default and is not passed: the assignment is valid and the default decides the effect.
    const r = evaluatePolicy({ definition: aine, resource: sub, parameters: { logAnalytics: workspace }, related: () => [] });
    expect(r.effectAsWritten).toBe('AuditIfNotExists');
    const def = { properties: { parameters: { tagName: { type: 'String', defaultValue: 'owner' } }, policyRule: { if: { field: "[concat('tags[', parameters('tagName'), ']')]", exists: false }, then: { effect: 'deny' } } } };
    expect(evaluatePolicy({ definition: def, resource: { name: 'x', tags: {} } }).effect).toBe('deny');
    expect(evaluatePolicy({ definition: def, resource: { name: 'x', tags: { owner: 'me' } } }).effect).toBeUndefined();
  });

  it('a value outside allowedValues is ZT5008, compared case-sensitively as Azure does at assignment time', () => {
    const e = caught(() => evaluatePolicy({ definition: aine, resource: sub, parameters: { logAnalytics: workspace, effect: 'Deny' } }));
    expect([e.code, e.parameters]).toEqual(['ZT5008', ['effect']]);
    expect(e.hint).toMatch(/AuditIfNotExists/);
    expect(codeOf(() => evaluatePolicy({ definition: aine, resource: sub, parameters: { logAnalytics: workspace, effect: 'disabled' } }))).toBe('ZT5008');
    expect(codeOf(() => evaluatePolicy({ definition: aine, resource: sub, parameters: { logAnalytics: workspace, effect: 'Disabled' }, related: () => [] }))).toBeUndefined();
  });

  it.each([
    ['String', 42],
    ['String', ['a']],
    ['Integer', '5'],
    ['Integer', 1.5],
    ['Float', 'x'],
    ['Boolean', 'true'],
    ['Array', 'eastus'],
    ['Object', ['a']],
    ['object', 'x'],
    ['DateTime', 'not a date'],
    ['DateTime', 20260101],
  ])('a %s parameter given %j is ZT5009', (type, value) => {
    const def = { properties: { parameters: { p: { type } }, policyRule: { if: { field: 'name', equals: 'x' }, then: { effect: 'audit' } } } };
    const e = caught(() => evaluatePolicy({ definition: def, resource: { name: 'x' }, parameters: { p: value } }));
    expect([e.code, e.parameters]).toEqual(['ZT5009', ['p']]);
    expect(e.message).toContain(type);
  });

  it.each([
    ['String', 'x'],
    ['Integer', 5],
    ['Float', 1.5],
    ['Float', 2],
    ['Boolean', false],
    ['Array', []],
    ['Object', { a: 1 }],
    ['DateTime', '2026-01-01T00:00:00.0000000Z'],
  ])('a %s parameter accepts %j', (type, value) => {
    const def = { properties: { parameters: { p: { type } }, policyRule: { if: { field: 'name', equals: 'x' }, then: { effect: 'audit' } } } };
    expect(evaluatePolicy({ definition: def, resource: { name: 'x' }, parameters: { p: value } }).effect).toBe('audit');
  });

  it('strictParameters: false keeps the lenient behaviour (an error only where the rule reads the parameter)', () => {
    const options = { strictParameters: false };
    expect(evaluatePolicy({ definition: aine, resource: sub, related: () => [], options }).effect).toBe('auditifnotexists');
    const related = () => [{ type: 'Microsoft.Insights/diagnosticSettings', name: 'd', properties: { workspaceId: workspace } }];
    expect(codeOf(() => evaluatePolicy({ definition: aine, resource: sub, related, options }))).toBe('ZT5007');
    // allowedValues stay checked: they are part of the definition, not of strictness.
    expect(codeOf(() => evaluatePolicy({ definition: aine, resource: sub, parameters: { effect: 'Deny' }, options }))).toBe('ZT5008');
  });

  it('the check runs once per parameters object, not per resource', () => {
    const policy = compilePolicy(aine, { trace: false });
    const params = { logAnalytics: workspace };
    // A getter counts how often the parameters object is read: a reused object is resolved once.
    let reads = 0;
    const counted = Object.defineProperty({}, 'logAnalytics', { enumerable: true, get: () => (reads++, params.logAnalytics) }) as Record<string, unknown>;
    for (let i = 0; i < 5; i++) policy.evaluate(sub, { parameters: counted, related: () => [] });
    expect(reads).toBe(1);
    // A refused object is refused every time (errors are not cached as values).
    const bad = {};
    expect(codeOf(() => policy.evaluate(sub, { parameters: bad }))).toBe('ZT5007');
    expect(codeOf(() => policy.evaluate(sub, { parameters: bad }))).toBe('ZT5007');
  });
});
