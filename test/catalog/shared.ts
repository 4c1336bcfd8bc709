// Independent readers of the reference data in ../shared (CI has it next to the repo), for the catalog tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

export const sharedAzure = join(repoRoot, '..', 'shared', 'azure');

export interface CsvAlias {
  namespace: string;
  resourceType: string;
  alias: string;
  defaultPath: string;
}

/** aliases-by-resource-type.csv read the plain way (its SOURCES.md says no field is ever quoted). */
export function readCsvAliases(): CsvAlias[] {
  const text = readFileSync(join(sharedAzure, 'aliases', 'aliases-by-resource-type.csv'), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines.shift();
  if (header !== 'namespace,resourceType,alias,defaultPath') throw new Error(`unexpected CSV header ${header}`);
  return lines.map((l) => {
    const [namespace, resourceType, alias, defaultPath] = l.split(',') as [string, string, string, string];
    return { namespace, resourceType, alias, defaultPath };
  });
}

export const builtinDir = join(sharedAzure, 'builtins', 'built-in-policies', 'policyDefinitions');

export function readBuiltinJson(relPath: string): { name: string; id: string; properties: Record<string, any> } {
  return JSON.parse(readFileSync(join(builtinDir, relPath), 'utf8').replace(/^\uFEFF/, ''));
}

/** Every public-cloud built-in definition file, as paths relative to policyDefinitions/. */
export function listBuiltinFiles(): string[] {
  const out: string[] = [];
  for (const category of readdirSync(builtinDir)) {
    if (category === 'Azure Government' || category.endsWith('.md')) continue;
    for (const f of readdirSync(join(builtinDir, category))) if (f.endsWith('.json')) out.push(`${category}/${f}`);
  }
  return out;
}
