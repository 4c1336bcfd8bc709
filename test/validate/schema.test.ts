import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleValidator } from '../../src/io/schemas.js';
import { SCHEMA_FILES, pointerToJsonPath } from '../../src/validate/schema.js';
import { repoRoot } from '../helpers/cli.js';

const vendored = join(repoRoot, 'src/validate/schemas');
const shared = join(repoRoot, '..', 'shared', 'azure', 'schemas');
const v = loadRuleValidator(vendored);

describe('vendored schema files', () => {
  it('are byte-identical to the reference copies in ../shared (upstream, not reformatted)', () => {
    // ../shared is present in CI and dev (the packaged tool does not need it): its absence fails, never skips.
    expect(existsSync(shared), `${shared} (the upstream reference copy)`).toBe(true);
    for (const f of SCHEMA_FILES) expect(readFileSync(join(vendored, f)).equals(readFileSync(join(shared, f))), f).toBe(true);
  });

  it('carry the sha256 recorded in SOURCES.md', () => {
    const sources = readFileSync(join(vendored, 'SOURCES.md'), 'utf8');
    for (const f of SCHEMA_FILES) {
      const sha = createHash('sha256').update(readFileSync(join(vendored, f))).digest('hex');
      const row = sources.split('\n').find((l) => l.includes(`\`${f}\``));
      expect(row, f).toContain(sha);
    }
  });
});

describe('official policy rule schema (with documented overlays)', () => {
  it('accepts a plain deny rule and an effect parameter expression', () => {
    expect(v.validate({ if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'deny' } })).toEqual([]);
    expect(v.validate({ if: { field: 'type', equals: 'x' }, then: { effect: "[parameters('effect')]" } })).toEqual([]);
  });

  it('accepts denyAction details and boolean equals (documented, missing from the 2020-10-01 schema)', () => {
    expect(v.validate({ if: { field: 'type', equals: 'x' }, then: { effect: 'denyAction', details: { actionNames: ['delete'], cascadeBehaviors: { resourceGroup: 'deny' } } } })).toEqual([]);
    expect(v.validate({ if: { field: 'Microsoft.Storage/storageAccounts/allowBlobPublicAccess', equals: true }, then: { effect: 'Deny' } })).toEqual([]);
  });

  it('rejects a misspelled operator with the JSON path and a suggestion', () => {
    const d = v.validate({ if: { allOf: [{ field: 'type', equals: 'x' }, { field: 'kind', equalz: 'y' }] }, then: { effect: 'deny' } }, { file: 'definitions/storage/a.ts' });
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'ZT2001', file: 'definitions/storage/a.ts', jsonPath: '$.properties.policyRule.if.allOf[1]' });
    expect(d[0]!.message).toMatch(/unknown property "equalz".*did you mean "equals"/);
  });

  it('rejects an unknown effect, empty allOf and modify without operations', () => {
    expect(v.validate({ if: { field: 'type', equals: 'x' }, then: { effect: 'block' } })[0]).toMatchObject({ jsonPath: '$.properties.policyRule.then.effect' });
    expect(v.validate({ if: { allOf: [] }, then: { effect: 'deny' } })[0]!.jsonPath).toBe('$.properties.policyRule.if.allOf');
    const m = v.validate({ if: { field: 'type', equals: 'x' }, then: { effect: 'modify', details: { roleDefinitionIds: [], operations: [] } } });
    expect(m[0]).toMatchObject({ jsonPath: '$.properties.policyRule.then.details.operations' });
    expect(v.validate({ if: { field: 'type', equals: 'x' } })[0]!.message).toMatch(/needs property "then"/);
  });

  it('accepts nearly all Resource Manager mode built-ins written in canonical key casing', () => {
    const root = join(repoRoot, '..', 'shared', 'azure', 'builtins', 'built-in-policies', 'policyDefinitions');
    expect(existsSync(root), `${root} (the built-in reference copy)`).toBe(true);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.json')) files.push(p);
      }
    };
    walk(root);
    let total = 0;
    let rejected = 0;
    // Azure reads property names case-insensitively; a few built-ins write "allof"/"notequals"/"ResourceGroupName",
    // which our compiler never emits. Only canonically cased rules count here.
    const canonical = ['allOf', 'anyOf', 'not', 'field', 'value', 'count', 'where', 'equals', 'notEquals', 'like', 'notLike', 'in', 'notIn', 'contains', 'notContains', 'exists', 'resourceGroupName', 'existenceCondition'];
    const oddlyCased = (text: string) =>
      [...text.matchAll(/"([A-Za-z]+)"\s*:/g)].some(([, k]) => canonical.some((c) => c.toLowerCase() === k!.toLowerCase() && c !== k));
    for (const f of files) {
      const j = JSON.parse(readFileSync(f, 'utf8')) as { properties?: { mode?: string; policyRule?: unknown } };
      if (!j.properties?.policyRule || !/^(all|indexed)$/i.test(j.properties.mode ?? '')) continue;
      if (oddlyCased(JSON.stringify(j.properties.policyRule))) continue;
      total++;
      if (v.validate(j.properties.policyRule).length > 0) rejected++;
    }
    expect(total).toBeGreaterThan(2500);
    expect(rejected / total).toBeLessThan(0.03);
  });
});

describe('pointerToJsonPath', () => {
  it('renders indexes and odd keys', () => {
    expect(pointerToJsonPath('/if/allOf/0/field', '$')).toBe('$.if.allOf[0].field');
    expect(pointerToJsonPath('/a~1b', '$')).toBe('$["a/b"]');
  });
});

describe('ARM resource schema (Microsoft.Authorization 2024-05-01) for the rest of the PUT body', () => {
  const props = {
    displayName: 'd',
    description: 'd',
    policyType: 'Custom',
    mode: 'Indexed',
    metadata: { version: '1.0.0' },
    parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny'], defaultValue: 'Deny' } },
    policyRule: { if: { field: 'type', equals: 'x' }, then: { effect: "[parameters('effect')]" } },
  };

  it('accepts a definition and an initiative whose member parameters are expressions', () => {
    expect(v.validateDefinitionProperties(props)).toEqual([]);
    const set = {
      displayName: 's',
      policyType: 'Custom',
      parameters: { e: { type: 'String' } },
      policyDefinitions: [{ policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/x', parameters: { effect: { value: "[parameters('e')]" } }, groupNames: ['g'] }],
      policyDefinitionGroups: [{ name: 'g' }],
    };
    expect(v.validateSetProperties(set)).toEqual([]);
  });

  it('rejects an unknown parameter type, a non-string mode and a set without policyDefinitions', () => {
    const bad = v.validateDefinitionProperties({ ...props, mode: 3, parameters: { effect: { type: 'Text' } } });
    expect(bad.map((d) => [d.code, d.jsonPath])).toEqual([
      ['ZT2003', '$.properties.mode'],
      ['ZT2003', '$.properties.parameters.effect.type'],
    ]);
    expect(v.validateSetProperties({ displayName: 's' })[0]!.message).toMatch(/needs property "policyDefinitions"/);
    expect(v.validateSetProperties({ policyDefinitions: [{ policyDefinitionId: 5 }] })[0]!.jsonPath).toBe('$.properties.policyDefinitions[0].policyDefinitionId');
  });
});
