/**
 * exportManagementGroup over a reader that returns what the gateway returns: the files are the REST shape,
 * deterministic, owned objects are marked, and what it writes is importable (export -> import -> same policy).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportManagementGroup, type ExportReader } from '../../src/import/export.js';
import { planImport } from '../../src/import/index.js';
import { compareDefinition } from '../../src/import/compare.js';
import { repoRoot } from '../helpers/cli.js';

const MG = '/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization';
const rule = { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: "[parameters('effect')]" } };
const defProps = {
  displayName: 'Audit storage',
  description: 'd',
  policyType: 'Custom',
  mode: 'Indexed',
  metadata: { version: '1.0.0', category: 'Storage' },
  parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Disabled'], defaultValue: 'Audit' } },
  policyRule: rule,
};

const reader: ExportReader = {
  listDefinitions: async () => [
    { id: `${MG}/policyDefinitions/zz-audit`, name: 'zz-audit', properties: defProps },
    { id: `${MG}/policyDefinitions/zt-stg-02`, name: 'zt-stg-02', properties: { ...defProps, metadata: { version: '1.0.0', category: 'Storage', ztpolicyOwner: 'repo-a' } } },
  ],
  listSetDefinitions: async () => [
    { id: `${MG}/policySetDefinitions/baseline`, name: 'baseline', properties: { displayName: 'b', description: '', policyType: 'Custom', metadata: {}, policyDefinitions: [{ policyDefinitionId: `${MG}/policyDefinitions/zz-audit`, policyDefinitionReferenceId: 'a' }] } },
  ],
  listAssignments: async () => [
    { id: `${MG}/policyAssignments/baseline`, name: 'baseline', managementGroupId: 'contoso', location: 'westeurope', identity: { type: 'SystemAssigned', principalId: '11111111-1111-1111-1111-111111111111' }, properties: { policyDefinitionId: `${MG}/policySetDefinitions/baseline` } },
  ],
  listExemptions: async () => [
    { id: '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/policyExemptions/legacy', name: 'legacy', properties: { policyAssignmentId: `${MG}/policyAssignments/baseline`, exemptionCategory: 'Waiver' } },
    // An exemption of a parent management group is not what this one holds.
    { id: '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyExemptions/parent', name: 'parent', properties: { policyAssignmentId: 'x', exemptionCategory: 'Waiver' } },
  ],
};

describe('ztpolicy export (core)', () => {
  it('writes each object as its REST document, marks what ztpolicy owns, and leaves out parent-scope exemptions', async () => {
    const r = await exportManagementGroup(reader, 'contoso');
    expect([...r.files.keys()].sort()).toEqual([
      'export.json',
      'policyAssignments/baseline.json',
      'policyDefinitions/zt-stg-02.json',
      'policyDefinitions/zz-audit.json',
      'policyExemptions/legacy.json',
      'policySetDefinitions/baseline.json',
    ]);
    const asg = JSON.parse(r.files.get('policyAssignments/baseline.json')!) as Record<string, unknown>;
    // The live identity's principal id is not carried over: it belongs to that assignment's identity.
    expect(asg).toEqual({ id: `${MG}/policyAssignments/baseline`, name: 'baseline', type: 'Microsoft.Authorization/policyAssignments', location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: { policyDefinitionId: `${MG}/policySetDefinitions/baseline` } });
    const summary = JSON.parse(r.files.get('export.json')!) as { counts: Record<string, number>; ownedByZtpolicy: unknown[] };
    expect(summary.counts).toEqual({ policyDefinitions: 2, policySetDefinitions: 1, policyAssignments: 1, policyExemptions: 1 });
    expect(summary.ownedByZtpolicy).toEqual([{ kind: 'policyDefinitions', name: 'zt-stg-02', owner: 'repo-a', file: 'policyDefinitions/zt-stg-02.json' }]);
    // Deterministic: a second export of the same state is byte-identical.
    const again = await exportManagementGroup(reader, 'contoso');
    expect([...again.files]).toEqual([...r.files]);
  });

  it('writes what ztpolicy import reads back into the same policy', async () => {
    const r = await exportManagementGroup(reader, 'contoso');
    const dir = mkdtempSync(join(tmpdir(), 'ztpolicy-export-'));
    try {
      for (const [rel, text] of r.files) {
        mkdirSync(dirname(join(dir, 'export', rel)), { recursive: true });
        writeFileSync(join(dir, 'export', rel), text);
      }
      const plan = planImport({ inputs: [join(dir, 'export')], projectDir: repoRoot, definitionsDir: join(dir, 'definitions'), initiativesDir: join(dir, 'initiatives'), unit: 'storage', principle: 'verify-explicitly' });
      expect(plan.problems).toEqual([]);
      expect(plan.files.map((f) => `${f.kind}:${f.name}`).sort()).toEqual(['definition:zt-stg-02', 'definition:zz-audit', 'initiative:baseline']);
      // Assignments, exemptions and the summary are not policies: counted as ignored, not errors.
      expect(plan.ignored.map((i) => i.file.split('/').slice(-2).join('/')).sort()).toEqual(['export/export.json', 'policyAssignments/baseline.json', 'policyExemptions/legacy.json']);
      const src = plan.sources.find((s) => s.name === 'zz-audit')!;
      expect(compareDefinition(defProps, src.properties)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
