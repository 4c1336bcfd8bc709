/**
 * Writes a set of files all or nothing: every file goes to a temporary name next to its target first, then all
 * are renamed; if anything fails, the temporaries and the files already renamed are removed. Used by `ztpolicy
 * import` and `ztpolicy export`, which must not leave half an import or export behind.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeAllOrNothing(files: ReadonlyArray<{ readonly path: string; readonly text: string }>): void {
  const temps: string[] = [];
  const done: string[] = [];
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = `${f.path}.ztpolicy-${process.pid}.tmp`;
      writeFileSync(tmp, f.text);
      temps.push(tmp);
    }
    files.forEach((f, i) => {
      renameSync(temps[i]!, f.path);
      done.push(f.path);
    });
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    for (const d of done) rmSync(d, { force: true });
    throw e;
  }
}
