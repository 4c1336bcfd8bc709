/**
 * Issue 11 point 10: a code means one thing. Each module owns a range (src/errors.ts CODE_RANGES, README "Error
 * codes"); every code lies in its module's range and catalog, and a file reports only codes of the ranges its
 * module may report (a publisher file printing ZT4001, the validation code for an undeclared parameter, fails).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliCode } from '../src/cli/codes.js';
import { COMPILER_CODES } from '../src/compiler/codes.js';
import { CODE_RANGES } from '../src/errors.js';
import { EvaluatorCode } from '../src/evaluator/errors.js';
import { InputCode } from '../src/io/evaluate-inputs.js';
import { ImportCode } from '../src/import/codes.js';
import { PublisherCode } from '../src/publisher/codes.js';
import { CODES } from '../src/validate/codes.js';
import { repoRoot } from './helpers/cli.js';

/** The codes each catalog lists, read from the catalog itself. */
const CATALOGS: Record<string, readonly string[]> = {
  'src/validate/codes.ts': [...CODES.keys()],
  'src/evaluator/errors.ts': Object.values(EvaluatorCode),
  'src/compiler/codes.ts': COMPILER_CODES.map((c) => c.id),
  'src/io/evaluate-inputs.ts': Object.values(InputCode),
  'src/publisher/codes.ts': Object.values(PublisherCode),
  'src/cli/codes.ts': Object.values(CliCode),
  'src/import/codes.ts': Object.values(ImportCode),
};

/**
 * Files outside a catalog's folder that report its codes with the same meaning: the compiler and the build
 * report the project checks' diagnostics through the shared catalog (diagnostic()); the test helpers surface
 * the evaluator's errors.
 */
const REPORTERS: Record<string, readonly string[]> = {
  'src/validate/codes.ts': ['src/compiler/', 'src/io/build.ts', 'src/io/schemas.ts', 'src/io/typecheck.ts'],
  'src/evaluator/errors.ts': ['src/testing/'],
};

const num = (code: string): number => Number(code.slice(2));
const rangeOf = (code: string) => CODE_RANGES.find((r) => num(code) >= num(r.first) && num(code) <= num(r.last));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('error code ranges', () => {
  it('are disjoint, ordered, and each names a catalog this test reads', () => {
    for (let i = 1; i < CODE_RANGES.length; i++) expect(num(CODE_RANGES[i]!.first)).toBeGreaterThan(num(CODE_RANGES[i - 1]!.last));
    expect(CODE_RANGES.map((r) => r.catalog).sort()).toEqual(Object.keys(CATALOGS).sort());
  });

  it('every catalogued code lies in its own module range, once', () => {
    const misplaced: string[] = [];
    const seen = new Map<string, string>();
    for (const [catalog, codes] of Object.entries(CATALOGS)) {
      for (const code of codes) {
        if (!/^ZT\d{4}$/.test(code) || rangeOf(code)?.catalog !== catalog) misplaced.push(`${catalog}: ${code}`);
        if (seen.has(code)) misplaced.push(`${code} in ${seen.get(code)} and ${catalog}`);
        seen.set(code, catalog);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it('every code written in src is catalogued in the range its file may report', () => {
    const wrong: string[] = [];
    for (const path of sourceFiles(join(repoRoot, 'src'))) {
      const file = relative(repoRoot, path).split('\\').join('/');
      if (file in CATALOGS || file === 'src/errors.ts') continue; // the catalogs and the range table itself
      for (const m of readFileSync(path, 'utf8').matchAll(/(['"`])(ZT\d{4})\1/g)) {
        const code = m[2]!;
        if (code === 'ZT0000') continue; // DiagnosticsError: the list's own codes are checked here
        const range = rangeOf(code);
        const catalog = range?.catalog;
        const allowed = catalog !== undefined && (file.startsWith(dirname(catalog) + '/') || (REPORTERS[catalog] ?? []).some((p) => file.startsWith(p)));
        if (!range || !CATALOGS[range.catalog]!.includes(code) || !allowed) {
          wrong.push(`${file}: ${code} (${range ? `${range.module}; catalog ${range.catalog}` : 'in no range'})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the README table lists exactly these ranges', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (ZT\d{4})-(ZT\d{4}) \| (.+?) \| (\S+) \|$/gm)].map((m) => ({ first: m[1], last: m[2], module: m[3], catalog: m[4] }));
    expect(rows).toEqual(CODE_RANGES.map((r) => ({ ...r })));
  });
});
