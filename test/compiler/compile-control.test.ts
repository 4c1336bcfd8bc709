/**
 * compileControl's checks beyond the types: aliases against the runtime catalog (with "did you mean"),
 * names, versions, parameters. Each case builds a control that Azure would reject or that breaks a house rule.
 */
import { describe, expect, it } from 'vitest';
import { compileControl } from '../../src/compiler/index.js';
import { audit, defineControl, deny, fieldsOf, param, rawField, type Control } from '../../src/dsl/index.js';

function control(overrides: Partial<Record<'name' | 'controlId' | 'version' | 'mode', string>> = {}, build?: (f: typeof rawField) => Control['rule']['if']): Control {
  return defineControl({
    name: overrides.name ?? 'zt-stg-97-test',
    controlId: overrides.controlId ?? 'ZT-STG-97',
    displayName: 'test',
    description: 'test',
    principle: 'assume-breach',
    unit: 'storage',
    version: overrides.version ?? '1.0.0',
    category: 'Storage',
    mode: (overrides.mode ?? 'Indexed') as 'Indexed',
    resourceType: 'Microsoft.Storage/storageAccounts',
    rule: ({ field }) => ({ if: build ? build(rawField) : field('name').equals('x'), then: audit() }),
    remediation: 'n/a',
  });
}

const codes = (c: Control) => compileControl(c).diagnostics.map((d) => d.code);

describe('alias checks', () => {
  it('an alias typo is an error with a did-you-mean suggestion and the JSON path', () => {
    const d = compileControl(control({}, (f) => f('Microsoft.Storage/storageAccounts/minimumTlsVerson').equals('TLS1_2'))).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'ZT6001', severity: 'error', jsonPath: '$.properties.policyRule.if.field' });
    expect(d[0]!.message).toContain("did you mean 'Microsoft.Storage/storageAccounts/minimumTlsVersion'");
  });

  it('alias names match case-insensitively, as Azure does', () => {
    expect(codes(control({}, (f) => f('microsoft.storage/storageaccounts/MINIMUMTLSVERSION').equals('TLS1_2')))).toEqual([]);
  });

  it('an alias of another resource type is reported with the type it belongs to', () => {
    const d = compileControl(control({}, (f) => f('Microsoft.Compute/virtualMachines/licenseType').exists(true))).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['ZT6013']);
    expect(d[0]!.message).toContain('Microsoft.Compute/virtualMachines');
  });

  it('fieldsOf() checks the alias against the type it names', () => {
    const ok = defineControl({
      ...baseSpec(),
      rule: () => ({ if: fieldsOf('Microsoft.Network/virtualNetworks/subnets')('Microsoft.Network/virtualNetworks/subnets/networkSecurityGroup.id').exists(false), then: audit() }),
    });
    expect(codes(ok)).toEqual([]);
  });

  it('field() inside an expression is checked too', () => {
    expect(codes(control({}, (f) => f('name').equals("[field('Microsoft.Storage/storageAccounts/nope')]")))).toEqual(['ZT6001']);
  });
});

function baseSpec() {
  return {
    name: 'zt-stg-97-test',
    controlId: 'ZT-STG-97',
    displayName: 'test',
    description: 'test',
    principle: 'assume-breach',
    unit: 'storage',
    version: '1.0.0',
    category: 'Storage',
    mode: 'All',
    resourceType: 'Microsoft.Storage/storageAccounts',
    remediation: 'n/a',
  } as const;
}

describe('names and versions', () => {
  it('a name without the control id prefix is ZT6004', () => {
    expect(codes(control({ name: 'minimum-tls' }))).toEqual(['ZT6004']);
  });
  it('a name over 64 characters is ZT3001', () => {
    expect(codes(control({ name: `zt-stg-97-${'x'.repeat(60)}` }))).toContain('ZT3001');
  });
  it('a name with a character Azure forbids is ZT3002', () => {
    expect(codes(control({ name: 'zt-stg-97-a.b' }))).toContain('ZT3002');
  });
  it('a name that is not kebab-case is ZT6011', () => {
    expect(codes(control({ name: 'zt-stg-97-Minimum_TLS' }))).toContain('ZT6011');
  });
  it('a version that is not semver is ZT6003', () => {
    expect(codes(control({ version: '1.0' }))).toEqual(['ZT6003']);
  });
  it('an unknown mode (untyped input) is ZT6008', () => {
    expect(codes(control({ mode: 'Everything' }))).toEqual(['ZT6008']);
  });
  it('a non-control value is ZT6014, not a crash', () => {
    expect(compileControl({ kind: 'nope' } as unknown as Control).diagnostics.map((d) => d.code)).toEqual(['ZT6014']);
  });
});

