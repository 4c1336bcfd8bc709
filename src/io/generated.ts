/**
 * generated/ on disk: read it, compare it with what a build would write, and replace it atomically.
 *
 * Atomic means: the new tree is written completely into a sibling staging folder first; only then is the old
 * folder renamed away and the staging folder renamed into place (two renames on the same file system), and the
 * old one deleted. A failure while staging leaves generated/ untouched; a failure between the two renames puts
 * the old folder back. Files not produced by the build (orphans, e.g. of a deleted control) disappear with the
 * old folder. Nothing is written when the content is already current.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GENERATED_DIR = 'generated';

/** All files under dir: relative path (forward slashes) -> bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const rel = prefix ? `${prefix}/${e}` : e;
      if (statSync(p).isDirectory()) walk(p, rel);
      else out.set(rel, readFileSync(p));
    }
  };
  walk(dir, '');
  return out;
}

export interface TreeDiff {
  /** In both, different bytes. */
  stale: string[];
  /** Would be written, not on disk. */
  missing: string[];
  /** On disk, would not be written. */
  orphans: string[];
}

export function diffTree(current: ReadonlyMap<string, Buffer>, desired: ReadonlyMap<string, string>): TreeDiff {
  const diff: TreeDiff = { stale: [], missing: [], orphans: [] };
  for (const [path, text] of desired) {
    const have = current.get(path);
    if (have === undefined) diff.missing.push(path);
    else if (!have.equals(Buffer.from(text, 'utf8'))) diff.stale.push(path);
  }
  for (const path of current.keys()) if (!desired.has(path)) diff.orphans.push(path);
  for (const list of [diff.stale, diff.missing, diff.orphans]) list.sort();
  return diff;
}

export function isCurrent(diff: TreeDiff): boolean {
  return diff.stale.length === 0 && diff.missing.length === 0 && diff.orphans.length === 0;
}

let seq = 0;

/** Replaces `<projectDir>/generated` with exactly `files`. Returns the diff that was applied. */
export function writeGeneratedAtomically(projectDir: string, files: ReadonlyMap<string, string>): TreeDiff {
  const target = join(projectDir, GENERATED_DIR);
  const diff = diffTree(readTree(target), files);
  if (isCurrent(diff)) return diff;
  const tag = `${process.pid}-${++seq}`;
  const staging = join(projectDir, `.${GENERATED_DIR}.staging-${tag}`);
  const old = join(projectDir, `.${GENERATED_DIR}.old-${tag}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    for (const [rel, text] of files) {
      const p = join(staging, ...rel.split('/'));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text, 'utf8');
    }
    mkdirSync(staging, { recursive: true }); // an empty build still yields a folder
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const hadOld = existsSync(target);
  if (hadOld) renameSync(target, old);
  try {
    renameSync(staging, target);
  } catch (e) {
    if (hadOld) renameSync(old, target);
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
  return diff;
}
