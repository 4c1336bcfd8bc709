import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

const run = promisify(execFile);

// vitest strips types without checking them. This runs the real compiler over src, definitions, initiatives and
// test, which is what makes the `// @ts-expect-error` lines of the type-level tests real assertions: tsc fails
// both on an unexpected type error and on an expect-error line that is no longer an error.
describe('the whole project type-checks', () => {
  it('tsc -p tsconfig.json reports no errors', async () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    let code = 0;
    try {
      const r = await run(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.json'), '--pretty', 'false'], {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
      });
      output = r.stdout + r.stderr;
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      code = typeof e.code === 'number' ? e.code : 1;
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    expect(output.trim(), 'type errors').toBe('');
    expect(code).toBe(0);
  }, 180_000);
});
