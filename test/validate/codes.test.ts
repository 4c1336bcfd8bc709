import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CODES, CODES, diagnostic } from '../../src/validate/codes.js';
import { repoRoot } from '../helpers/cli.js';

describe('diagnostic code catalog', () => {
  it('pins the list of codes (a dropped or renumbered code must be a deliberate change)', () => {
    expect([...CODES.keys()]).toEqual([
      ...Array.from({ length: 24 }, (_, i) => `ZT10${String(i + 1).padStart(2, '0')}`),
      ...Array.from({ length: 9 }, (_, i) => `ZT110${i + 1}`),
      'ZT2001', 'ZT2002', 'ZT2003',
      ...Array.from({ length: 23 }, (_, i) => `ZT30${String(i + 1).padStart(2, '0')}`),
      ...Array.from({ length: 10 }, (_, i) => `ZT40${String(i + 1).padStart(2, '0')}`),
    ]);
  });

  it('gives every code a title and a hint that says how to fix it', () => {
    for (const c of CODES.values()) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.hint.length, c.id).toBeGreaterThan(20);
    }
  });

  it('builds diagnostics with the catalog defaults, and refuses unknown codes', () => {
    expect(diagnostic('ZT4002', { message: 'm', file: 'f.ts' })).toMatchObject({ code: 'ZT4002', severity: 'warning', file: 'f.ts' });
    expect(() => diagnostic('ZT9999', { message: 'm' })).toThrow();
  });

  it('knows every code the bad-input corpus expects (merged with the compiler codes)', () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'bad-input');
    for (const c of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
      const exp = JSON.parse(readFileSync(join(dir, c, 'expect.json'), 'utf8')) as { stderrIncludes: string[] };
      for (const s of exp.stderrIncludes.filter((x) => /^ZT\d{4}$/.test(x))) expect(ALL_CODES.has(s), `${c}: ${s}`).toBe(true);
    }
  });
});
