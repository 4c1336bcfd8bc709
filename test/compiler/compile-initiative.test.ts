/**
 * compileInitiative: member references, parameter pass-through, groups, and the checks Azure would otherwise
 * only make at publish time (unknown member parameter, value outside allowedValues, missing required value,
 * duplicate reference ids, conflicting parameters of included initiatives).
 */
import { describe, expect, it } from 'vitest';
import { builtin } from '../../src/catalog/builtins.js';
import { compileInitiative } from '../../src/compiler/index.js';
import { defineInitiative, member, param, type Initiative, type Member } from '../../src/dsl/index.js';
import minimumTls from '../../definitions/storage/zt-stg-02-minimum-tls.js';
import noPublicIp from '../../definitions/vm/zt-vm-13-no-public-ip-on-nic.js';

const base = { displayName: 'x', description: 'x', version: '1.0.0', category: 'Zero Trust' } as const;
const codes = (i: Initiative) => compileInitiative(i).diagnostics.map((d) => d.code);

describe('members', () => {
  const initiative = defineInitiative({
    ...base,
    name: 'zt-test',
    unit: 'storage',
    parameters: { effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit') },
    members: ({ p }) => [
      member(minimumTls, { parameters: { effect: p.effect, minimumTlsVersion: 'TLS1_2' } }),
      member(builtin.storageAccountsShouldPreventSharedKeyAccess, { controlId: 'ZT-STG-06', principle: 'verify-explicitly', parameters: { effect: "[parameters('effect')]" } }),
    ],
  });
  const { document, diagnostics } = compileInitiative(initiative);

  it('compiles cleanly', () => {
    expect(diagnostics).toEqual([]);
  });

  it('references a control through the management-group placeholder and a built-in by its tenant-independent id', () => {
    expect(document.properties.policyDefinitions.map((m) => m.policyDefinitionId)).toEqual([
      '/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/zt-stg-02-minimum-tls',
      '/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54',
    ]);
  });

  it('pins built-ins to their major version and passes initiative parameters through', () => {
    const [stg, shared] = document.properties.policyDefinitions;
    expect(stg!.definitionVersion).toBeUndefined();
    expect(shared!.definitionVersion).toBe('2.*.*');
    expect(stg!.parameters).toEqual({ effect: { value: "[parameters('effect')]" }, minimumTlsVersion: { value: 'TLS1_2' } });
    expect(shared!.parameters).toEqual({ effect: { value: "[parameters('effect')]" } });
  });

  it('groups members by principle and by catalog control, and only declares groups in use', () => {
    expect(document.properties.policyDefinitionGroups?.map((g) => g.name)).toEqual(['verify-explicitly', 'assume-breach', 'zt-stg-02', 'zt-stg-06']);
    expect(document.properties.policyDefinitions.map((m) => m.groupNames)).toEqual([
      ['assume-breach', 'zt-stg-02'],
      ['verify-explicitly', 'zt-stg-06'],
    ]);
  });

  it('describes a control group with the control\'s title, article step, reason and remediation', () => {
    const g = document.properties.policyDefinitionGroups?.find((x) => x.name === 'zt-stg-02');
    expect(g).toEqual({
      name: 'zt-stg-02',
      category: 'Zero Trust control',
      displayName: `ZT-STG-02: ${minimumTls.displayName}`,
      description: `Article step 1. ${minimumTls.reason} Remediation: ${minimumTls.remediation}`,
    });
    // A built-in member that only names its control gets a group named after the id, without a description.
    expect(document.properties.policyDefinitionGroups?.find((x) => x.name === 'zt-stg-06')).toEqual({ name: 'zt-stg-06', category: 'Zero Trust control', displayName: 'ZT-STG-06' });
  });

  it('prefixes a built-in member\'s reference id with the control it implements, cutting the display name at a word to fit 64', () => {
    expect(document.properties.policyDefinitions[1]!.policyDefinitionReferenceId).toBe('zt-stg-06-storage-accounts-should-prevent-shared-key-8c6a50c6');
  });

  it('records the assignment name in metadata', () => {
    expect(document.properties.metadata).toMatchObject({ version: '1.0.0', ztpolicy: { assignmentName: 'zt-test', unit: 'storage' } });
  });
});

describe('checks', () => {
  // Untyped input (plain JavaScript, or a cast) reaches the same checks the types make at authoring time.
  const untyped = (target: Member['target'], parameters: Record<string, unknown>, extra: Partial<Member> = {}): Member =>
    ({ kind: 'member', target, parameters, principle: 'assume-breach', ...extra }) as Member;

  it('an unknown member parameter is ZT4008', () => {
    const i = defineInitiative({ ...base, name: 'zt-t1', members: () => [untyped(minimumTls, { tls: 'TLS1_2' })] });
    expect(codes(i)).toEqual(['ZT4008']);
  });

  it('a value outside the member parameter allowedValues is ZT6012', () => {
    const i = defineInitiative({ ...base, name: 'zt-t2', members: () => [untyped(builtin.storageAccountsShouldPreventSharedKeyAccess, { effect: 'Block' })] });
    expect(codes(i)).toEqual(['ZT6012']);
  });

  it('a required built-in parameter that is not passed is ZT4009', () => {
    const i = defineInitiative({
      ...base,
      name: 'zt-t3',
      members: () => [untyped(builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, {})],
    });
    expect(codes(i)).toEqual(['ZT4009']);
  });

  it('an initiative parameter wider than the member allows is ZT6010', () => {
    const i = defineInitiative({
      ...base,
      name: 'zt-t4',
      parameters: { effect: param.effect(['Audit', 'Deny', 'Disabled', 'Modify'], 'Audit') },
      members: ({ p }) => [untyped(minimumTls, { effect: p.effect })],
    });
    expect(codes(i)).toEqual(['ZT6010']);
  });

  it('a raw parameter reference to an undeclared initiative parameter is ZT4001', () => {
    const i = defineInitiative({ ...base, name: 'zt-t5', members: () => [member(minimumTls, { parameters: { effect: "[parameters('nope')]" } })] });
    expect(codes(i)).toEqual(['ZT4001']);
  });

  it('the same member twice is a duplicate reference id (ZT3021)', () => {
    const i = defineInitiative({ ...base, name: 'zt-t6', members: () => [member(minimumTls), member(minimumTls)] });
    expect(codes(i)).toEqual(['ZT3021']);
  });

  it('an initiative without members is ZT1010', () => {
    expect(codes(defineInitiative({ ...base, name: 'zt-t7' }))).toEqual(['ZT1010']);
  });

  it('an unused initiative parameter is a warning (ZT4006)', () => {
    const i = defineInitiative({ ...base, name: 'zt-t8', parameters: { x: param.string({ defaultValue: 'a' }) }, members: () => [member(minimumTls)] });
    expect(compileInitiative(i).diagnostics.map((d) => [d.code, d.severity])).toEqual([['ZT4006', 'warning']]);
  });

  it('included initiatives that declare one parameter name differently conflict (ZT6009)', () => {
    const a = defineInitiative({ ...base, name: 'zt-a', parameters: { effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny') }, members: ({ p }) => [member(minimumTls, { parameters: { effect: p.effect } })] });
    const b = defineInitiative({ ...base, name: 'zt-b', parameters: { effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit') }, members: ({ p }) => [member(noPublicIp, { parameters: { effect: p.effect } })] });
    expect(codes(defineInitiative({ ...base, name: 'zt-ab', include: [a, b] }))).toEqual(['ZT6009']);
  });

  it('an include cycle is ZT1011, not a stack overflow', () => {
    const a = defineInitiative({ ...base, name: 'zt-cycle-a', members: () => [member(minimumTls)] }) as { include: Initiative[] } & Initiative;
    const cyclic = { ...a, include: [] as Initiative[] };
    cyclic.include.push(cyclic);
    expect(codes(cyclic)).toContain('ZT1011');
  });

  it('an initiative name over the limits is reported (ZT3001)', () => {
    expect(codes(defineInitiative({ ...base, name: `zt-${'x'.repeat(70)}`, members: () => [member(minimumTls)] }))).toContain('ZT3001');
  });
});

describe('expressions passed to members', () => {
  it('are checked like rule expressions (unknown function -> ZT6002)', async () => {
    const { expr } = await import('../../src/dsl/index.js');
    const i = defineInitiative({ ...base, name: 'zt-t9', members: () => [member(minimumTls, { parameters: { effect: expr("[frob('Deny')]") as never } })] });
    expect(codes(i)).toContain('ZT6002');
  });
});
