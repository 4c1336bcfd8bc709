/**
 * Finds the sources of a project: definitions/<unit>/<name>.ts (any depth is reported, only <unit>/<name>.ts is
 * valid) initiatives/<name>.ts and exemptions/<name>.ts. Sorted, forward-slash relative paths, so every later step is deterministic.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Relative to the project root, forward slashes (what diagnostics show). */
  rel: string;
  kind: 'definition' | 'initiative' | 'exemption';
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts') && !entry.endsWith('.test.ts')) out.push(p);
  }
}

export function toRel(projectDir: string, path: string): string {
  return relative(projectDir, path).split(sep).join('/');
}

export function discoverSources(projectDir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const [folder, kind] of [
    ['definitions', 'definition'],
    ['initiatives', 'initiative'],
    ['exemptions', 'exemption'],
  ] as const) {
    const root = join(projectDir, folder);
    if (!existsSync(root)) continue;
    const files: string[] = [];
    walk(root, files);
    for (const path of files) out.push({ path, rel: toRel(projectDir, path), kind });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
