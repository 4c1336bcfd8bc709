import { describe, expect, it } from 'vitest';
import { builtin } from '../../src/catalog/builtins.js';
import { compileExemption, exemptionScopeKind, normalizeExpiry } from '../../src/compiler/compile-exemption.js';
import { compileInitiative } from '../../src/compiler/index.js';
import { defineExemption, type ExemptionSpec } from '../../src/dsl/index.js';
import minimumTls from '../../definitions/storage/zt-stg-02-minimum-tls.js';
import vmNoPublicIp from '../../definitions/vm/zt-vm-13-no-public-ip-on-nic.js';
import storage from '../../initiatives/storage.js';

const set = compileInitiative(storage).document;
const NOW = new Date('2026-12-01T00:00:00Z');
const SUB = '/subscriptions/22222222-2222-4222-8222-222222222222';

function spec(over: Partial<ExemptionSpec> = {}): ExemptionSpec {
  return {
    name: 'ex-one',
    description: 'Private endpoint only until the app is replaced.',
    initiative: storage,
    members: [minimumTls],
    scope: `${SUB}/resourceGroups/rg-app`,
    category: 'Mitigated',
    expiresOn: '2027-03-31',
    ticket: 'CHG-1',
    ...over,
  };
}

const codes = (s: ExemptionSpec, now = NOW) => compileExemption(defineExemption(s), set, now, 'exemptions/x.ts').diagnostics.map((d) => `${d.code} ${d.severity} ${d.jsonPath}`);

describe('compileExemption', () => {
  it('resolves control and built-in members to the initiative reference ids and writes the PUT properties', () => {
    const { document, diagnostics } = compileExemption(
      defineExemption(spec({ members: [minimumTls, builtin.storageAccountsShouldPreventSharedKeyAccess], environments: ['prod'] })),
      set,
      NOW,
      'exemptions/x.ts',
    );
    expect(diagnostics).toEqual([]);
    const refs = set.properties.policyDefinitions;
    const expected = [
      refs.find((r) => r.policyDefinitionId.endsWith('/zt-stg-02-minimum-tls'))!.policyDefinitionReferenceId,
      refs.find((r) => r.policyDefinitionId.toLowerCase() === builtin.storageAccountsShouldPreventSharedKeyAccess.id.toLowerCase())!.policyDefinitionReferenceId,
    ];
    expect(document).toEqual({
      name: 'ex-one',
      scope: `${SUB}/resourceGroups/rg-app`,
      initiative: 'zt-storage',
      environments: ['prod'],
      properties: {
        exemptionCategory: 'Mitigated',
        displayName: 'ex-one',
        description: 'Private endpoint only until the app is replaced.',
        // A bare date is the end of that day, UTC.
        expiresOn: '2027-03-31T23:59:59Z',
        policyDefinitionReferenceIds: expected,
        metadata: { ticket: 'CHG-1', ztpolicy: { source: 'exemptions/x.ts' } },
      },
    });
  });

  it('exempts the whole assignment when no member is named', () => {
    const { document } = compileExemption(defineExemption(spec({ members: [] })), set, NOW);
    expect(document.properties.policyDefinitionReferenceIds).toBeUndefined();
  });

  it('reports a member that is not in the initiative, with the members it has', () => {
    const d = compileExemption(defineExemption(spec({ members: [vmNoPublicIp, 'no-such-ref'] })), set, NOW).diagnostics;
    expect(d.map((x) => `${x.code} ${x.jsonPath}`)).toEqual(['ZT1103 $.members[0]', 'ZT1103 $.members[1]']);
    expect(d[0]!.hint).toContain('zt-stg-02-minimum-tls');
  });

  it('warns (does not fail) once the expiry is past, and fails on a date that is not one', () => {
    expect(codes(spec({ expiresOn: '2026-11-30' }))).toEqual(['ZT1104 warning $.properties.expiresOn']);
    expect(codes(spec({ expiresOn: '2026-11-30' }), new Date('2026-11-30T12:00:00Z'))).toEqual([]);
    expect(codes(spec({ expiresOn: '31/03/2027' }))).toEqual(['ZT1105 error $.properties.expiresOn']);
    expect(codes(spec({ expiresOn: '2027-02-30' }))).toEqual(['ZT1105 error $.properties.expiresOn']);
  });

  it('checks scope syntax, category, ticket and the documented lengths', () => {
    expect(codes(spec({ scope: 'subscriptions/not-a-guid' }))).toEqual(['ZT1102 error $.scope']);
    expect(codes(spec({ category: 'Exception' as never }))).toEqual(['ZT1106 error $.properties.exemptionCategory']);
    expect(codes(spec({ ticket: ' ' }))).toEqual(['ZT1106 error $.properties.metadata.ticket']);
    expect(codes(spec({ displayName: 'x'.repeat(129) }))).toEqual(['ZT3004 error $.properties.displayName']);
    expect(codes(spec({ displayName: 'x'.repeat(128) }))).toEqual([]);
    expect(codes(spec({ description: 'x'.repeat(513) }))).toEqual(['ZT3005 error $.properties.description']);
    expect(codes(spec({ name: 'ex/one' }))).toEqual(['ZT3002 error $.name']);
    expect(codes(spec({ name: 'e'.repeat(65) }))).toEqual(['ZT3001 error $.name']);
  });
});

describe('exemption scopes and expiry format', () => {
  it('classifies the four scope kinds ARM allows exemptions at', () => {
    expect(exemptionScopeKind('/providers/Microsoft.Management/managementGroups/corp')).toBe('managementGroup');
    expect(exemptionScopeKind(SUB)).toBe('subscription');
    expect(exemptionScopeKind(`${SUB}/resourceGroups/rg-app`)).toBe('resourceGroup');
    expect(exemptionScopeKind(`${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/st1`)).toBe('resource');
    expect(exemptionScopeKind(`${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/v/subnets/s`)).toBe('resource');
    expect(exemptionScopeKind('/')).toBeUndefined();
    expect(exemptionScopeKind(`${SUB}/resourceGroups/rg.`)).toBeUndefined(); // a resource group name cannot end in a period
  });

  it('writes expiresOn as yyyy-MM-ddTHH:mm:ssZ (the format the spec documents)', () => {
    expect(normalizeExpiry('2027-01-02T03:04:05+01:00')).toBe('2027-01-02T02:04:05Z');
    expect(normalizeExpiry('2027-01-02T03:04:05.250Z')).toBe('2027-01-02T03:04:05.250Z');
  });
});
