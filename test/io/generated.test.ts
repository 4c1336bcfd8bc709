import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffTree, isCurrent, readTree, writeGeneratedAtomically } from '../../src/io/generated.js';
import { repoRoot } from '../helpers/cli.js';

const dir = join(repoRoot, 'test', '.tmp', 'io-generated');

describe('generated/ writer', () => {
  beforeEach(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'generated', 'old'), { recursive: true });
    writeFileSync(join(dir, 'generated', 'old', 'orphan.json'), '{}\n');
    writeFileSync(join(dir, 'generated', 'keep.json'), '1\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('diffs stale, missing and orphan files', () => {
    const d = diffTree(readTree(join(dir, 'generated')), new Map([['keep.json', '2\n'], ['new/a.json', 'a\n']]));
    expect(d).toEqual({ stale: ['keep.json'], missing: ['new/a.json'], orphans: ['old/orphan.json'] });
    expect(isCurrent(d)).toBe(false);
    expect(isCurrent(diffTree(readTree(join(dir, 'generated')), new Map([['keep.json', '1\n'], ['old/orphan.json', '{}\n']])))).toBe(true);
  });

  it('replaces the folder with exactly the new files (orphans and empty folders gone)', () => {
    writeGeneratedAtomically(dir, new Map([['keep.json', '2\n'], ['new/a.json', 'a\n']]));
    expect([...readTree(join(dir, 'generated')).keys()]).toEqual(['keep.json', 'new/a.json']);
    expect(existsSync(join(dir, 'generated', 'old'))).toBe(false);
    expect(readFileSync(join(dir, 'generated', 'keep.json'), 'utf8')).toBe('2\n');
    expect(readdirSync(dir)).toEqual(['generated']); // no staging or backup folders left
  });

  it('leaves generated/ untouched when staging fails', () => {
    const before = readTree(join(dir, 'generated'));
    // Entries that cannot both exist: "a" as a file, then "a/b.json" needing "a" as a folder.
    expect(() => writeGeneratedAtomically(dir, new Map([['a', 'x\n'], ['a/b.json', 'y\n']]))).toThrow();
    const after = readTree(join(dir, 'generated'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [k, v] of before) expect(after.get(k)!.equals(v)).toBe(true);
    expect(readdirSync(dir)).toEqual(['generated']);
  });

  it('does not touch the folder when it is already current', () => {
    const files = new Map([['keep.json', '1\n'], ['old/orphan.json', '{}\n']]);
    // "Untouched" means the same folder and files, not an identical copy swapped in: compare inodes and mtimes.
    const stamp = (p: string) => {
      const st = statSync(join(dir, 'generated', p), { bigint: true });
      return `${st.ino}/${st.mtimeNs}`;
    };
    const before = ['.', 'keep.json', 'old', 'old/orphan.json'].map(stamp);
    const d = writeGeneratedAtomically(dir, files);
    expect(isCurrent(d)).toBe(true);
    expect(['.', 'keep.json', 'old', 'old/orphan.json'].map(stamp)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['generated']);
  });
});
