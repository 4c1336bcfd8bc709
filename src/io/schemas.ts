/**
 * Loads the vendored policy rule schemas (src/validate/schemas) and compiles the validator once per process.
 * ZTPOLICY_SCHEMA_DIR (or the schemaDir option) points at another directory with the same layout; a missing or
 * invalid file is bad input (ZT1016) naming the file, never a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticsError } from '../errors.js';
import { diagnostic } from '../validate/codes.js';
import { createRuleValidator, SCHEMA_FILES } from '../validate/schema.js';
import type { RuleValidator, SchemaDocuments } from '../validate/schema.js';
import { packagePath } from './paths.js';

export const SCHEMA_DIR_ENV = 'ZTPOLICY_SCHEMA_DIR';

/** The shipped schema folder: next to the compiled validate/ module (src/ or dist/), else the package's src/. */
export function defaultSchemaDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, '..', 'validate', 'schemas');
  return existsSync(join(sibling, SCHEMA_FILES[0])) ? sibling : packagePath('src', 'validate', 'schemas');
}

const cache = new Map<string, RuleValidator>();

export function loadRuleValidator(schemaDir?: string): RuleValidator {
  const dir = resolve(schemaDir ?? process.env[SCHEMA_DIR_ENV] ?? defaultSchemaDir());
  const hit = cache.get(dir);
  if (hit) return hit;
  const docs: SchemaDocuments = {};
  const problems = [];
  for (const f of SCHEMA_FILES) {
    const path = join(dir, f);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      problems.push(diagnostic('ZT1016', { file: path, message: `schema file cannot be read` }));
      continue;
    }
    try {
      docs[f] = JSON.parse(text) as unknown;
    } catch (e) {
      problems.push(diagnostic('ZT1016', { file: path, message: `schema file is not valid JSON: ${(e as Error).message}` }));
    }
  }
  if (problems.length === 0) {
    try {
      const v = createRuleValidator(docs);
      cache.set(dir, v);
      return v;
    } catch (e) {
      problems.push(diagnostic('ZT1016', { file: dir, message: `schema files do not form a usable schema: ${(e as Error).message}` }));
    }
  }
  throw new DiagnosticsError(`build failed: the policy schemas in ${dir} could not be loaded; generated/ was left unchanged`, problems);
}
