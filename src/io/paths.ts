import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The root of the ztpolicy package (where its package.json is), found from this file whether it runs from
 * src/ (tsx, vitest) or from dist/ (after `npm run build`). Vendored data is read relative to it.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'ztpolicy') return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ztpolicy package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Absolute path of a file shipped with the package, e.g. packagePath('src/catalog/data/aliases.json'). */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

/** A path as messages show it: relative to `cwd`, forward slashes on every OS (the path itself when it is cwd). */
export function shownPath(path: string, cwd: string = process.cwd()): string {
  return relative(cwd, path).replace(/\\/g, '/') || path;
}
