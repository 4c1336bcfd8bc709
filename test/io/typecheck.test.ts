import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectCompilerOptions } from '../../src/io/typecheck.js';
import { repoRoot } from '../helpers/cli.js';

const dir = join(repoRoot, 'test', '.tmp', 'io-typecheck');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('project compiler options', () => {
  it('uses strict house defaults without a tsconfig.json', () => {
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, 'tsconfig.json'), { force: true });
    const r = projectCompilerOptions(dir);
    expect(r.diagnostics).toEqual([]);
    expect(r.options).toMatchObject({ strict: true, noUncheckedIndexedAccess: true, noEmit: true });
  });

  it('reports an invalid tsconfig.json as ZT1017 naming the file', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "target": "ES9999" } }\n');
    const r = projectCompilerOptions(dir);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([['ZT1017', 'tsconfig.json']]);
    expect(r.diagnostics[0]!.message).toMatch(/target/);
  });
});

