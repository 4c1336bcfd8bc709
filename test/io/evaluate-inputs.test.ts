import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/compiler/canonical-json.js';
import {
  InputCode,
  definitionNameFromId,
  expandInlineChildren,
  isBuiltinDefinitionId,
  loadParametersFile,
  loadPolicies,
  loadResources,
  relatedLookupFrom,
  resolveInitiative,
} from '../../src/io/evaluate-inputs.js';

let dir: string;
const w = (rel: string, content: string | Buffer): string => {
  const full = join(dir, rel);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
};
const storage = (name: string, extra: Record<string, unknown> = {}) => ({
  id: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`,
  name,
  type: 'Microsoft.Storage/storageAccounts',
  location: 'westeurope',
  properties: { minimumTlsVersion: 'TLS1_2' },
  ...extra,
});
const definition = (name: string, params: Record<string, unknown> = {}) => ({
  name,
  properties: {
    displayName: name,
    mode: 'Indexed',
    parameters: params,
    policyRule: { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'audit' } },
  },
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zt-eval-inputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadResources', () => {
  it('reads a single ARM resource, an az resource list array and an az graph query result', () => {
    const one = w('r/one.json', JSON.stringify(storage('a')));
    const list = w('r/list.json', JSON.stringify([storage('b'), storage('c')]));
    const graph = w('r/graph.json', JSON.stringify({ count: 1, data: [storage('d', { type: 'microsoft.storage/storageaccounts' })], skip_token: null, total_records: 1 }));
    const arm = w('r/arm-list.json', JSON.stringify({ value: [storage('e')], nextLink: null }));
    const loaded = loadResources([one, list, graph, arm]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.resources.map((r) => [r.resource.name, r.jsonPath])).toEqual([
      ['a', '$'],
      ['b', '$[0]'],
      ['c', '$[1]'],
      ['d', '$.data[0]'],
      ['e', '$.value[0]'],
    ]);
  });

  it('walks a folder recursively in name order and keeps going past bad files, naming file and JSON path', () => {
    const folder = join(dir, 'mixed');
    w('mixed/a-good.json', JSON.stringify(storage('ok1')));
    w('mixed/b-broken.json', '{ "id": "x", ');
    w('mixed/c-array.json', JSON.stringify([storage('ok2'), { hello: 'world' }, 42, storage('ok3', { type: 'Storage' })]));
    w('mixed/sub/d-good.json', JSON.stringify([storage('ok4')]));
    w('mixed/notes.txt', 'ignored');
    w('mixed/e-empty.json', '');
    const loaded = loadResources([folder]);
    expect(loaded.resources.map((r) => r.resource.name)).toEqual(['ok1', 'ok2', 'ok4']);
    const problems = loaded.problems.map((p) => [p.file.replace(/^.*mixed\//, ''), p.jsonPath, p.code]);
    expect(problems).toEqual([
      ['b-broken.json', undefined, InputCode.invalidJson],
      ['c-array.json', '$[1]', InputCode.notAResource],
      ['c-array.json', '$[2]', InputCode.notAResource],
      ['c-array.json', '$[3]', InputCode.notAResource],
      ['e-empty.json', undefined, InputCode.invalidJson],
    ]);
    expect(loaded.problems[0]?.message).toMatch(/line 1 column/);
    expect(loaded.problems[4]?.hint).toMatch(/empty/);
  });

  it('reports a missing path and an unknown resource type: a near miss is skipped, an unlisted type only warned', () => {
    const file = w('unknown.json', JSON.stringify([storage('x'), storage('y', { type: 'Microsoft.Storage/storageAcounts' }), storage('z', { type: 'Contoso.Widgets/gadgets' })]));
    const known = ['microsoft.storage/storageaccounts'];
    const loaded = loadResources([join(dir, 'nope.json'), file], {
      knownTypes: {
        has: (t) => known.includes(t.toLowerCase()),
        suggest: (t) => (t.toLowerCase().startsWith('microsoft.storage/') ? 'Microsoft.Storage/storageAccounts' : undefined),
      },
    });
    expect(loaded.resources.map((r) => r.resource.name)).toEqual(['x', 'z']);
    expect(loaded.problems.map((p) => [p.code, p.severity, p.jsonPath])).toEqual([
      [InputCode.unreadable, 'error', undefined],
      [InputCode.unknownResourceType, 'error', '$[1]'],
      [InputCode.unknownResourceType, 'warning', '$[2]'],
    ]);
    expect(loaded.problems[1]).toMatchObject({ message: expect.stringContaining('storageAcounts'), hint: expect.stringContaining('Microsoft.Storage/storageAccounts') });
  });

  it('decodes UTF-16LE (Windows PowerShell redirection) and a UTF-8 BOM', () => {
    const text = JSON.stringify([storage('utf16')]);
    const utf16 = w('ps.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const bom = w('bom.json', `\uFEFF${JSON.stringify(storage('bom'))}`);
    const loaded = loadResources([utf16, bom]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.resources.map((r) => r.resource.name)).toEqual(['utf16', 'bom']);
  });

  it('explains a Resource Graph table-format result instead of calling it "not a resource"', () => {
    const file = w('table.json', JSON.stringify({ columns: [{ name: 'id' }], rows: [['x']] }));
    const loaded = loadResources([file]);
    expect(loaded.problems[0]?.hint).toMatch(/-o json/);
  });
});

describe('expandInlineChildren', () => {
  it('adds inline subnets, security rules and routes as child resources, once', () => {
    const vnetId = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1';
    const vnet = { id: vnetId, name: 'vnet1', type: 'Microsoft.Network/virtualNetworks', location: 'westeurope', properties: { subnets: [{ name: 'a', properties: { addressPrefix: '10.0.0.0/24' } }, { name: 'b', id: `${vnetId}/subnets/b`, properties: {} }] } };
    const standalone = { id: `${vnetId}/subnets/b`, name: 'b', type: 'Microsoft.Network/virtualNetworks/subnets', properties: { addressPrefix: '10.0.1.0/24' } };
    const nsg = { id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n', name: 'n', type: 'microsoft.network/networksecuritygroups', properties: { securityRules: [{ name: 'r1', properties: { access: 'Deny' } }] } };
    const out = expandInlineChildren([
      { resource: vnet as unknown as JsonObject, file: 'f.json', jsonPath: '$[0]' },
      { resource: standalone, file: 'f.json', jsonPath: '$[1]' },
      { resource: nsg, file: 'g.json', jsonPath: '$.data[0]' },
    ]);
    expect(out.slice(3).map((e) => [e.resource.id, e.resource.type, e.jsonPath])).toEqual([
      [`${vnetId}/subnets/a`, 'Microsoft.Network/virtualNetworks/subnets', '$[0].properties.subnets[0]'],
      ['/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r1', 'Microsoft.Network/networkSecurityGroups/securityRules', '$.data[0].properties.securityRules[0]'],
    ]);
    expect(out[3]?.resource.properties).toEqual({ addressPrefix: '10.0.0.0/24' });
  });
});

describe('relatedLookupFrom', () => {
  // Extension resources are listed by ARM under what they extend (GET {id}/providers/Microsoft.Insights/diagnosticSettings):
  // a diagnostic setting or Defender assessment of one resource is never a neighbour's in the same resource group.
  const rg = '/subscriptions/s1/resourceGroups/rg';
  const nsg = (n: string) => `${rg}/providers/Microsoft.Network/networkSecurityGroups/${n}`;
  const diag = (scope: string, name = 'to-law') => ({ id: `${scope}/providers/Microsoft.Insights/diagnosticSettings/${name}`, name, type: 'Microsoft.Insights/diagnosticSettings', properties: {} });
  const docs = [
    diag(nsg('a')),
    diag('/subscriptions/s1', 'activity'),
    { id: `${rg}/providers/Microsoft.Security/automations/ExportToWorkspace`, name: 'ExportToWorkspace', type: 'Microsoft.Security/automations', properties: {} },
  ] as JsonObject[];
  const lookup = relatedLookupFrom(docs);
  const ask = (resourceId: string, type = 'Microsoft.Insights/diagnosticSettings') =>
    lookup({ type, scope: 'resourceGroup', subscriptionId: 's1', resourceGroupName: 'rg', resourceId }).map((d) => d.id);

  it('answers an extension type with the evaluated resource\'s own extensions only', () => {
    expect(ask(nsg('a'))).toEqual([`${nsg('a')}/providers/Microsoft.Insights/diagnosticSettings/to-law`]);
    expect(ask(nsg('b'))).toEqual([]);
  });

  it("answers a subscription with the subscription's own settings, not its resources'", () => {
    expect(ask('/subscriptions/s1')).toEqual(['/subscriptions/s1/providers/Microsoft.Insights/diagnosticSettings/activity']);
  });

  it('still finds a resource of the resource group (continuous export automations)', () => {
    expect(ask('/subscriptions/s1', 'Microsoft.Security/automations')).toEqual([`${rg}/providers/Microsoft.Security/automations/ExportToWorkspace`]);
  });
});

describe('loadPolicies and resolveInitiative', () => {
  it('loads a generated tree: definitions, initiatives, and skips manifest.json', () => {
    w('gen/manifest.json', JSON.stringify({ schemaVersion: 1, definitions: [], initiatives: [] }));
    w('gen/policyDefinitions/storage/zt-a.json', JSON.stringify(definition('zt-a')));
    w('gen/policyDefinitions/storage/zt-b.json', JSON.stringify(definition('zt-b', { effect: { type: 'String', defaultValue: 'Audit' } })));
    w(
      'gen/policySetDefinitions/zt-storage.json',
      JSON.stringify({
        name: 'zt-storage',
        properties: {
          displayName: 'Storage',
          parameters: { effectB: { type: 'String', defaultValue: 'Deny' }, tls: { type: 'String' } },
          policyDefinitions: [
            { policyDefinitionId: '/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/zt-a', policyDefinitionReferenceId: 'ZT-A' },
            {
              policyDefinitionId: '/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/zt-b',
              policyDefinitionReferenceId: 'ZT-B',
              parameters: { effect: { value: "[parameters('effectB')]" }, literal: { value: '[[not an expression]' }, list: { value: ['x'] } },
            },
            { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/11111111-2222-3333-4444-555555555555', policyDefinitionReferenceId: 'BI', parameters: { tls: { value: "[parameters('tls')]" } } },
            { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/99999999-2222-3333-4444-555555555555', policyDefinitionReferenceId: 'MISSING' },
          ],
        },
      }),
    );
    const loaded = loadPolicies([join(dir, 'gen')]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.definitions.map((d) => d.name)).toEqual(['zt-a', 'zt-b']);
    expect(loaded.initiatives.map((d) => d.name)).toEqual(['zt-storage']);

    const builtinDoc = definition('11111111-2222-3333-4444-555555555555', { tls: { type: 'String' } });
    const initiative = loaded.initiatives[0]!;
    const withDefaults = resolveInitiative(initiative, loaded, {}, { builtin: (g) => (g === builtinDoc.name ? builtinDoc : undefined) });
    // BI's tls parameter has no value (no default, not assigned): the member cannot be assigned, so it is skipped.
    expect(withDefaults.members.map((m) => [m.referenceId, m.definition.name, m.definition.origin])).toEqual([
      ['ZT-A', 'zt-a', 'input'],
      ['ZT-B', 'zt-b', 'input'],
    ]);
    expect(withDefaults.members[1]?.parameters).toEqual({ effect: 'Deny', literal: '[not an expression]', list: ['x'] });
    // tls has no default and no value; the missing built-in is reported by its JSON path.
    expect(withDefaults.problems.map((p) => [p.code, p.jsonPath])).toEqual([
      [InputCode.memberParameter, '$.properties.policyDefinitions[2].parameters.tls.value'],
      [InputCode.memberNotFound, '$.properties.policyDefinitions[3].policyDefinitionId'],
    ]);

    const assigned = resolveInitiative(initiative, loaded, { EFFECTB: 'Audit', tls: 'TLS1_2' }, { builtin: () => builtinDoc });
    expect(assigned.members.find((m) => m.referenceId === 'BI')?.definition.origin).toBe('builtin');
    expect(assigned.members.find((m) => m.referenceId === 'ZT-B')?.parameters.effect).toBe('Audit');
    expect(assigned.members.find((m) => m.referenceId === 'BI')?.parameters).toEqual({ tls: 'TLS1_2' });
  });

  it('finds custom members in the generated tree next to an initiative passed alone', () => {
    const only = loadPolicies([join(dir, 'gen/policySetDefinitions/zt-storage.json')]);
    expect(only.definitions).toEqual([]);
    const { members } = resolveInitiative(only.initiatives[0]!, only, {}, {});
    expect(members.map((m) => [m.definition.name, m.definition.origin])).toEqual([
      ['zt-a', 'sibling'],
      ['zt-b', 'sibling'],
    ]);
  });

  it('accepts a bare rule, a flattened definition and an az policy definition list array; rejects other JSON', () => {
    const rule = w('p/rule.json', JSON.stringify({ if: { field: 'type', equals: 'x/y' }, then: { effect: 'deny' } }));
    const list = w('p/list.json', JSON.stringify([{ id: '/providers/Microsoft.Authorization/policyDefinitions/g1', name: 'g1', mode: 'All', policyRule: { if: {}, then: {} } }]));
    const other = w('p/other.json', JSON.stringify({ hello: 1 }));
    const loaded = loadPolicies([rule, list, other]);
    expect(loaded.definitions.map((d) => [d.name, d.jsonPath])).toEqual([
      ['rule', '$'],
      ['g1', '$[0]'],
    ]);
    expect((loaded.definitions[1]?.document.properties as Record<string, unknown>).mode).toBe('All');
    expect(loaded.problems.map((p) => p.code)).toEqual([InputCode.notAPolicy]);
  });

  it('parameters files: assignment shape, ARM parameters file, plain values', () => {
    const a = loadParametersFile(w('pa.json', JSON.stringify({ effect: { value: 'Deny' }, n: 3 })));
    expect(a.values).toEqual({ effect: 'Deny', n: 3 });
    const b = loadParametersFile(w('pb.json', JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { effect: { value: 'Audit' } } })));
    expect(b.values).toEqual({ effect: 'Audit' });
    expect(loadParametersFile(w('pc.json', '[1]')).problems[0]?.code).toBe(InputCode.parametersFile);
  });

  it('id helpers', () => {
    expect(definitionNameFromId('/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/zt-x')).toBe('zt-x');
    expect(isBuiltinDefinitionId('/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9')).toBe(true);
    expect(isBuiltinDefinitionId('/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/zt-x')).toBe(false);
  });
});