describe('parameters', () => {
  it('an unused parameter is a warning (ZT4002)', () => {
    const c = defineControl({
      ...baseSpec(),
      parameters: { unused: param.string({ defaultValue: 'x' }) },
      rule: ({ field }) => ({ if: field('name').equals('x'), then: audit() }),
    });
    const d = compileControl(c).diagnostics;
    expect(d.map((x) => [x.code, x.severity])).toEqual([['ZT4002', 'warning']]);
  });

  it('a default value outside allowedValues is ZT4004', () => {
    const c = defineControl({
      ...baseSpec(),
      // Typed authors cannot write this (NoInfer); untyped input can.
      parameters: { tls: param.string({ allowedValues: ['TLS1_2'], defaultValue: 'TLS1_0' as 'TLS1_2' }) },
      rule: ({ field, p }) => ({ if: field('Microsoft.Storage/storageAccounts/minimumTlsVersion').notEquals(p.tls), then: audit() }),
    });
    expect(codes(c)).toEqual(['ZT4004']);
  });

  it('an effect parameter without allowedValues is ZT4003', () => {
    const c = defineControl({
      ...baseSpec(),
      parameters: { effect: param.string({ defaultValue: 'Deny' }) },
      rule: ({ field, p }) => ({ if: field('name').equals('x'), then: deny(p.effect as never) }),
    });
    expect(codes(c)).toEqual(['ZT4003']);
  });

  it('parameters are emitted with type, allowedValues, defaultValue and metadata', () => {
    const c = defineControl({
      ...baseSpec(),
      parameters: {
        effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
        workspace: param.string({ displayName: 'Workspace', strongType: 'omsWorkspace', assignPermissions: true }),
        limit: param.integer({ defaultValue: 7 }),
        flag: param.boolean({ defaultValue: true }),
        ratio: param.float({ defaultValue: 0.5 }),
        since: param.dateTime({ defaultValue: '2026-01-01T00:00:00.0000000Z' }),
        list: param.array({ defaultValue: [] }),
        obj: param.object({ defaultValue: {}, schema: { type: 'object' } }),
      },
      rule: ({ field, p }) => ({
        if: field('name').in([p.workspace, p.limit, p.flag, p.ratio, p.since, p.list, p.obj].map((x) => `[parameters('${x.paramName}')]`)),
        then: deny(p.effect),
      }),
    });
    const { document, diagnostics } = compileControl(c);
    expect(diagnostics).toEqual([]);
    expect(document.properties.parameters).toEqual({
      effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Audit', metadata: { displayName: 'Effect', description: 'Enable or disable the execution of the policy' } },
      workspace: { type: 'String', metadata: { displayName: 'Workspace', strongType: 'omsWorkspace', assignPermissions: true } },
      limit: { type: 'Integer', defaultValue: 7 },
      flag: { type: 'Boolean', defaultValue: true },
      ratio: { type: 'Float', defaultValue: 0.5 },
      since: { type: 'DateTime', defaultValue: '2026-01-01T00:00:00.0000000Z' },
      list: { type: 'Array', defaultValue: [] },
      obj: { type: 'Object', defaultValue: {}, schema: { type: 'object' } },
    });
  });
});

describe('purity', () => {
  it('defining and compiling a control neither mutates it nor depends on call order', () => {
    const c = control();
    const before = JSON.stringify(c);
    // The document Learn's definition structure gives for this control, written out independently of the compiler.
    const expected = {
      name: 'zt-stg-97-test',
      properties: expect.objectContaining({
        displayName: 'test',
        mode: 'Indexed',
        policyRule: { if: { field: 'name', equals: 'x' }, then: { effect: 'audit' } },
      }),
    };
    expect(compileControl(c)).toMatchObject({ document: expected, diagnostics: [] });
    const other = compileControl(control({ name: 'zt-stg-96-other', controlId: 'ZT-STG-96' }, (f) => f('name').equals('y')));
    expect(other.document).toMatchObject({ name: 'zt-stg-96-other', properties: { policyRule: { if: { field: 'name', equals: 'y' } } } });
    // Compiling another control in between changes nothing of this one's output.
    expect(compileControl(c)).toMatchObject({ document: expected, diagnostics: [] });
    expect(JSON.stringify(c)).toBe(before);
    expect(Object.isFrozen(c)).toBe(true);
  });
});
