/**
 * `ztpolicy import` through main() in-process: the shapes a team exports (az CLI, REST, EPAC .jsonc, an
 * Enterprise-Scale ARM resource), the written sources, and the refusals (existing files, bad JSON, duplicate
 * names, missing --unit) with their exit codes. The whole-library round trip is test/import/alz-roundtrip.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { inProcess } from '../helpers/in-process.js';

const dirs: string[] = [];
function project(): string {
  const d = mkdtempSync(join(tmpdir(), 'ztpolicy-import-cli-'));
  dirs.push(d);
  writeFileSync(join(d, 'package.json'), '{ "type": "module" }\n');
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The properties of a custom definition as Azure stores them. */
const properties = {
  displayName: 'Storage accounts must use HTTPS',
  description: 'Denies storage accounts that accept plain HTTP.',
  policyType: 'Custom',
  mode: 'Indexed',
  metadata: { category: 'Storage', version: '1.0.0', createdBy: 'a1b2', createdOn: '2026-01-01T00:00:00Z' },
  parameters: {
    effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Deny', metadata: { displayName: 'Effect', description: 'Enable or disable the execution of the policy' } },
  },
  policyRule: {
    if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly', notEquals: true }] },
    then: { effect: "[parameters('effect')]" },
  },
};

/** `az policy definition show` output: properties flattened to the top level, server data included. */
const azDefinition = {
  id: '/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyDefinitions/deny-storage-http',
  name: 'deny-storage-http',
  type: 'Microsoft.Authorization/policyDefinitions',
  systemData: { createdBy: 'someone@contoso.com', createdAt: '2026-01-01T00:00:00Z' },
  ...properties,
};

/** REST GET of a policy set: a custom member (the definition above) and a built-in. */
const restInitiative = {
  id: '/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policySetDefinitions/storage-baseline',
  name: 'storage-baseline',
  type: 'Microsoft.Authorization/policySetDefinitions',
  properties: {
    displayName: 'Storage baseline',
    description: 'HTTPS only, no shared key.',
    policyType: 'Custom',
    metadata: { category: 'Storage', version: '2.0.0' },
    parameters: { storageEffect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Audit' } },
    policyDefinitions: [
      {
        policyDefinitionId: '/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyDefinitions/deny-storage-http',
        policyDefinitionReferenceId: 'https',
        parameters: { effect: { value: "[parameters('storageEffect')]" } },
      },
      {
        policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54',
        policyDefinitionReferenceId: 'shared-key',
        parameters: { effect: { value: "[parameters('storageEffect')]" } },
      },
    ],
  },
};

function write(dir: string, rel: string, value: unknown): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return p;
}

