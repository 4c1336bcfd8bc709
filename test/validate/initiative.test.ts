import { describe, expect, it } from 'vitest';
import { validateInitiative } from '../../src/validate/initiative.js';
import type { BuiltinInfo } from '../../src/validate/initiative.js';

const custom = (n: string) => `/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/${n}`;
const BUILTIN = '/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9';
const definitions = new Map<string, unknown>([
  ['zt-stg-02-minimum-tls', { name: 'zt-stg-02-minimum-tls', properties: { parameters: { effect: { type: 'String', defaultValue: 'Deny' }, level: { type: 'String' } } } }],
]);
const builtins = new Map<string, BuiltinInfo>([
  [BUILTIN.toLowerCase(), { id: BUILTIN, displayName: '[Deprecated]: Secure transfer', deprecated: true, parameters: { effect: { hasDefault: true } } }],
]);

function set(props: Record<string, unknown> = {}, name = 'zt-storage') {
  return {
    name,
    properties: {
      displayName: 'Zero Trust: storage',
      description: 'Storage controls',
      policyType: 'Custom',
      metadata: { version: '1.0.0' },
      parameters: { effect: { type: 'String', defaultValue: 'Deny' } },
      policyDefinitionGroups: [{ name: 'assume-breach' }],
      policyDefinitions: [
        {
          policyDefinitionId: custom('zt-stg-02-minimum-tls'),
          policyDefinitionReferenceId: 'zt-stg-02',
          parameters: { effect: { value: "[parameters('effect')]" }, level: { value: 'TLS1_2' } },
          groupNames: ['assume-breach'],
        },
      ],
      ...props,
    },
  };
}
const run = (d: unknown, extra = {}) => validateInitiative(d, { definitions, builtins, file: 'initiatives/storage.ts', ...extra });

describe('validateInitiative', () => {
  it('accepts a well-formed initiative', () => {
    expect(run(set())).toEqual([]);
  });

  it('reports a custom member that is not a definition of the project (dangling)', () => {
    const d = run(set({ policyDefinitions: [{ policyDefinitionId: custom('zt-gone'), policyDefinitionReferenceId: 'g' }], parameters: {} }));
    expect(d.map((x) => [x.code, x.jsonPath])).toEqual([['ZT1009', '$.properties.policyDefinitions[0].policyDefinitionId']]);
  });

  it('reports an empty initiative and more than 1,000 members', () => {
    expect(run(set({ policyDefinitions: [], parameters: {} })).map((x) => x.code)).toEqual(['ZT1010']);
    const many = Array.from({ length: 1001 }, (_, i) => ({ policyDefinitionId: custom('zt-stg-02-minimum-tls'), policyDefinitionReferenceId: `r${i}`, parameters: { level: { value: 'x' } } }));
    expect(run(set({ policyDefinitions: many, parameters: {} })).map((x) => x.code)).toEqual(['ZT3008']);
  });

  it('flags deprecated built-ins (warning), sets inside sets and undeclared member parameters', () => {
    const d = run(
      set({
        parameters: {},
        policyDefinitions: [
          { policyDefinitionId: BUILTIN, policyDefinitionReferenceId: 'b', parameters: { effectt: { value: 'Audit' } } },
          { policyDefinitionId: '/providers/Microsoft.Authorization/policySetDefinitions/abc', policyDefinitionReferenceId: 's' },
          { policyDefinitionId: custom('zt-stg-02-minimum-tls'), policyDefinitionReferenceId: 'c' },
        ],
      }),
    );
    expect(d.map((x) => [x.code, x.severity])).toEqual([
      ['ZT4007', 'warning'],
      ['ZT4008', 'error'],
      ['ZT1012', 'error'],
      ['ZT4009', 'error'],
    ]);
  });

  it('checks reference ids, groups and initiative parameters', () => {
    const m = { policyDefinitionId: custom('zt-stg-02-minimum-tls'), policyDefinitionReferenceId: 'same', parameters: { level: { value: "[parameters('lvl')]" } }, groupNames: ['nope'] };
    const d = run(set({ policyDefinitions: [m, m] }));
    expect(d.map((x) => x.code)).toEqual(['ZT3022', 'ZT3021', 'ZT3022', 'ZT4001', 'ZT4006']);
  });

  it('checks the derived assignment name against 24 characters at management-group scope', () => {
    const name = (n: string) => `zt-${n}`;
    expect(run(set({}, 'a'.repeat(21)), { assignmentName: name })).toEqual([]);
    expect(run(set({}, 'a'.repeat(22)), { assignmentName: name }).map((x) => x.code)).toEqual(['ZT3003']);
  });

  it('allows 400 initiative parameters and rejects 401', () => {
    const params = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'String' }]));
    const members = (n: number) => Array.from({ length: n }, (_, i) => ({ policyDefinitionId: custom('zt-stg-02-minimum-tls'), policyDefinitionReferenceId: `r${i}`, parameters: { level: { value: `[parameters('p${i}')]` } } }));
    expect(run(set({ parameters: params(400), policyDefinitions: members(400) }))).toEqual([]);
    expect(run(set({ parameters: params(401), policyDefinitions: members(401) })).map((x) => x.code)).toEqual(['ZT3007']);
  });
});
