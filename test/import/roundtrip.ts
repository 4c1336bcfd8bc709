/**
 * The import round trip: import a folder of Azure Policy JSON into a scratch project, load the generated sources
 * in-process (tsx, no type check: that is a separate, sampled test), compile them with the project's compiler and
 * compare each result with its source semantically (src/import/compare.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createSourceLoader } from '../../src/io/load.js';
import { compareDefinition, compareInitiative } from '../../src/import/compare.js';
import { planImport, type ImportPlan } from '../../src/import/index.js';
import type { Unit } from '../../src/model.js';
import { repoRoot } from '../helpers/cli.js';

export interface RoundTripResult {
  plan: ImportPlan;
  /** name -> differences (empty: equivalent) or the compile errors. */
  outcomes: Map<string, { kind: 'definition' | 'initiative'; file: string; problems: string[] }>;
  dir: string;
}

/** A scratch project in the temp folder; its generated files import the repository's src/ by relative path. */
export function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztpolicy-import-'));
  // An ES module project, like a user's (package.json "type": "module"), so the sources load as ESM.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  return dir;
}

export async function roundTrip(inputs: string[], dir = scratchProject(), unit: Unit = 'monitoring'): Promise<RoundTripResult> {
  // The scratch project reuses the repository's src/ through a relative path: generated imports point there.
  const plan = planImport({
    inputs,
    projectDir: repoRoot,
    definitionsDir: join(dir, 'definitions'),
    initiativesDir: join(dir, 'initiatives'),
    unit,
    principle: 'verify-explicitly',
  });
  for (const f of plan.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  const loader = createSourceLoader({ tsconfig: join(repoRoot, 'tsconfig.json') });
  const outcomes: RoundTripResult['outcomes'] = new Map();
  try {
    const compiler = await loader.compiler();
    for (const f of plan.files) {
      let problems: string[];
      try {
        const mod = await loader.importFile(f.path);
        const value = mod['default'];
        const compiled = f.kind === 'definition' ? compiler.compileControl(value as never) : compiler.compileInitiative(value as never);
        const errors = compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}${d.jsonPath ? ` (at ${d.jsonPath})` : ''}`);
        const props = compiled.document.properties as unknown as Record<string, unknown>;
        const diff = f.kind === 'definition' ? compareDefinition(f.source.properties, props) : compareInitiative(f.source.properties, props);
        problems = [...diff, ...errors.map((e) => `compile error ${e}`)];
      } catch (e) {
        problems = [`load failed: ${(e as Error).message.split('\n')[0]}`];
      }
      outcomes.set(`${f.kind}:${f.name}`, { kind: f.kind, file: f.source.file, problems });
    }
  } finally {
    await loader.close();
  }
  return { plan, outcomes, dir };
}

export const ALZ = join(repoRoot, '..', 'shared', 'azure', 'alz');
const ES = join(ALZ, 'Enterprise-Scale', 'src', 'resources', 'Microsoft.Authorization');

function esFiles(filter: (name: string) => boolean): string[] {
  return ['policyDefinitions', 'policySetDefinitions'].flatMap((d) =>
    readdirSync(join(ES, d)).filter((f) => f.endsWith('.json') && filter(f)).sort().map((f) => join(ES, d, f)),
  );
}

export interface AlzGroup {
  label: string;
  inputs: string[];
  /** Imported into the project of this earlier group (its controls resolve the members), under another unit. */
  into?: string;
  unit: Unit;
}

/**
 * The whole ALZ corpus in importable groups. A name identifies a policy, so files that share one cannot be one
 * import: Enterprise-Scale keeps per-cloud variants (<name>.AzureChinaCloud.json, .AzureUSGovernment.json) and the
 * ALZ Library repeats Enterprise-Scale's policies. The removed files, then the variants, are imported into the
 * Enterprise-Scale project (under other units), the way a team would add them to a project that has the rest
 * (the US Government variant of Deny-PublicPaaSEndpoints still names the removed Deny-PublicEndpoint-MariaDB).
 */
export function alzGroups(): AlzGroup[] {
  const variant = /\.Azure(ChinaCloud|USGovernment)\.json$/;
  return [
    { label: 'alz-library/alz', inputs: [join(ALZ, 'Azure-Landing-Zones-Library', 'platform', 'alz')], unit: 'monitoring' },
    { label: 'alz-library/amba', inputs: [join(ALZ, 'Azure-Landing-Zones-Library', 'platform', 'amba')], unit: 'monitoring' },
    { label: 'enterprise-scale', inputs: esFiles((f) => !variant.test(f)), unit: 'monitoring' },
    { label: 'enterprise-scale-removed', inputs: [join(ALZ, 'Enterprise-Scale-removed-2026-04-15')], into: 'enterprise-scale', unit: 'defender' },
    { label: 'enterprise-scale/china', inputs: esFiles((f) => f.endsWith('.AzureChinaCloud.json')), into: 'enterprise-scale', unit: 'storage' },
    { label: 'enterprise-scale/usgov', inputs: esFiles((f) => f.endsWith('.AzureUSGovernment.json')), into: 'enterprise-scale', unit: 'vm' },
  ];
}