describe('ztpolicy import', () => {
  it('turns an az CLI definition and a REST initiative into a typed control and initiative (exit 0)', async () => {
    const dir = project();
    const input = join(dir, 'export');
    write(input, 'def.json', azDefinition);
    write(input, 'set.json', restInitiative);
    const r = await inProcess(['import', input, '--unit', 'storage', '--project', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const control = readFileSync(join(dir, 'definitions/storage/deny-storage-http.ts'), 'utf8');
    // Hand-written style: the DSL's operators and effect builder, typed parameter references.
    expect(control).toContain("field('Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly').notEquals(true)");
    expect(control).toContain("field('type').equals('Microsoft.Storage/storageAccounts')");
    expect(control).toContain('then: deny(p.effect)');
    expect(control).toContain("effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny')");
    expect(control).toContain("from 'ztpolicy'");
    // Server-written metadata is not source material.
    expect(control).not.toContain('createdBy');
    const initiative = readFileSync(join(dir, 'initiatives/storage-baseline.ts'), 'utf8');
    expect(initiative).toContain("import denyStorageHttp from '../definitions/storage/deny-storage-http.js';");
    expect(initiative).toContain('member(builtin.storageAccountsShouldPreventSharedKeyAccess, {');
    expect(initiative).toContain("referenceId: 'shared-key'");
    expect(initiative).toContain('parameters: { effect: p.storageEffect }');
    const out = JSON.parse(r.stdout) as { ok: boolean; written: string[]; notImported: unknown[] };
    expect(out).toMatchObject({ ok: true, notImported: [] });
    expect(out.written.sort()).toEqual(['definitions/storage/deny-storage-http.ts', 'initiatives/storage-baseline.ts']);
    expect(r.stderr).toContain('imported 1 definition(s) into definitions/storage/ and 1 initiative(s) into initiatives/');
    expect(r.stderr).toContain('note: deny-storage-http: $.properties.metadata.createdBy is not kept');
  });

  it('refuses to overwrite an existing source (exit 2, nothing written) unless --force', async () => {
    const dir = project();
    const input = write(dir, 'def.json', azDefinition);
    const target = write(dir, 'definitions/storage/deny-storage-http.ts', '// mine\n');
    const r = await inProcess(['import', input, '--unit', 'storage', '--project', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exists: definitions/storage/deny-storage-http.ts');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(target, 'utf8')).toBe('// mine\n');
    const forced = await inProcess(['import', input, '--unit', 'storage', '--project', dir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toContain('defineControl');
  });

  it('reads an EPAC Definitions folder: .jsonc with comments, policyDefinitionName members, other files ignored', async () => {
    const dir = project();
    const defs = join(dir, 'Definitions');
    write(defs, 'policyDefinitions/storage/http.jsonc', `// EPAC allows comments\n${JSON.stringify({ name: azDefinition.name, properties }, null, 2)}`);
    write(defs, 'policySetDefinitions/baseline.jsonc', {
      $schema: 'https://raw.githubusercontent.com/Azure/enterprise-azure-policy-as-code/main/Schemas/policy-set-definition-schema.json',
      name: 'epac-baseline',
      properties: {
        displayName: 'EPAC baseline',
        description: 'x',
        metadata: { version: '1.0.0', category: 'Storage' },
        policyDefinitions: [{ policyDefinitionReferenceId: 'https', policyDefinitionName: 'deny-storage-http' }],
      },
    });
    write(defs, 'policyAssignments/root.jsonc', { nodeName: '/root', assignment: { name: 'x' } });
    const r = await inProcess(['import', defs, '--unit', 'storage', '--project', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'initiatives/epac-baseline.ts'), 'utf8')).toContain("member(denyStorageHttp, { referenceId: 'https' })");
    expect(r.stderr).toContain('1 JSON file(s) that are not policies ignored');
  });

  it('removes the ARM-template escaping of an Enterprise-Scale resource ("[[" -> "[")', async () => {
    const dir = project();
    const es = {
      name: 'Deny-Http',
      type: 'Microsoft.Authorization/policyDefinitions',
      apiVersion: '2021-06-01',
      scope: null,
      properties: { ...properties, policyRule: { ...properties.policyRule, then: { effect: "[[parameters('effect')]" } } },
    };
    const r = await inProcess(['import', write(dir, 'es.json', es), '--unit', 'storage', '--project', dir]);
    expect(r.code, r.stderr).toBe(0);
    const control = readFileSync(join(dir, 'definitions/storage/Deny-Http.ts'), 'utf8');
    expect(control).toContain('then: deny(p.effect)');
    expect(control).toContain('ARM-template escaping removed');
  });

  it('lists what it cannot import with the JSON path (exit 1) and still writes the rest', async () => {
    const dir = project();
    const odd = { ...azDefinition, name: 'odd', policyRule: { ...properties.policyRule, then: { effect: 'deny', details: { unknownThing: 1 } } } };
    const r = await inProcess(['import', write(dir, 'a.json', [azDefinition, odd]), '--unit', 'storage', '--project', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not imported: definition odd \(\S*a\.json at \$\[1\]\.properties\.policyRule\.then\.details\): details of an unknown shape/);
    expect(existsSync(join(dir, 'definitions/storage/deny-storage-http.ts'))).toBe(true);
    expect(existsSync(join(dir, 'definitions/storage/odd.ts'))).toBe(false);
  });

  it('rejects invalid JSON with the file and position, and writes nothing (exit 2)', async () => {
    const dir = project();
    write(dir, 'in/good.json', azDefinition);
    write(dir, 'in/bad.json', '{ "name": "x", "properties": { ');
    const r = await inProcess(['import', join(dir, 'in'), '--unit', 'storage', '--project', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: error ZT7002: invalid JSON: .*line 1 column/);
    expect(r.stderr).toContain('nothing was written');
    expect(existsSync(join(dir, 'definitions'))).toBe(false);
  });

  it('rejects two inputs with one policy name (Azure keys policies by name) and a missing or unknown --unit', async () => {
    const dir = project();
    const a = write(dir, 'a.json', azDefinition);
    const b = write(dir, 'b.json', { ...azDefinition, name: 'DENY-storage-http' });
    const dup = await inProcess(['import', a, b, '--unit', 'storage', '--project', dir]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("error ZT9504: definition 'DENY-storage-http' is also in");
    const noUnit = await inProcess(['import', a, '--project', dir]);
    expect(noUnit.code).toBe(2);
    expect(noUnit.stderr).toContain('--unit is one of storage, vm, spoke-vnet, hub-vnet, defender, monitoring');
    const badUnit = await inProcess(['import', a, '--unit', 'network', '--project', dir]);
    expect(badUnit.code).toBe(2);
    expect(badUnit.stderr).toContain("unknown unit 'network'");
    expect(existsSync(join(dir, 'definitions'))).toBe(false);
  });

  it('shows progress on a large import as plain lines in a log (none with --quiet), like publish', async () => {
    const dir = project();
    for (let i = 0; i < 25; i++) write(dir, `in/d${i}.json`, { ...azDefinition, name: `deny-storage-http-${i}` });
    const log = async (extra: string[]) => {
      let out = '';
      let err = '';
      const code = await main(['import', join(dir, 'in'), '--unit', 'storage', '--project', dir, '--dry-run', ...extra], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        stderrIsTty: false,
      });
      return { code, out, err };
    };
    const r = await log([]);
    expect(r.code, r.err).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.startsWith('import: '));
    // src/cli/progress.ts in a log: the start, one line per 10 % step reached, the end with its time.
    expect(lines[0]).toBe('import: 0/25');
    expect(lines).toContain('import: 3/25 (10%)');
    expect(lines.at(-1)).toMatch(/^import: 25\/25 done in \d+\.\d s$/);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(r.err).toContain('would import 25 definition(s)');
    const quiet = await log(['--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe('');
  });
});
