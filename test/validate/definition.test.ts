import { describe, expect, it } from 'vitest';
import { loadRuleValidator } from '../../src/io/schemas.js';
import { validateDefinition } from '../../src/validate/definition.js';

const schema = loadRuleValidator();

function def(overrides: { name?: string; properties?: Record<string, unknown> } = {}) {
  return {
    name: overrides.name ?? 'zt-stg-02-minimum-tls',
    properties: {
      displayName: 'Storage accounts require TLS 1.2',
      description: 'Deny storage accounts that accept TLS below 1.2.',
      policyType: 'Custom',
      mode: 'Indexed',
      metadata: { version: '1.0.0', category: 'Storage' },
      parameters: {
        effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Deny' },
      },
      policyRule: {
        if: {
          allOf: [
            { field: 'type', equals: 'Microsoft.Storage/storageAccounts' },
            { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'TLS1_2' },
          ],
        },
        then: { effect: "[parameters('effect')]" },
      },
      ...overrides.properties,
    },
  };
}
const codes = (d: unknown) => validateDefinition(d, { schema, file: 'definitions/storage/x.ts' }).map((x) => x.code);

describe('validateDefinition', () => {
  it('accepts a well-formed definition', () => {
    expect(validateDefinition(def(), { schema })).toEqual([]);
  });

  it('limits names to 64 characters (InvalidPolicyDefinitionName)', () => {
    expect(codes(def({ name: 'a'.repeat(64) }))).toEqual([]);
    const d = validateDefinition(def({ name: 'a'.repeat(65) }), { schema, file: 'f.ts' });
    expect(d.map((x) => x.code)).toEqual(['ZT3001']);
    expect(d[0]).toMatchObject({ file: 'f.ts', jsonPath: '$.name' });
  });

  it('rejects the characters the ARM name pattern forbids, and a trailing space or period', () => {
    for (const bad of ['a<b', 'a>b', 'a*b', 'a%b', 'a&b', 'a:b', 'a\\b', 'a?b', 'a.b', 'a+b', 'a/b', 'ab ', 'ab.', 'a\tb']) {
      expect(codes(def({ name: bad })), bad).toContain('ZT3002');
    }
    expect(codes(def({ name: 'zt-ok_name (1)' }))).toEqual([]);
  });

  it('limits displayName to 128 and description to 512 characters', () => {
    expect(codes(def({ properties: { displayName: 'd'.repeat(128) } }))).toEqual([]);
    expect(codes(def({ properties: { displayName: 'd'.repeat(129) } }))).toEqual(['ZT3004']);
    expect(codes(def({ properties: { displayName: '' } }))).toEqual(['ZT3004']);
    expect(codes(def({ properties: { description: 'd'.repeat(512) } }))).toEqual([]);
    expect(codes(def({ properties: { description: 'd'.repeat(513) } }))).toEqual(['ZT3005']);
  });

  it('limits metadata values to 1,024 characters', () => {
    expect(codes(def({ properties: { metadata: { category: 'c'.repeat(1025) } } }))).toEqual(['ZT3020']);
    const d = validateDefinition(def({ properties: { metadata: { ztpolicy: { a: 'x'.repeat(600), b: 'y'.repeat(600) } } } }), { schema });
    expect(d.map((x) => [x.code, x.severity, x.jsonPath])).toEqual([['ZT3020', 'warning', '$.properties.metadata.ztpolicy']]);
  });

  it('allows 20 parameters and rejects 21', () => {
    const rule = (n: number) => ({
      if: { anyOf: Array.from({ length: n }, (_, i) => ({ field: 'name', equals: `[parameters('p${i}')]` })) },
      then: { effect: 'audit' },
    });
    const params = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'String' }]));
    expect(codes(def({ properties: { parameters: params(20), policyRule: rule(20) } }))).toEqual([]);
    expect(codes(def({ properties: { parameters: params(21), policyRule: rule(21) } }))).toEqual(['ZT3006']);
  });

  it('reports parameters used but not declared, and declared but unused', () => {
    const d = validateDefinition(
      def({
        properties: {
          parameters: { effect: { type: 'String', defaultValue: 'Deny' }, spare: { type: 'String' } },
          policyRule: { if: { field: 'location', notIn: "[parameters('allowedLocations')]" }, then: { effect: "[parameters('Effect')]" } },
        },
      }),
      { schema },
    );
    expect(d.map((x) => [x.code, x.jsonPath])).toEqual([
      ['ZT4001', '$.properties.policyRule.if.notIn'],
      ['ZT4002', '$.properties.parameters.spare'],
    ]);
  });

  it('does not treat the DINE deployment template\'s own parameters() as policy parameters', () => {
    const d = def({
      properties: {
        parameters: { effect: { type: 'String', allowedValues: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], defaultValue: 'DeployIfNotExists' } },
        policyRule: {
          if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' },
          then: {
            effect: "[parameters('effect')]",
            details: {
              type: 'Microsoft.Insights/diagnosticSettings',
              roleDefinitionIds: ['/providers/Microsoft.Authorization/roleDefinitions/749f88d5-cbae-40b8-bcfc-e573ddc772fa'],
              deployment: {
                properties: {
                  mode: 'incremental',
                  template: { parameters: { workspace: { type: 'string' } }, resources: [{ name: "[parameters('workspace')]" }] },
                  parameters: {},
                },
              },
            },
          },
        },
      },
    });
    expect(codes(d)).toEqual([]);
  });

  it('rejects effects the rule details cannot carry out', () => {
    const d = validateDefinition(
      def({ properties: { parameters: { effect: { type: 'String', allowedValues: ['Audit', 'DeployIfNotExists', 'Modify'], defaultValue: 'Audit' } } } }),
      { schema },
    );
    expect(d.map((x) => [x.code, x.jsonPath])).toEqual([
      ['ZT4003', '$.properties.parameters.effect.allowedValues[1]'],
      ['ZT4003', '$.properties.parameters.effect.allowedValues[2]'],
    ]);
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: { field: 'type', equals: 'x' }, then: { effect: 'auditIfNotExists' } } } }))).toEqual(['ZT4003']);
  });

  it('checks defaultValue against allowedValues (case-sensitive) and the declared type', () => {
    expect(codes(def({ properties: { parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny'], defaultValue: 'deny' } } } }))).toEqual(['ZT4004']);
    const p = { effect: { type: 'String', defaultValue: 'Deny' }, n: { type: 'Integer', defaultValue: 'three' } };
    const rule = { if: { field: 'name', equals: "[parameters('n')]" }, then: { effect: "[parameters('effect')]" } };
    expect(codes(def({ properties: { parameters: p, policyRule: rule } }))).toEqual(['ZT4005']);
  });

  it('reports unparsable template expressions with their path', () => {
    const d = validateDefinition(def({ properties: { parameters: {}, policyRule: { if: { field: "[concat('a', field('b')]", exists: true }, then: { effect: 'audit' } } } }), { schema });
    expect(d.map((x) => [x.code, x.jsonPath])).toEqual([['ZT3023', '$.properties.policyRule.if.field']]);
  });

  it('enforces the function nesting (64) and value count (10) limits', () => {
    let e = "'x'";
    for (let i = 0; i < 65; i++) e = `toLower(${e})`;
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: { value: `[${e}]`, equals: 'x' }, then: { effect: 'audit' } } } }))).toEqual(['ZT3015']);
    const counts = (n: number) => ({ allOf: Array.from({ length: n }, () => ({ count: { value: [1, 2] }, equals: 2 })) });
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: counts(10), then: { effect: 'audit' } } } }))).toEqual([]);
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: counts(11), then: { effect: 'audit' } } } }))).toEqual(['ZT3018']);
  });

  it('enforces the 4,096 condition expressions limit and the 1 MiB body limit', () => {
    const conds = (n: number) => ({ anyOf: Array.from({ length: n }, (_, i) => ({ field: 'name', equals: `n${i}` })) });
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: conds(4096), then: { effect: 'audit' } } } }))).toEqual([]);
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: conds(4097), then: { effect: 'audit' } } } }))).toEqual(['ZT3011']);
    const big = { anyOf: [{ field: 'name', in: Array.from({ length: 20000 }, (_, i) => `name-${i}-${'x'.repeat(40)}`) }] };
    expect(codes(def({ properties: { parameters: {}, policyRule: { if: big, then: { effect: 'audit' } } } }))).toEqual(['ZT3009']);
  });
});
