/**
 * Guards the type-checking cost of the DSL (issue 2: no 76,000-member union that makes tsc crawl). A control
 * that names one resource type must make tsc build the aliases of that type only. The measure is tsc's own
 * count of types (deterministic), not time: with the alias catalog imported, a plain probe costs about 2,000
 * types and one sample control about 5,000; the regression this guards against (a generic FieldName<T>
 * related to anything) builds the union of every alias twice, about 155,000.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const run = promisify(execFile);

async function typesFor(files: string[]): Promise<number> {
  const dir = join(repoRoot, 'test', '.tmp', 'typecheck-cost');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, `tsconfig.${files.length}.json`);
  writeFileSync(config, JSON.stringify({ extends: '../../../tsconfig.json', include: [], files: files.map((f) => `../../../${f}`) }));
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const { stdout } = await run(process.execPath, [tsc, '-p', config, '--extendedDiagnostics', '--pretty', 'false'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  const m = /^Types:\s+(\d+)/m.exec(stdout);
  if (!m) throw new Error(`no type count in tsc output:\n${stdout}`);
  return Number(m[1]);
}

describe('type-checking cost of the DSL', () => {
  it('the sample controls and initiatives build far fewer types than the alias catalog holds', async () => {
    const types = await typesFor([
      'definitions/storage/zt-stg-02-minimum-tls.ts',
      'definitions/spoke-vnet/zt-spk-02-subnet-nsg.ts',
      'definitions/defender/zt-mdc-09-security-contacts.ts',
      'initiatives/zero-trust.ts',
    ]);
    // 76,170 aliases: anything near that count means some declaration expanded the whole catalog.
    expect(types).toBeLessThan(40_000);
  }, 180_000);
});
