import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverSources } from '../../src/io/discover.js';
import { repoRoot } from '../helpers/cli.js';

const dir = join(repoRoot, 'test', '.tmp', 'io-discover');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('source discovery', () => {
  it('finds definitions and initiatives, sorted, skipping tests, declarations and dot-folders', () => {
    const p = join(dir, 'proj');
    for (const f of ['definitions/vm/b.ts', 'definitions/storage/a.ts', 'definitions/storage/a.test.ts', 'definitions/x.d.ts', 'definitions/.hidden/c.ts', 'initiatives/z.ts', 'other/o.ts']) {
      mkdirSync(join(p, f, '..'), { recursive: true });
      writeFileSync(join(p, f), '');
    }
    expect(discoverSources(p).map((s) => [s.rel, s.kind])).toEqual([
      ['definitions/storage/a.ts', 'definition'],
      ['definitions/vm/b.ts', 'definition'],
      ['initiatives/z.ts', 'initiative'],
    ]);
  });
});

