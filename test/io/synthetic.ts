/**
 * Writes a synthetic ztpolicy project (definitions/storage/*.ts plus an optional initiative) for the build tests
 * and the benchmark. Imports point at the repo's src/ by a relative path computed from where the file lands.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

function importPath(fromFile: string, target: string): string {
  const rel = relative(dirname(fromFile), join(repoRoot, target)).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function syntheticControlName(i: number): string {
  return `zt-stg-${String(i + 1).padStart(2, '0')}-synthetic-${i}`;
}

/** Three rule shapes in rotation so the synthetic set is not one control repeated. */
function controlSource(i: number, dsl: string): string {
  const name = syntheticControlName(i);
  const id = `ZT-STG-${String(i + 1).padStart(2, '0')}`;
  const shapes = [
    `if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts'),
      field('Microsoft.Storage/storageAccounts/minimumTlsVersion').notEquals(p.tls),
    ),
    then: deny(p.effect),`,
    `if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts'),
      anyOf(
        field('Microsoft.Storage/storageAccounts/allowBlobPublicAccess').exists(false),
        field('Microsoft.Storage/storageAccounts/allowBlobPublicAccess').equals(true),
      ),
    ),
    then: deny(p.effect),`,
    `if: allOf(
      field('type').equals('Microsoft.Storage/storageAccounts'),
      not(field('Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly').equals(true)),
    ),
    then: deny(p.effect),`,
  ];
  const params =
    i % 3 === 0
      ? `{ effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'), tls: param.string({ allowedValues: ['TLS1_2', 'TLS1_3'], defaultValue: 'TLS1_2' }) }`
      : `{ effect: param.effect(['Audit', 'Deny', 'Disabled'], '${i % 2 === 0 ? 'Deny' : 'Audit'}') }`;
  return `import { allOf, anyOf, defineControl, deny, not, param } from '${dsl}';

export default defineControl({
  name: '${name}',
  controlId: '${id}',
  displayName: 'Synthetic storage control ${i}',
  description: 'Synthetic control number ${i}, generated for tests and benchmarks.',
  principle: '${['verify-explicitly', 'least-privilege', 'assume-breach'][i % 3]}',
  unit: 'storage',
  version: '1.0.${i % 10}',
  category: 'Storage',
  mode: 'Indexed',
  resourceType: 'Microsoft.Storage/storageAccounts',
  parameters: ${params},
  rule: ({ field, p }) => ({
    ${shapes[i % 3]}
  }),
  remediation: 'Fix storage account setting ${i}.',
});
`;
}

export interface SyntheticOptions {
  controls: number;
  /** Also write initiatives/synthetic.ts (name zt-synthetic) with every control as a member (at most 1,000). */
  initiative?: boolean;
}

/** Writes the project; returns the absolute paths of the definition files. */
export function writeSyntheticProject(dir: string, options: SyntheticOptions): string[] {
  const files: string[] = [];
  const defDir = join(dir, 'definitions', 'storage');
  mkdirSync(defDir, { recursive: true });
  for (let i = 0; i < options.controls; i++) {
    const file = join(defDir, `${syntheticControlName(i)}.ts`);
    writeFileSync(file, controlSource(i, importPath(file, 'src/dsl/index.js')));
    files.push(file);
  }
  if (options.initiative) {
    const file = join(dir, 'initiatives', 'synthetic.ts');
    mkdirSync(dirname(file), { recursive: true });
    const n = Math.min(options.controls, 1000);
    const imports = Array.from({ length: n }, (_, i) => `import c${i} from '../definitions/storage/${syntheticControlName(i)}.js';`).join('\n');
    const members = Array.from({ length: n }, (_, i) => `    member(c${i}, { parameters: { effect: p.effect } }),`).join('\n');
    writeFileSync(
      file,
      `import { defineInitiative, member, param } from '${importPath(file, 'src/dsl/index.js')}';
${imports}

export default defineInitiative({
  name: 'zt-synthetic',
  displayName: 'Synthetic initiative',
  description: 'Every synthetic control.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'storage',
  parameters: { effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit') },
  members: ({ p }) => [
${members}
  ],
});
`,
    );
  }
  return files;
}
